import { workerLaunch } from '../nn/process/worker-launch.js';
import { roundRobinShares, runInWorkers } from '../nn/process/worker-pool.js';
import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import type { Failure } from './failure.js';
import { defaultCandidatesPerFailure, type RepairAttempt } from './repair-round.js';
import type { RepairWorkerItem, RepairWorkerOptions, RepairWorkerRequest } from './repair-worker-protocol.js';

/** What {@link repairFailuresInWorkers} needs. */
export interface RepairInWorkersOptions {
  /** The policy spec each worker loads (its own copy of the policy). */
  policySpec: string;
  /** The config's decoding section each worker creates the policy with (default: none, the evaluation decoding). */
  decoding?: DecodingOverrides;
  failures: readonly Failure[];
  /** Worker processes (at most one per failure). */
  workers: number;
  /** The repair options every worker applies. */
  options: RepairWorkerOptions;
  /** Called after each finished candidate episode with the number done so far and the total. */
  onCandidateDone?: (done: number, total: number) => void;
  /** Called with attempts in failure order, as soon as every earlier failure's attempt has come back. */
  onAttempts?: (attempts: readonly RepairAttempt[]) => void;
}

/**
 * {@link repairFailures} in several worker processes side by side: failure j goes to worker j mod
 * `workers`, each worker proposes, scores and selects the repairs of its share with its own copy
 * of the policy. A candidate's sampling depends only on the policy, its task and its index, not on
 * the episodes beside it, so the attempts equal one process's; they are handed on, and resolved,
 * in failure order. When a worker fails, the others are killed and the promise rejects with its
 * one-line error.
 */
export async function repairFailuresInWorkers(options: RepairInWorkersOptions): Promise<RepairAttempt[]> {
  const total = options.failures.length * (options.options.candidatesPerFailure ?? defaultCandidatesPerFailure);
  const results: (RepairAttempt | undefined)[] = new Array(options.failures.length);
  let next = 0;
  let done = 0;
  const indexed = options.failures.map((failure, index) => ({ index, failure }));
  await runInWorkers<RepairWorkerRequest, RepairWorkerItem>({
    launch: workerLaunch(import.meta.url, 'repair-worker'),
    label: 'repair worker',
    requests: roundRobinShares(indexed, options.workers).map((share) => ({
      policySpec: options.policySpec,
      ...(options.decoding !== undefined ? { decoding: options.decoding } : {}),
      failures: share,
      options: options.options,
    })),
    onItem: (item, worker) => {
      if (item.type === 'candidate') {
        done += 1;
        options.onCandidateDone?.(done, total);
        return;
      }
      item.attempts.forEach((attempt, position) => {
        const index = item.indices[position];
        const failure = index === undefined ? undefined : options.failures[index];
        if (failure === undefined || failure.task.id !== attempt.failure.task.id || results[index!] !== undefined) {
          throw new Error(`repair worker ${worker}: an attempt for failure ${index ?? '?'}, which it was not asked to repair`);
        }
        results[index!] = attempt;
      });
      const start = next;
      while (next < results.length && results[next] !== undefined) next += 1;
      if (next > start) options.onAttempts?.(results.slice(start, next) as RepairAttempt[]);
    },
  });
  if (next < results.length) throw new Error(`repair workers: no attempt came back for failure ${next} (task ${options.failures[next]!.task.id})`);
  return results as RepairAttempt[];
}
