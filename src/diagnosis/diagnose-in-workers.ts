import { workerLaunch } from '../nn/process/worker-launch.js';
import { roundRobinShares, runInWorkers } from '../nn/process/worker-pool.js';
import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import type { ParsedDiagnosis } from './answer.js';
import type { DiagnosisOutcome } from './diagnose.js';
import type { DiagnosisPromptStyle } from './prompt-template.js';
import type { DiagnosisRecord } from './record.js';

/** The one message a diagnose worker process receives: which records to diagnose, with which policy. */
export interface DiagnoseWorkerRequest {
  /** The policy spec, as `fate diagnose --policy` takes it. */
  policySpec: string;
  /** The config's decoding section the policy is created with (absent: the evaluation decoding). */
  decoding?: DecodingOverrides;
  style: DiagnosisPromptStyle;
  /** Records sent to the policy in one call. */
  batchSize: number;
  /** The records, each with its index in the whole list. */
  records: { index: number; record: DiagnosisRecord }[];
}

/** One diagnosed record, by its index: the item a diagnose worker sends after each batch. */
export interface DiagnoseWorkerOutcome {
  index: number;
  prompt: string;
  answer: string | null;
  predicted: ParsedDiagnosis;
  error: string | null;
}

/** What {@link diagnoseInWorkers} needs. */
export interface DiagnoseInWorkersOptions {
  policySpec: string;
  /** The config's decoding section each worker creates the policy with (default: none, the evaluation decoding). */
  decoding?: DecodingOverrides;
  records: readonly DiagnosisRecord[];
  style: DiagnosisPromptStyle;
  batchSize: number;
  /** Worker processes (at most one per record). */
  workers: number;
  /** Called as outcomes come back with the number of records done. */
  onDone?: (done: number) => void;
}

/**
 * Diagnoses the records in several worker processes side by side (record j to worker j mod
 * `workers`), each with its own copy of the policy; resolves with the outcomes in record order,
 * as {@link diagnoseRecords} gives them in one process. The embedded policy's answer to a record
 * is seeded by the record, not by the records beside it, so the outcomes are the same.
 */
export async function diagnoseInWorkers(options: DiagnoseInWorkersOptions): Promise<DiagnosisOutcome[]> {
  const outcomes: (DiagnosisOutcome | undefined)[] = new Array(options.records.length);
  let done = 0;
  const shares = roundRobinShares(options.records.map((record, index) => ({ index, record })), options.workers);
  await runInWorkers<DiagnoseWorkerRequest, DiagnoseWorkerOutcome>({
    launch: workerLaunch(import.meta.url, 'diagnose-worker'),
    label: 'diagnose worker',
    requests: shares.map((records) => ({
      policySpec: options.policySpec,
      ...(options.decoding !== undefined ? { decoding: options.decoding } : {}),
      style: options.style,
      batchSize: options.batchSize,
      records,
    })),
    onItem: ({ index, prompt, answer, predicted, error }, worker) => {
      const record = options.records[index];
      if (record === undefined || outcomes[index] !== undefined) throw new Error(`diagnose worker ${worker}: an outcome for record ${index}, which it was not asked for`);
      outcomes[index] = { record, prompt, answer, predicted, error };
      done += 1;
      options.onDone?.(done);
    },
  });
  const missing = outcomes.findIndex((outcome) => outcome === undefined);
  if (missing >= 0) throw new Error(`diagnose workers: no outcome came back for record ${options.records[missing]!.id}`);
  return outcomes as DiagnosisOutcome[];
}
