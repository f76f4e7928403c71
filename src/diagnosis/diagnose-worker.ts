/**
 * Entry module of a diagnose worker process (forked by {@link diagnoseInWorkers}): says it is
 * ready, then diagnoses its records with its own copy of the policy and sends the outcomes batch
 * by batch, then says `done`. When it fails it sends the error and exits with 1; it exits when
 * the parent goes away.
 */
import { sendToParent, startWorker } from '../nn/process/worker-channel.js';
import { serveWorkerRequest } from '../nn/process/worker-pool.js';
import { createPolicy } from '../policies/registry.js';
import { diagnoseRecords } from './diagnose.js';
import type { DiagnoseWorkerOutcome, DiagnoseWorkerRequest } from './diagnose-in-workers.js';

async function run(request: DiagnoseWorkerRequest, send: (outcome: DiagnoseWorkerOutcome) => void): Promise<void> {
  const policy = await createPolicy(request.policySpec, request.decoding);
  const indexOf = new Map(request.records.map(({ index, record }) => [record, index]));
  await diagnoseRecords(
    request.records.map(({ record }) => record),
    policy,
    {
      style: request.style,
      batchSize: request.batchSize,
      onOutcomes: (outcomes) => {
        for (const { record, prompt, answer, predicted, error } of outcomes) send({ index: indexOf.get(record)!, prompt, answer, predicted, error });
      },
    },
  );
}

startWorker<DiagnoseWorkerRequest>('diagnose-worker', 'fate diagnose', (request) => void serveWorkerRequest(request, run, sendToParent));
