import { SeededRandom } from '../seeded-random.js';
import type { TrainingBatch } from '../train/length-buckets.js';

/**
 * Rows counting upward (mod `vocabularySize`) from a seeded start below 8: a pattern a tiny
 * model learns in a few steps. Targets from position `firstScored(row)` on are scored.
 */
export function countingBatch(
  seed: number,
  rows: number,
  length: number,
  vocabularySize: number,
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
