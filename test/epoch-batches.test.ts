import { describe, expect, it } from 'vitest';
import { Random } from '../src/envs/random.js';
import { epochBatches } from '../src/evolve/epoch-batches.js';

describe('policy-optimization epochs', () => {
  it('covers every sequence once per epoch, in the given number of mini-batches per epoch', () => {
    const batches = epochBatches(10, 3, 4, new Random(7));
    // 10 sequences in 3 mini-batches: 4 + 4 + 2, four times.
    expect(batches.map((batch) => batch.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2, 4, 4, 2]);
    for (let epoch = 0; epoch < 4; epoch++) {
      const seen = batches.slice(epoch * 3, epoch * 3 + 3).flat();
      expect([...seen].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    }
  });

  it('reshuffles each epoch, and one epoch is the single shuffled pass it always was', () => {
    const batches = epochBatches(12, 2, 3, new Random(1));
    const epochs = [0, 1, 2].map((epoch) => batches.slice(epoch * 2, epoch * 2 + 2).flat());
    expect(new Set(epochs.map((order) => order.join(','))).size).toBeGreaterThan(1);
    expect(epochBatches(12, 2, 1, new Random(1)).flat()).toEqual(new Random(1).shuffle([...Array(12).keys()]));
  });

  it('has no batches when there is nothing to train on', () => {
    expect(epochBatches(0, 2, 3, new Random(0))).toEqual([]);
    expect(epochBatches(5, 0, 3, new Random(0))).toEqual([]);
  });
});
