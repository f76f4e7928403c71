import { fork, type ChildProcess } from 'node:child_process';
import { workerLaunch } from '../nn/process/worker-launch.js';
import type { Task } from '../suites/task.js';
import type { EvaluatedEpisode } from './evaluate.js';
import type { EvalTaskSelection } from './eval-tasks.js';
import type { EvalWorkerMessage, EvalWorkerRequest } from './eval-worker-protocol.js';

/** What {@link evaluateInWorkers} needs. */
export interface EvaluateInWorkersOptions {
  /** The policy spec each worker loads (its own copy of the policy). */
  policySpec: string;
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

/**
 * Rolls a policy out on the selection's tasks (or those of `indices`) in several worker processes
 * side by side (the j-th task run goes to worker j mod `workers`) and scores each episode there;
 * resolves with the episodes in the order of the tasks run, as {@link evaluatePolicy} does in one
 * process. The embedded policy computes on one
 * core per process, so on a machine with several cores this divides the wall time; a policy's
 * episodes depend only on the policy, the task and its seed, not on which episodes run beside
 * them, so the result is the same. When a worker fails, the others are killed and the promise
 * rejects with its one-line error.
 */
export function evaluateInWorkers(options: EvaluateInWorkersOptions): Promise<EvaluatedEpisode[]> {
  const indices = options.indices ?? options.tasks.map((_task, index) => index);
  const position = new Map(indices.map((taskIndex, order) => [taskIndex, order]));
  const count = Math.max(1, Math.min(options.workers, indices.length));
  const launch = workerLaunch(import.meta.url, 'eval-worker');
  const results: (EvaluatedEpisode | undefined)[] = new Array(indices.length);
  const children: ChildProcess[] = [];
  let finished = 0;
  let failure: Error | null = null;

  return new Promise<EvaluatedEpisode[]>((resolve, reject) => {
    let open = count;
    const killAll = (): void => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    // A worker also exits when this process goes away (its IPC channel closes).
    process.on('exit', killAll);
    const settle = (): void => {
      open -= 1;
      if (open > 0) return;
      process.removeListener('exit', killAll);
      if (failure) return reject(failure);
      const missing = results.findIndex((item) => item === undefined);
      if (missing >= 0) return reject(new Error(`eval workers: no episode came back for task ${options.tasks[indices[missing]!]!.id}`));
      resolve(results as EvaluatedEpisode[]);
    };
    const fail = (error: Error): void => {
      failure ??= error;
      killAll();
    };

    for (let index = 0; index < count; index += 1) {
      const number = index + 1;
      const child = fork(launch.entry, [], { execArgv: launch.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
      children.push(child);
      let output = '';
      let done = false;
      let reported: string | null = null;
      const keep = (chunk: Buffer): void => {
        output = (output + chunk.toString()).slice(-4000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const request: EvalWorkerRequest = {
        policySpec: options.policySpec,
        selection: options.selection,
        indices: indices.filter((_taskIndex, order) => order % count === index),
        batchSize: options.batchSize,
      };
      child.on('message', (message: EvalWorkerMessage) => {
        if (message.type === 'ready') child.send(request);
        else if (message.type === 'episode') {
          const { index: taskIndex, trajectory, before, after, verdict } = message.episode;
          const task = options.tasks[taskIndex];
          const order = position.get(taskIndex);
          if (task === undefined || order === undefined || task.id !== trajectory.taskId) {
            fail(new Error(`eval worker ${number}: an episode for task index ${taskIndex}, which it was not asked to run`));
            return;
          }
          const item: EvaluatedEpisode = { task, verdict, episode: { task, trajectory, before, after } };
          results[order] = item;
          finished += 1;
          try {
            options.onEpisodeScored?.(item);
            options.onEpisodeDone?.(finished);
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
          }
        } else if (message.type === 'done') done = true;
        else reported = message.message;
      });
      let closed = false;
      const onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (closed) return;
        closed = true;
        if (reported !== null) fail(new Error(`eval worker ${number}: ${reported}`));
        else if (!done && !failure) {
          const lastLine = output.trim().split('\n').at(-1);
          fail(new Error(`eval worker ${number}: its process exited with ${signal ? `signal ${signal}` : `code ${code}`} before finishing${lastLine ? ` (${lastLine})` : ''}`));
        }
        settle();
      };
      child.on('error', (error) => {
        reported ??= `cannot run its worker process (${error.message})`;
        if (child.pid === undefined) onClose(null, null);
      });
      child.once('close', onClose);
    }
  });
}
