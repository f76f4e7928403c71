/**
 * What `npm run bench` measures, shared by the orchestrator (bench/run.ts) and fate's worker
 * (bench/fate-peer.ts); bench/torch_peer.py receives the same values on its command line.
 */

/** The benchmarked model: fate's reference size (≈1.05M parameters, see src/nn/README.md). */
export const BENCH_MODEL = {
  vocabSize: 2000,
  dModel: 128,
  layers: 4,
  heads: 4,
  ffHidden: 344,
  maxSequence: 128,
  ropeTheta: 10000,
  normEpsilon: 1e-5,
} as const;

/** Training / forward batch shape. */
export const BATCH_ROWS = 8;
export const BATCH_LENGTH = 128;
/** Sampling: prompts of this many random tokens, then this many new tokens, KV cache of `maxSequence`. */
export const PROMPT_LENGTH = 16;
export const NEW_TOKENS = 112;

/** Workload names, in the order they run and are printed. */
export const WORKLOADS = ['train', 'forward', 'sample1', 'sample64', 'sample512'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** Human-readable label of each workload. */
export const WORKLOAD_LABELS: Record<Workload, string> = {
  train: `training ${BATCH_ROWS} × ${BATCH_LENGTH} (AdamW + clip)`,
  forward: `no-grad forward ${BATCH_ROWS} × ${BATCH_LENGTH}`,
  sample1: `sampling, batch 1 (${PROMPT_LENGTH} + ${NEW_TOKENS})`,
  sample64: `sampling, batch 64 (${PROMPT_LENGTH} + ${NEW_TOKENS})`,
  sample512: `sampling, batch 512 (${PROMPT_LENGTH} + ${NEW_TOKENS})`,
};

/** Rows of a sampling workload (undefined for training / forward). */
export function samplingRows(workload: Workload): number | undefined {
  const match = /^sample(\d+)$/.exec(workload);
  return match ? Number(match[1]) : undefined;
}

/** What a worker process prints on stdout, on one line prefixed `RESULT `. */
export interface WorkerResult {
  engine: 'fate' | 'torch';
  workload: Workload;
  /** Tokens per second of each timed run (after the warm-up run). */
  rates: number[];
  /** Median of `rates`. */
  median: number;
  /** Seconds of the warm-up run (compiles on fate). */
  warmupSeconds: number;
  /** VmHWM of the worker process at the end (bytes). */
  peakRssBytes: number;
  /** VmRSS once the runtime is loaded, before the model exists (bytes). */
  baselineRssBytes: number;
  /** Cores kept busy by other processes during the timed runs (machine busy time − the worker's), when known. */
  otherCores?: number;
  /** CPU seconds (user + system, all threads) the worker process used in its lifetime. */
  cpuSeconds: number;
  /** Free-form details: engine version, threads, worker pool, … */
  details: Record<string, string | number | boolean>;
}

/** Median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
