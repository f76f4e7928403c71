/**
 * Entry module of an evolve worker process (forked by `runEvolveJobsInWorkers`): says it is
 * ready, then runs each `EvolveWorkerRequest` it receives (one at a time) against the run's
 * ledger (phases other processes recorded are read back), relays its events to the parent and
 * says `done` when a job finished, keeping the process (and the programs jax-js compiled in it)
 * for the next job. When a job fails it sends the error and exits with 1. It exits when the
 * parent goes away or stops it.
 */
import { sendToParent, startWorker } from '../nn/process/worker-channel.js';
import { EvolveJobRunner } from './evolve-job-runner.js';
import type { EvolveWorkerMessage, EvolveWorkerRequest } from './evolve-worker-protocol.js';
import { PhaseLedger } from './phase-ledger.js';
import { EvolveTaskSets } from './task-pools.js';

/** Sends a message to the parent; resolves once it is handed to the channel. */
const send = (message: EvolveWorkerMessage): Promise<void> => sendToParent(message);

/**
 * The run's tasks, kept for this process's next job of the same run: every method job uses the
 * train pool, dev and test samples (building them takes about a second for the default preset),
 * and sharing them is what one process running every job does too.
 */
let taskSets: { runDirectory: string; tasks: EvolveTaskSets } | undefined;

async function runRequest(request: EvolveWorkerRequest): Promise<void> {
  try {
    if (taskSets?.runDirectory !== request.settings.runDirectory) taskSets = { runDirectory: request.settings.runDirectory, tasks: new EvolveTaskSets(request.settings.preset) };
    const runner = new EvolveJobRunner(PhaseLedger.open(request.settings.runDirectory), request.settings, {
      tasks: taskSets.tasks,
      onEvent: (event) => void send({ type: 'event', event }),
      ...(request.stopAfterPhases !== undefined ? { stopAfterPhases: request.stopAfterPhases } : {}),
      ...(request.heapFullAfterPhases !== undefined ? { heapFullAfterPhases: request.heapFullAfterPhases } : {}),
    });
    try {
      await runner.run(request.job);
    } finally {
      runner.dispose();
    }
    await send({ type: 'done' });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    await send({ type: 'failed', name: failure.name, message: failure.message.split('\n')[0] ?? '', ...(failure.stack ? { stack: failure.stack } : {}) });
    process.exit(1);
  }
}

startWorker<EvolveWorkerRequest>('evolve-worker', 'fate evolve', (request) => void runRequest(request));
