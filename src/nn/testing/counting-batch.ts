import { parseModelConfig } from '../model/model-config.js';
import { SeededRandom } from '../seeded-random.js';
import type { TrainingBatch } from '../train/length-buckets.js';
import type { TrainerOptions } from '../train/trainer.js';

/** The trainer tests' model: 24 tokens, 2 layers of width 16, context 16. */
export const countingModelConfig = parseModelConfig({ vocabSize: 24, dModel: 16, layers: 2, heads: 2, ffHidden: 32, maxSequence: 16 });

/** The trainer tests' options: a short warmup + cosine, buckets 8 and 16, clipping at 1. */
export const countingTrainerOptions: TrainerOptions = {
  schedule: { peak: 1e-2, warmupSteps: 2, totalSteps: 60 },
  lengthBuckets: [8, 16],
  maximumGradientNorm: 1,
};

/**
 * Rows counting upward (mod `vocabularySize`) from a seeded start below 8: a pattern a tiny
 * model learns in a few steps. Targets from position `firstScored(row)` on are scored.
 */
export function countingBatch(
  seed: number,
  rows: number,
  length: number,
  vocabularySize: number = countingModelConfig.vocabSize,
  firstScored: (row: number) => number = () => 2,
): TrainingBatch {
  const random = new SeededRandom(seed);
  const ids: number[][] = [];
  const targets: number[][] = [];
  const mask: number[][] = [];
  for (let row = 0; row < rows; row++) {
    const start = Math.floor(random.uniform() * 8);
    const sequence = Array.from({ length: length + 1 }, (_, index) => (start + index) % vocabularySize);
    ids.push(sequence.slice(0, length));
    targets.push(sequence.slice(1));
    mask.push(sequence.slice(1).map((_, index) => (index >= firstScored(row) ? 1 : 0)));
  }
  return { ids, targets, mask };
}
