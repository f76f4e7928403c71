/**
 * Entry module of an eval worker process (forked by {@link evaluateInWorkers}): says it is ready,
 * then rolls its share of the selection's tasks out with its own copy of the policy, scores each
 * episode and sends it as soon as it ends, then says `done`. When it fails it sends the error and
 * exits with 1; it exits when the parent goes away.
 */
import { sendToParent, startWorker } from '../nn/process/worker-channel.js';
import { createPolicy } from '../policies/registry.js';
import type { Task } from '../suites/task.js';
import { evaluatePolicy } from './evaluate.js';
import { evalTasks } from './eval-tasks.js';
import type { EvalWorkerMessage, EvalWorkerRequest } from './eval-worker-protocol.js';

const send = (message: EvalWorkerMessage): Promise<void> => sendToParent(message);

async function run(request: EvalWorkerRequest): Promise<void> {
  try {
    const all = evalTasks(request.selection);
    const indexOf = new Map<Task, number>();
    const tasks = request.indices.map((index) => {
      const task = all[index];
      if (task === undefined) throw new Error(`task index ${index} is outside the selection (${all.length} tasks)`);
      indexOf.set(task, index);
      return task;
    });
    const policy = await createPolicy(request.policySpec);
    const sent: Promise<void>[] = [];
    await evaluatePolicy(policy, tasks, {
      batchSize: request.batchSize,
      onEpisodeScored: (item) => {
        sent.push(send({ type: 'episode', episode: { index: indexOf.get(item.task)!, trajectory: item.episode.trajectory, before: item.episode.before, after: item.episode.after, verdict: item.verdict } }));
      },
    });
    await Promise.all(sent);
    await send({ type: 'done' });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    await send({ type: 'failed', name: failure.name, message: failure.message.split('\n')[0] ?? '' });
    process.exit(1);
  }
  process.exit(0);
}

startWorker<EvalWorkerRequest>('eval-worker', 'fate eval', (request) => void run(request));
