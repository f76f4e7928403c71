/**
 * Entry module of an eval worker process (forked by {@link evaluateInWorkers}): says it is ready,
 * then rolls its share of the selection's tasks out with its own copy of the policy, scores each
 * episode and sends it as soon as it ends, then says `done`. When it fails it sends the error and
 * exits with 1; it exits when the parent goes away.
 */
import { sendToParent, startWorker } from '../nn/process/worker-channel.js';
import { serveWorkerRequest } from '../nn/process/worker-pool.js';
import { createPolicy } from '../policies/registry.js';
import type { Task } from '../suites/task.js';
import { evaluatePolicy } from './evaluate.js';
import { evalTasks } from './eval-tasks.js';
import type { EvalWorkerEpisode, EvalWorkerRequest } from './eval-worker-protocol.js';

async function run(request: EvalWorkerRequest, send: (episode: EvalWorkerEpisode) => void): Promise<void> {
  const all = evalTasks(request.selection);
  const indexOf = new Map<Task, number>();
  const tasks = request.indices.map((index) => {
    const task = all[index];
    if (task === undefined) throw new Error(`task index ${index} is outside the selection (${all.length} tasks)`);
    indexOf.set(task, index);
    return task;
  });
  const policy = await createPolicy(request.policySpec, request.decoding);
  await evaluatePolicy(policy, tasks, {
    batchSize: request.batchSize,
    onEpisodeScored: (item) => send({ index: indexOf.get(item.task)!, trajectory: item.episode.trajectory, before: item.episode.before, after: item.episode.after, verdict: item.verdict }),
  });
}

startWorker<EvalWorkerRequest>('eval-worker', 'fate eval', (request) => void serveWorkerRequest(request, run, sendToParent));
