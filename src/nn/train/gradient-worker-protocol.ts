/**
 * Messages between a {@link DataParallelTrainer} and its gradient worker processes (node IPC
 * with `advanced` serialization, so typed arrays cross as they are).
 */
import type { ModelConfig } from '../model/model-config.js';
import type { HostGradient, ObjectiveBatch } from './trainer.js';

/** What the coordinator asks of a worker. */
export type GradientWorkerRequest =
  | {
      type: 'start';
      config: ModelConfig;
      /** The trainer's padding options (the schedule and optimizer do not matter to a worker). */
      lengthBuckets: number[];
      rowsPerBatch?: number;
      paddingId?: number;
    }
  | {
      type: 'gradient';
      /** The coordinator's parameters for this step. */
      parameters: Map<string, Float32Array>;
      batches: ObjectiveBatch[];
      totals: { scoredTokens: number; batches: number };
    };

/** What a worker answers. */
export type GradientWorkerMessage =
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'gradient'; gradient: HostGradient }
  | { type: 'failed'; message: string };
