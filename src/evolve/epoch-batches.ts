import type { Random } from '../envs/random.js';

/**
 * The mini-batches of a policy-optimization phase: `epochs` passes over `count` sequences, each
 * pass a fresh shuffle cut into `steps` mini-batches of equal size (the last may be smaller), so
 * that every sequence is seen once per pass. Returns the sequences' indices, batch by batch.
 */
export function epochBatches(count: number, steps: number, epochs: number, random: Random): number[][] {
  if (count === 0 || steps === 0) return [];
  const perStep = Math.ceil(count / steps);
  const stepsPerEpoch = Math.ceil(count / perStep);
  const batches: number[][] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = random.shuffle(Array.from({ length: count }, (_, index) => index));
    for (let step = 0; step < stepsPerEpoch; step++) batches.push(order.slice(step * perStep, (step + 1) * perStep));
  }
  return batches;
}
