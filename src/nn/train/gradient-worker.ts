/**
 * Entry module of a gradient worker process (forked by {@link DataParallelTrainer}): builds the
 * model's gradient program on its own jax-js runtime (no thread pool: one process per core),
 * then for each request takes the coordinator's parameters and returns the gradient of its
 * share of the step's micro-batches. Exits when the coordinator goes away.
 */
import { createJaxBackend } from '../backend/jax-backend.js';
import { initializeParameters } from '../model/parameters.js';
import type { GradientWorkerMessage, GradientWorkerRequest } from './gradient-worker-protocol.js';
import { Trainer } from './trainer.js';

function send(message: GradientWorkerMessage): void {
  if (process.connected) process.send!(message);
}

let trainer: Trainer | undefined;

async function handle(request: GradientWorkerRequest): Promise<void> {
  try {
    if (request.type === 'start') {
      const backend = await createJaxBackend({ workers: false });
      trainer = new Trainer(backend, request.config, initializeParameters(backend, request.config, 0), {
        schedule: { peak: 0, warmupSteps: 0, totalSteps: 1 },
        lengthBuckets: request.lengthBuckets,
        ...(request.rowsPerBatch !== undefined ? { rowsPerBatch: request.rowsPerBatch } : {}),
        ...(request.paddingId !== undefined ? { paddingId: request.paddingId } : {}),
      });
      send({ type: 'started' });
      return;
    }
    if (trainer === undefined) throw new Error('gradient worker: a gradient was asked for before start');
    trainer.setParameters(request.parameters);
    send({ type: 'gradient', gradient: await trainer.gradientOnHost(request.batches, request.totals) });
  } catch (error) {
    send({ type: 'failed', message: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '' });
    process.exit(1);
  }
}

if (!process.send) {
  process.stderr.write('gradient-worker: this module runs as a worker process forked by the data-parallel trainer, not on its own\n');
  process.exit(2);
}
// Requests are handled one at a time, in order.
let queue = Promise.resolve();
process.on('disconnect', () => process.exit(0));
process.on('message', (request: GradientWorkerRequest) => {
  queue = queue.then(() => handle(request));
});
send({ type: 'ready' });
