import { describe, expect, it } from 'vitest';
import { clippedObjective, type ClippedObjectiveInput } from './clipped-objective.js';

/** One sequence of `length` tokens, all on the mask, with the ratio exp(new − old) = `ratio`. */
function singleSequence(ratio: number, advantage: number, length = 3): ClippedObjectiveInput {
  const old = Array.from({ length }, (_value, token) => -1 - 0.1 * token);
  return {
    newLogProbabilities: [old.map((value) => value + Math.log(ratio))],
    oldLogProbabilities: [old],
    referenceLogProbabilities: [old.map((value) => value + Math.log(ratio))],
    advantages: [advantage],
    masks: [old.map(() => 1)],
  };
}

describe('clippedObjective', () => {
  it('gives the token-weighted mean advantage at ratio 1 with no KL', () => {
    const input: ClippedObjectiveInput = {
      newLogProbabilities: [[-1, -2, -3], [-0.5, -0.7]],
      oldLogProbabilities: [[-1, -2, -3], [-0.5, -0.7]],
      referenceLogProbabilities: [[-1, -2, -3], [-0.5, -0.7]],
      advantages: [1.5, -0.5],
      masks: [[0, 1, 1], [1, 1]],
    };
    const result = clippedObjective(input);
    expect(result.tokenCount).toBe(4);
    expect(result.meanKl).toBe(0);
    expect(result.objective).toBeCloseTo((2 * 1.5 + 2 * -0.5) / 4, 12);
    expect(result.loss).toBeCloseTo(-result.objective, 12);
    expect(result.clippedFraction).toBe(0);
  });

  it('pushes log-probabilities up for A > 0 and down for A < 0, and not at all off the mask', () => {
    const positive = clippedObjective({ ...singleSequence(1, 2), masks: [[1, 0, 1]] });
    expect(positive.gradients[0]?.[0]).toBeGreaterThan(0);
    expect(positive.gradients[0]?.[1]).toBe(0);
    expect(positive.gradients[0]?.[2]).toBeGreaterThan(0);
    const negative = clippedObjective(singleSequence(1, -2));
    for (const gradient of negative.gradients[0] ?? []) expect(gradient).toBeLessThan(0);
  });

  it('clips at 1 + ε for A > 0 and at 1 − ε for A < 0, with zero gradient there', () => {
    const high = clippedObjective(singleSequence(1.5, 1), { clipEpsilon: 0.2, klCoefficient: 0 });
    expect(high.objective).toBeCloseTo(1.2, 12);
    expect(high.clippedFraction).toBe(1);
    for (const gradient of high.gradients[0] ?? []) expect(gradient).toBe(0);
    const low = clippedObjective(singleSequence(0.5, -1), { clipEpsilon: 0.2, klCoefficient: 0 });
    expect(low.objective).toBeCloseTo(-0.8, 12);
    expect(low.clippedFraction).toBe(1);
    for (const gradient of low.gradients[0] ?? []) expect(gradient).toBe(0);
  });

  it('keeps the pessimistic unclipped term on the other side of the range', () => {
    const lowPositive = clippedObjective(singleSequence(0.5, 1, 1), { klCoefficient: 0 });
    expect(lowPositive.objective).toBeCloseTo(0.5, 12);
    expect(lowPositive.gradients[0]?.[0]).toBeCloseTo(0.5, 12);
    expect(lowPositive.clippedFraction).toBe(0);
    const highNegative = clippedObjective(singleSequence(1.5, -1, 1), { klCoefficient: 0 });
    expect(highNegative.objective).toBeCloseTo(-1.5, 12);
    expect(highNegative.gradients[0]?.[0]).toBeCloseTo(-1.5, 12);
  });

  it('uses the k3 estimator exp(q − p) − (q − p) − 1, which is 0 at π = π_ref and positive elsewhere', () => {
    const input: ClippedObjectiveInput = {
      newLogProbabilities: [[-1, -2]],
      oldLogProbabilities: [[-1, -2]],
      referenceLogProbabilities: [[-1.5, -2]],
      advantages: [0],
      masks: [[1, 1]],
    };
    const result = clippedObjective(input, { klCoefficient: 0.1 });
    const gap = -0.5;
    expect(result.meanKl).toBeCloseTo((Math.exp(gap) - gap - 1) / 2, 12);
    expect(result.objective).toBeCloseTo(-0.1 * result.meanKl, 12);
    // The KL pulls p towards q: here q < p, so the gradient is negative; zero where p = q.
    expect(result.gradients[0]?.[0]).toBeLessThan(0);
    expect(result.gradients[0]?.[1]).toBe(0);
  });

  it('matches finite differences of the objective', () => {
    let state = 12345;
    const uniform = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const rows = 3;
    const length = 5;
    const oldLogProbabilities = Array.from({ length: rows }, () => Array.from({ length }, () => -0.2 - 2 * uniform()));
    // Ratios near 1, away from the clip boundaries 0.8 and 1.2 so the objective is smooth there.
    const newLogProbabilities = oldLogProbabilities.map((row) => row.map((value) => value + Math.log(0.9 + 0.2 * uniform())));
    const referenceLogProbabilities = oldLogProbabilities.map((row) => row.map((value) => value + (uniform() - 0.5)));
    const masks = oldLogProbabilities.map((row) => row.map(() => (uniform() < 0.8 ? 1 : 0)));
    const input = { newLogProbabilities, oldLogProbabilities, referenceLogProbabilities, masks, advantages: [1.2, -0.7, 0.3] };
    const options = { clipEpsilon: 0.2, klCoefficient: 0.3 };
    const { gradients } = clippedObjective(input, options);
    const step = 1e-6;
    for (let row = 0; row < rows; row += 1) {
      for (let token = 0; token < length; token += 1) {
        const shifted = (delta: number) =>
          clippedObjective(
            {
              ...input,
              newLogProbabilities: newLogProbabilities.map((values, index) =>
                values.map((value, position) => (index === row && position === token ? value + delta : value)),
              ),
            },
            options,
          ).objective;
        const numeric = (shifted(step) - shifted(-step)) / (2 * step);
        expect(gradients[row]?.[token]).toBeCloseTo(numeric, 6);
      }
    }
  });

  it('returns 0 with no assistant token and rejects mismatched shapes', () => {
    const input = { ...singleSequence(1.3, 1), masks: [[0, 0, 0]] };
    const result = clippedObjective(input);
    expect(result.objective).toBe(0);
    expect(result.gradients).toEqual([[0, 0, 0]]);
    expect(() => clippedObjective({ ...singleSequence(1, 1), advantages: [] })).toThrow(RangeError);
    expect(() => clippedObjective({ ...singleSequence(1, 1), masks: [[1, 1]] })).toThrow(RangeError);
  });
});
