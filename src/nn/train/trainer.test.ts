import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../backend/jax-backend.js';
import type { TensorBackend } from '../backend/tensor-backend.js';
import { initializeParameters, readParameterValues } from '../model/parameters.js';
import { countingBatch, countingModelConfig, countingTrainerOptions } from '../testing/counting-batch.js';
import { globalGradientNorm, clipByGlobalNorm } from './gradient-clipping.js';
import { warmupCosineLearningRate } from './learning-rate-schedule.js';
import { padBatch } from './length-buckets.js';
import { Trainer } from './trainer.js';

const config = countingModelConfig;
const options = countingTrainerOptions;

let backend: TensorBackend;
beforeAll(async () => {
  backend = await createJaxBackend();
});

describe('learning-rate schedule', () => {
  it('warms up linearly, peaks, decays by cosine to the floor', () => {
    const schedule = { peak: 1, minimum: 0.1, warmupSteps: 4, totalSteps: 14 };
    expect(warmupCosineLearningRate(0, schedule)).toBeCloseTo(0.25);
    expect(warmupCosineLearningRate(3, schedule)).toBeCloseTo(1);
    expect(warmupCosineLearningRate(4, schedule)).toBeCloseTo(1);
    expect(warmupCosineLearningRate(9, schedule)).toBeCloseTo(0.55);
    expect(warmupCosineLearningRate(14, schedule)).toBeCloseTo(0.1);
    expect(warmupCosineLearningRate(100, schedule)).toBeCloseTo(0.1);
  });
});

describe('gradient clipping', () => {
  it('scales to the maximum global norm and leaves small gradients alone', async () => {
    const gradients = { a: backend.floatTensor([3, 0], [2]), b: backend.floatTensor([4], [1]) };
    const norm = globalGradientNorm(backend, gradients);
    expect(await backend.readNumber(norm)).toBeCloseTo(5);
    const limit = backend.scalar(1);
    const [clipped, before] = clipByGlobalNorm(backend, gradients, limit);
    expect(await backend.readNumber(before)).toBeCloseTo(5);
    expect(Array.from(await backend.read(clipped.a!))).toEqual([expect.closeTo(0.6, 5), 0]);
    const loose = backend.scalar(10);
    const [unchanged] = clipByGlobalNorm(backend, gradients, loose);
    expect(Array.from(await backend.read(unchanged.b!))).toEqual([expect.closeTo(4, 5)]);
    backend.dispose([gradients, norm, limit, clipped, before, loose, unchanged]);
  });
});

describe('length buckets', () => {
  it('pads rows and length to the smallest bucket and counts scored tokens', () => {
    const padded = padBatch({ ids: [[1, 2, 3]], targets: [[2, 3, 4]], mask: [[0, 1, 1]] }, [2, 4, 8], { rows: 2 });
    expect(padded).toMatchObject({ rows: 2, length: 4, scoredTokens: 2 });
    expect(Array.from(padded.ids)).toEqual([1, 2, 3, 0, 0, 0, 0, 0]);
    expect(Array.from(padded.mask)).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
    expect(() => padBatch({ ids: [[1]], targets: [[1, 2]], mask: [[1]] }, [4])).toThrow(/row 0/);
    expect(() => padBatch({ ids: [[1, 2, 3, 4, 5]], targets: [[1, 2, 3, 4, 5]], mask: [[1, 1, 1, 1, 1]] }, [4])).toThrow(/largest bucket 4/);
  });
});

describe('Trainer', () => {
  it('learns a counting pattern', async () => {
    const trainer = new Trainer(backend, config, initializeParameters(backend, config, 1), options);
    const first = await trainer.train(countingBatch(0, 8, 12));
    let last = first;
    for (let step = 1; step < 40; step++) last = await trainer.train(countingBatch(step, 8, 12));
    trainer.dispose();
    expect(first.loss).toBeGreaterThan(2.5);
    expect(last.loss).toBeLessThan(first.loss / 3);
    expect(last.step).toBe(40);
    expect(last.processedTokens).toBe(8 * 16);
    expect(last.scoredTokens).toBe(8 * 10);
  });

  it('is deterministic: same seed and batches give identical parameters', async () => {
    const run = async () => {
      const trainer = new Trainer(backend, config, initializeParameters(backend, config, 42), options);
      for (let step = 0; step < 5; step++) await trainer.train(countingBatch(100 + step, 4, 8));
      const values = await readParameterValues(backend, trainer.parameters);
      trainer.dispose();
      return values;
    };
    const first = await run();
    const second = await run();
    for (const [name, values] of first) expect(second.get(name), name).toEqual(values);
  });

  it('gradient accumulation over micro-batches equals one large batch', async () => {
    const batch = countingBatch(7, 4, 8);
    // Uneven scored-token counts per micro-batch, so the token weighting matters.
    batch.mask[0] = Array.from(batch.mask[0]!, (_, index) => (index >= 5 ? 1 : 0));
    const whole = new Trainer(backend, config, initializeParameters(backend, config, 3), options);
    const split = new Trainer(backend, config, initializeParameters(backend, config, 3), options);
    const wholeReport = await whole.train(batch);
    const splitReport = await split.train([
      { ids: batch.ids.slice(0, 2), targets: batch.targets.slice(0, 2), mask: batch.mask.slice(0, 2) },
      { ids: batch.ids.slice(2), targets: batch.targets.slice(2), mask: batch.mask.slice(2) },
    ]);
    expect(splitReport.loss).toBeCloseTo(wholeReport.loss, 5);
    expect(splitReport.gradientNorm).toBeCloseTo(wholeReport.gradientNorm, 4);
    const wholeValues = await readParameterValues(backend, whole.parameters);
    const splitValues = await readParameterValues(backend, split.parameters);
    let largest = 0;
    for (const [name, values] of wholeValues) {
      const other = splitValues.get(name)!;
      for (let index = 0; index < values.length; index++) largest = Math.max(largest, Math.abs(values[index]! - other[index]!));
    }
    expect(largest).toBeLessThan(1e-5);
    whole.dispose();
    split.dispose();
  });

  it('keeps RSS flat over 50 steps (printed, not asserted tightly)', async () => {
    const trainer = new Trainer(backend, config, initializeParameters(backend, config, 9), options);
    const samples: number[] = [];
    for (let step = 0; step < 50; step++) {
      await trainer.train(countingBatch(step, 8, step % 2 === 0 ? 8 : 14));
      if (step % 10 === 9) samples.push(process.memoryUsage().rss / 2 ** 20);
    }
    trainer.dispose();
    console.log(`trainer RSS (MiB) after steps 10..50: ${samples.map((value) => value.toFixed(0)).join(', ')}`);
    // Loose guard against a leak of one batch's activations per step.
    expect(samples[samples.length - 1]! - samples[0]!).toBeLessThan(150);
  });
});
