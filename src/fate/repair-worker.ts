/**
 * Entry module of a repair worker process (forked by {@link repairFailuresInWorkers}): says it is
 * ready, then repairs its share of the failures with its own copy of the policy, sending each
 * finished candidate and each group of attempts as they come, then says `done`. When it fails it
 * sends the error and exits with 1; it exits when the parent goes away.
 */
import { sendToParent, startWorker } from '../nn/process/worker-channel.js';
import { serveWorkerRequest } from '../nn/process/worker-pool.js';
import { createPolicy } from '../policies/registry.js';
import { repairFailures } from './repair-round.js';
import type { RepairWorkerItem, RepairWorkerRequest } from './repair-worker-protocol.js';
import { tieBreakByName } from './tie-break.js';

async function run(request: RepairWorkerRequest, send: (item: RepairWorkerItem) => void): Promise<void> {
  const { tieBreak, ...options } = request.options;
  const policy = await createPolicy(request.policySpec, request.decoding);
  const indices = request.failures.map((entry) => entry.index);
  let sent = 0;
  await repairFailures(
    request.failures.map((entry) => entry.failure),
    policy,
    {
      ...options,
      ...(tieBreak !== undefined ? { tieBreak: tieBreakByName(tieBreak) } : {}),
      onCandidateDone: () => send({ type: 'candidate' }),
      onAttempts: (attempts) => {
        send({ type: 'attempts', indices: indices.slice(sent, sent + attempts.length), attempts: [...attempts] });
        sent += attempts.length;
      },
    },
  );
}

startWorker<RepairWorkerRequest>('repair-worker', 'fate repair', (request) => void serveWorkerRequest(request, run, sendToParent));
