/**
 * The objective hook carries a PPO-style clipped-ratio loss with a KL penalty (the shape PFPO
 * needs) through the same compiled forward and trainer: extra per-token inputs travel with the
 * batch. The objective is defined here only as a test; the real one belongs to pfpo/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../backend/jax-backend.js';
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import type { Objective } from '../model/loss.js';
import { parseModelConfig } from '../model/model-config.js';
import { initializeParameters } from '../model/parameters.js';
import { Sampler } from '../sampler/sampler.js';
import { Trainer } from './trainer.js';

const config = parseModelConfig({ vocabSize: 16, dModel: 8, layers: 1, heads: 2, ffHidden: 16, maxSequence: 16 });

/** −mean(min(ρA, clip(ρ, 1 − ε, 1 + ε)A)) + β·mean(KL estimate k3) over masked tokens. */
const clippedRatioObjective = (epsilon: number, beta: number): Objective<Record<string, Tensor>> => (backend, inputs) => {
  const { tokenLogProbabilities: logProbabilities, mask, extra } = inputs;
  const ratio = backend.exp(backend.subtract(logProbabilities, extra.oldLogProbabilities!));
  const advantages = extra.advantages!;
  const clipped = backend.minimum(backend.maximum(ratio, 1 - epsilon), 1 + epsilon);
  const surrogate = backend.minimum(backend.multiply(ratio, advantages), backend.multiply(clipped, advantages));
  const referenceGap = backend.subtract(extra.referenceLogProbabilities!, logProbabilities);
  const kl = backend.subtract(backend.subtract(backend.exp(referenceGap), referenceGap), 1);
  const perToken = backend.subtract(backend.multiply(kl, beta), surrogate);
  const count = backend.maximum(backend.sum(mask), 1);
  return [backend.divide(backend.sum(backend.multiply(perToken, mask)), count), { kl: backend.divide(backend.sum(backend.multiply(kl, mask)), count) }];
};

let backend: TensorBackend;
beforeAll(async () => {
  backend = await createJaxBackend();
});

describe('objective hook', () => {
  it('a clipped-ratio + KL objective compiles, sees per-token extras, and has the expected value', async () => {
    const parameters = initializeParameters(backend, config, 2);
    const sequences = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10]];
    const sampler = new Sampler(backend, config, parameters, { lengthBuckets: [8] });
    const scores = await sampler.score(sequences);
    sampler.release();
    const batch = {
      ids: sequences.map((sequence) => sequence.slice(0, -1)),
      targets: sequences.map((sequence) => sequence.slice(1)),
      mask: sequences.map((sequence) => sequence.slice(1).map((_, index) => (index >= 1 ? 1 : 0))),
    };
    const advantages = [batch.ids[0]!.map(() => 1.5), batch.ids[1]!.map(() => -0.5)];
    const trainer = new Trainer(backend, config, parameters, {
      schedule: { peak: 1e-2, warmupSteps: 0, totalSteps: 10 },
      lengthBuckets: [8],
      optimizer: { weightDecay: 0 },
      objective: clippedRatioObjective(0.2, 0.1),
    });
    const report = await trainer.train({ ...batch, extra: { advantages, oldLogProbabilities: scores, referenceLogProbabilities: scores } });
    // Ratio 1 and reference = current: loss = −(Σ masked A) / tokens, KL = 0.
    const scored = 4 * 1.5 + 2 * -0.5;
    expect(report.loss).toBeCloseTo(-scored / 6, 4);
    expect(report.metrics.kl).toBeCloseTo(0, 5);
    expect(report.gradientNorm).toBeGreaterThan(0);

    trainer.dispose();

    // Zero advantages and an identical reference: the gradient vanishes (up to the float32
    // difference between the scoring and training programs' log-probs).
    const fresh = new Trainer(backend, config, initializeParameters(backend, config, 2), {
      schedule: { peak: 1e-2, warmupSteps: 0, totalSteps: 10 },
      lengthBuckets: [8],
      optimizer: { weightDecay: 0 },
      objective: clippedRatioObjective(0.2, 0.1),
    });
    const zero = [batch.ids[0]!.map(() => 0), batch.ids[1]!.map(() => 0)];
    const still = await fresh.train({ ...batch, extra: { advantages: zero, oldLogProbabilities: scores, referenceLogProbabilities: scores } });
    expect(still.gradientNorm).toBeLessThan(1e-5);
    expect(still.loss).toBeCloseTo(0, 5);
    fresh.dispose();
  });
});
