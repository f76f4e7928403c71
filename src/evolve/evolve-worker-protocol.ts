import type { EvolveEvent } from './evolve-event.js';
import type { EvolveJob } from './evolve-job.js';
import type { EvolveRunSettings } from './evolve-job-runner.js';

/** The one message an evolve worker process receives (once it is ready): which job to run, on which run. */
export interface EvolveWorkerRequest {
  job: EvolveJob;
  settings: EvolveRunSettings;
  /** Test hook: the worker stops (as if killed) after this many phases. */
  stopAfterPhases?: number;
  /** Test hook: the worker fails as a full wasm heap does after this many phases. */
  heapFullAfterPhases?: number;
}

/** What an evolve worker process sends: ready (then it gets its request), its events as they happen, then done or failed. */
export type EvolveWorkerMessage =
  | { type: 'ready' }
  | { type: 'event'; event: EvolveEvent }
  | { type: 'done' }
  | { type: 'failed'; name: string; message: string; stack?: string };
