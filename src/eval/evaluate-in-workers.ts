import { workerLaunch } from '../nn/process/worker-launch.js';
import { roundRobinShares, runInWorkers } from '../nn/process/worker-pool.js';
import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import type { Task } from '../suites/task.js';
import type { EvaluatedEpisode } from './evaluate.js';
import type { EvalTaskSelection } from './eval-tasks.js';
import type { EvalWorkerEpisode, EvalWorkerRequest } from './eval-worker-protocol.js';

/** What {@link evaluateInWorkers} needs. */
export interface EvaluateInWorkersOptions {
  /** The policy spec each worker loads (its own copy of the policy). */
  policySpec: string;
  /** The config's decoding section each worker creates the policy with (default: none, the evaluation decoding). */
  decoding?: DecodingOverrides;
  selection: EvalTaskSelection;
  /** The selection's tasks, as {@link evalTasks} gives them (the workers generate the same list). */
  tasks: readonly Task[];
  /** The indices of the tasks to run (default: every task). */
  indices?: readonly number[];
  /** Worker processes (at most one per task run). */
  workers: number;
  /** Episodes advanced together per policy call, in each worker. */
  batchSize: number;
  /** Called after each finished episode with the number finished so far. */
  onEpisodeDone?: (finished: number) => void;
  /** Called with each episode and its verdict as soon as it comes back. */
  onEpisodeScored?: (episode: EvaluatedEpisode) => void;
}

/** The request of each worker: its round-robin share of `indices`, with the policy and decoding to create. */
export function evalWorkerRequests(options: EvaluateInWorkersOptions, indices: readonly number[]): EvalWorkerRequest[] {
  return roundRobinShares(indices, options.workers).map((share) => ({
    policySpec: options.policySpec,
    ...(options.decoding !== undefined ? { decoding: options.decoding } : {}),
    selection: options.selection,
    indices: share,
    batchSize: options.batchSize,
  }));
}

/**
 * Rolls a policy out on the selection's tasks (or those of `indices`) in several worker processes
 * side by side (the j-th task run goes to worker j mod `workers`) and scores each episode there;
 * resolves with the episodes in the order of the tasks run, as {@link evaluatePolicy} does in one
 * process. The embedded policy computes on one core per process, so on a machine with several
 * cores this divides the wall time; a policy's episodes depend only on the policy, the task and
 * its seed, not on which episodes run beside them, so the result is the same. When a worker
 * fails, the others are killed and the promise rejects with its one-line error.
 */
export async function evaluateInWorkers(options: EvaluateInWorkersOptions): Promise<EvaluatedEpisode[]> {
  const indices = options.indices ?? options.tasks.map((_task, index) => index);
  const position = new Map(indices.map((taskIndex, order) => [taskIndex, order]));
  const results: (EvaluatedEpisode | undefined)[] = new Array(indices.length);
  let finished = 0;
  await runInWorkers<EvalWorkerRequest, EvalWorkerEpisode>({
    launch: workerLaunch(import.meta.url, 'eval-worker'),
    label: 'eval worker',
    requests: evalWorkerRequests(options, indices),
    onItem: ({ index: taskIndex, trajectory, before, after, verdict }, worker) => {
      const task = options.tasks[taskIndex];
      const order = position.get(taskIndex);
      if (task === undefined || order === undefined || task.id !== trajectory.taskId) throw new Error(`eval worker ${worker}: an episode for task index ${taskIndex}, which it was not asked to run`);
      const item: EvaluatedEpisode = { task, verdict, episode: { task, trajectory, before, after } };
      results[order] = item;
      finished += 1;
      options.onEpisodeScored?.(item);
      options.onEpisodeDone?.(finished);
    },
  });
  const missing = results.findIndex((item) => item === undefined);
  if (missing >= 0) throw new Error(`eval workers: no episode came back for task ${options.tasks[indices[missing]!]!.id}`);
  return results as EvaluatedEpisode[];
}
