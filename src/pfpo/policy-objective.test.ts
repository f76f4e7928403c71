import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../nn/backend/jax-backend.js';
import type { TensorBackend } from '../nn/backend/tensor-backend.js';
import { clippedObjective } from './clipped-objective.js';
import { clippedPolicyObjective } from './policy-objective.js';

let backend: TensorBackend;
beforeAll(async () => {
  backend = await createJaxBackend();
});

/** Deterministic pseudo-random numbers in [-1, 1). */
function numbers(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  });
}

describe('clippedPolicyObjective (tensor) against the pure-number reference', () => {
  it('gives the same loss, KL and clipped share, and the same gradient with respect to the log-probs', async () => {
    const rows = 3;
    const length = 5;
    const shape = [rows, length];
    const newLog = numbers(rows * length, 1).map((value) => -1.5 + 0.8 * value);
    const oldLog = newLog.map((value, index) => value + 0.4 * (numbers(rows * length, 2)[index] as number));
    const referenceLog = newLog.map((value, index) => value + 0.3 * (numbers(rows * length, 3)[index] as number));
    const sequenceAdvantages = [1.2, -0.7, 0.3];
    const mask = Array.from({ length: rows * length }, (_, index) => (index % length === 0 || index === rows * length - 1 ? 0 : 1));
    const advantages = Array.from({ length: rows * length }, (_, index) => sequenceAdvantages[Math.floor(index / length)] as number);
    const asRows = (values: number[]): number[][] => Array.from({ length: rows }, (_, row) => values.slice(row * length, (row + 1) * length));
    const reference = clippedObjective(
      { newLogProbabilities: asRows(newLog), oldLogProbabilities: asRows(oldLog), referenceLogProbabilities: asRows(referenceLog), advantages: sequenceAdvantages, masks: asRows(mask) },
      { clipEpsilon: 0.2, klCoefficient: 0.04 },
    );
    const objective = clippedPolicyObjective({ clipEpsilon: 0.2, klCoefficient: 0.04 });
    const extra = {
      advantages: backend.floatTensor(advantages, shape),
      oldLogProbabilities: backend.floatTensor(oldLog, shape),
      referenceLogProbabilities: backend.floatTensor(referenceLog, shape),
    };
    const maskTensor = backend.floatTensor(mask, shape);
    const input = backend.floatTensor(newLog, shape);
    const [loss, metrics] = objective(backend, { tokenLogProbabilities: input, mask: maskTensor, extra });
    expect(await backend.readNumber(loss)).toBeCloseTo(reference.loss, 5);
    expect(await backend.readNumber(metrics.kl!)).toBeCloseTo(reference.meanKl, 5);
    expect(await backend.readNumber(metrics.clipped!)).toBeCloseTo(reference.clippedFraction, 5);
    const [, gradient] = backend.valueAndGrad((logProbabilities: typeof input) => objective(backend, { tokenLogProbabilities: logProbabilities, mask: maskTensor, extra }))(input);
    const values = Array.from(await backend.read(gradient));
    // ∂loss/∂p = −∂J/∂p.
    values.forEach((value, index) => expect(value).toBeCloseTo(-(reference.gradients[Math.floor(index / length)]![index % length] as number), 5));
    expect(reference.clippedFraction).toBeGreaterThan(0);
  });
});
