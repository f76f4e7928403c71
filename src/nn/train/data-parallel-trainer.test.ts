import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../backend/jax-backend.js';
import type { TensorBackend } from '../backend/tensor-backend.js';
import { initializeParameters, readParameterValues } from '../model/parameters.js';
import { countingBatch as countingRows, countingModelConfig, countingTrainerOptions } from '../testing/counting-batch.js';
import { DataParallelTrainer } from './data-parallel-trainer.js';
import { Trainer } from './trainer.js';

const config = countingModelConfig;
const options = countingTrainerOptions;

/** Counting rows, each scored from a later position, so micro-batches weigh differently. */
const countingBatch = (seed: number, rows: number, length: number) => countingRows(seed, rows, length, undefined, (row) => 2 + row);

let backend: TensorBackend;
beforeAll(async () => {
  backend = await createJaxBackend();
});

describe('data-parallel trainer', () => {
  it('takes the same steps as one trainer accumulating all the micro-batches', async () => {
    const steps = [0, 1, 2].map((step) => [countingBatch(10 * step, 3, 8), countingBatch(10 * step + 1, 2, 16), countingBatch(10 * step + 2, 4, 8)]);
    const single = new Trainer(backend, config, initializeParameters(backend, config, 5), options);
    const shared = await DataParallelTrainer.start(backend, config, initializeParameters(backend, config, 5), { ...options, processes: 2 });
    try {
      expect(shared.processes).toBe(2);
      for (const batches of steps) {
        const expected = await single.train(batches);
        const report = await shared.train(batches);
        expect(report.loss).toBeCloseTo(expected.loss, 5);
        expect(report.gradientNorm).toBeCloseTo(expected.gradientNorm, 5);
        expect(report.scoredTokens).toBe(expected.scoredTokens);
        expect(report.processedTokens).toBe(expected.processedTokens);
      }
      expect(shared.step).toBe(3);
      const want = await readParameterValues(backend, single.parameters);
      const got = await readParameterValues(backend, shared.parameters);
      let largest = 0;
      for (const [name, values] of want) {
        const other = got.get(name)!;
        for (let index = 0; index < values.length; index++) largest = Math.max(largest, Math.abs(values[index]! - other[index]!));
      }
      expect(largest).toBeLessThan(1e-5);
      // The parameters moved: the comparison is not between two untouched copies.
      const initial = await readParameterValues(backend, initializeParameters(backend, config, 5));
      expect(Math.abs(initial.get('token_embedding.weight')![0]! - want.get('token_embedding.weight')![0]!)).toBeGreaterThan(1e-4);
    } finally {
      single.dispose();
      shared.dispose();
    }
  }, 120_000);

  it('with one process is the plain trainer, and rejects a bad process count', async () => {
    const shared = await DataParallelTrainer.start(backend, config, initializeParameters(backend, config, 1), { ...options, processes: 1 });
    const report = await shared.train([countingBatch(3, 2, 8)]);
    expect(report.step).toBe(1);
    shared.dispose();
    await expect(DataParallelTrainer.start(backend, config, initializeParameters(backend, config, 1), { ...options, processes: 0 })).rejects.toThrow(/processes/);
  });
});
