/**
 * Finite-difference checks of every layer's compiled gradient and of the whole model loss.
 *
 * Tolerance (float32): central differences with h = 1e-2 on O(1) inputs, the projected output
 * summed in float64. Observed worst relative errors at these shapes are ≈1e-5 (linear) to ≈3e-4
 * (log-softmax pick, attention); truncation error grows as h² above that and float32 rounding
 * as ε/h below it. A coordinate passes when |analytic − numeric| ≤ 5e-3 · max(|analytic|,
 * |numeric|, 1e-2), i.e. 0.5 % relative, or 5e-5 absolute for gradients under 1e-2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../backend/jax-backend.js';
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import { SeededRandom } from '../seeded-random.js';
import { checkGradient, randomIds, randomValues, type GradientComparison } from '../testing/finite-difference.js';
import { batchLoss, maskedNegativeLogLikelihood } from './loss.js';
import { parseModelConfig } from './model-config.js';
import { initialParameterValues, parameterShapes } from './parameters.js';

const TOLERANCE = 5e-3;

let backend: TensorBackend;
beforeAll(async () => {
  backend = await createJaxBackend();
});

function expectClose(comparisons: GradientComparison[]): void {
  const worst = comparisons.reduce((top, comparison) => (comparison.relativeError > top.relativeError ? comparison : top));
  expect(worst.relativeError, `${worst.input}[${worst.index}] analytic ${worst.analytic} numeric ${worst.numeric}`).toBeLessThan(TOLERANCE);
}

describe('layer gradients match central differences', () => {
  const random = new SeededRandom(11);

  it('linear', async () => {
    expectClose(await checkGradient(backend, (input) => backend.linear(input.x!, input.weight!), {
      x: randomValues(random, [2, 3, 4]),
      weight: randomValues(random, [4, 5]),
    }));
  });

  it('embedding (one-hot matmul)', async () => {
    expectClose(await checkGradient(backend, (input) => backend.embedding(input.ids!, input.table!), {
      ids: randomIds(random, [2, 5], 6),
      table: randomValues(random, [6, 4]),
    }, { coordinates: 8 }));
  });

  it('RMSNorm', async () => {
    expectClose(await checkGradient(backend, (input) => backend.rmsNorm(input.x!, input.weight!, 1e-5), {
      x: randomValues(random, [2, 3, 8]),
      weight: randomValues(random, [8]),
    }));
  });

  it('RoPE (shared and per-row positions)', async () => {
    expectClose(await checkGradient(backend, (input) => backend.rope(input.x!, input.positions!, 10000), {
      x: randomValues(random, [2, 5, 2, 8]),
      positions: { values: Int32Array.from([0, 1, 2, 3, 4]), shape: [5] },
    }));
    expectClose(await checkGradient(backend, (input) => backend.rope(input.x!, input.positions!, 100), {
      x: randomValues(random, [2, 3, 2, 4]),
      positions: { values: Int32Array.from([0, 1, 2, 7, 8, 9]), shape: [2, 3] },
    }));
  });

  it('causal attention', async () => {
    expectClose(await checkGradient(backend, (input) => backend.causalAttention(input.query!, input.key!, input.value!), {
      query: randomValues(random, [2, 5, 2, 4]),
      key: randomValues(random, [2, 5, 2, 4]),
      value: randomValues(random, [2, 5, 2, 4]),
    }));
  });

  it('SwiGLU', async () => {
    expectClose(await checkGradient(backend, (input) => backend.swiGlu(input.x!, input.gate!, input.up!, input.down!), {
      x: randomValues(random, [2, 3, 4]),
      gate: randomValues(random, [4, 6]),
      up: randomValues(random, [4, 6]),
      down: randomValues(random, [6, 4]),
    }));
  });

  it('log-softmax with target pick', async () => {
    expectClose(await checkGradient(backend, (input) => backend.pickLogProbabilities(input.logits!, input.targets!), {
      logits: randomValues(random, [2, 3, 11]),
      targets: randomIds(random, [2, 3], 11),
    }));
  });
});

describe('model loss gradient matches central differences', () => {
  it('masked mean NLL of a 2-layer decoder, every parameter tensor', async () => {
    const config = parseModelConfig({ vocabSize: 13, dModel: 8, layers: 2, heads: 2, ffHidden: 12, maxSequence: 8 });
    const random = new SeededRandom(5);
    const values = initialParameterValues(config, 3);
    const inputs: Record<string, { values: Float32Array | Int32Array; shape: number[] }> = {};
    for (const [name, shape] of parameterShapes(config)) {
      // Larger than the 0.02 init so the loss depends visibly on every weight.
      const data = values.get(name)!.map((value) => (name.endsWith('norm.weight') ? 1 + 0.3 * random.normal() : value * 20));
      inputs[name] = { values: data, shape };
    }
    inputs.ids = randomIds(random, [2, 6], 13);
    inputs.targets = randomIds(random, [2, 6], 13);
    const mask = Float32Array.from([0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    const loss = batchLoss(backend, config, maskedNegativeLogLikelihood);
    const comparisons = await checkGradient(
      backend,
      (input) => {
        const { ids, targets, ...parameters } = input;
        const maskTensor = backend.floatTensor(mask, [2, 6]);
        return loss(parameters as Record<string, Tensor>, { ids: ids!, targets: targets!, mask: maskTensor }, {})[0];
      },
      inputs,
      { coordinates: 2 },
    );
    expect(comparisons.length).toBe(2 * parameterShapes(config).size);
    expectClose(comparisons);
  });
});
