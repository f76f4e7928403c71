import { describe, expect, it, beforeAll } from 'vitest';
import { createJaxBackend, type JaxBackend } from './jax-backend.js';
import type { Tensor } from './tensor-backend.js';

let backend: JaxBackend;
beforeAll(async () => {
  backend = await createJaxBackend();
});

const referenceCount = (tensor: Tensor) => (tensor as unknown as { refCount: number }).refCount;
const values = async (tensor: Tensor) => Array.from(await backend.read(tensor));

describe('Node 20 shims', () => {
  it('installs navigator, Iterator helpers and a Web Worker', () => {
    const globals = globalThis as unknown as { navigator: { hardwareConcurrency: number }; Worker: unknown };
    expect(typeof globals.navigator.hardwareConcurrency).toBe('number');
    type Helpers = { map(f: (v: number) => number): Helpers; filter(f: (v: number) => boolean): Helpers; toArray(): number[]; reduce(f: (a: number, v: number) => number, initial: number): number };
    const iterator = () => [1, 2, 3].values() as unknown as Helpers;
    expect(iterator().map((value) => value * 2).filter((value) => value > 2).toArray()).toEqual([4, 6]);
    expect(iterator().reduce((sum, value) => sum + value, 0)).toBe(6);
    expect(typeof globals.Worker).toBe('function');
  });

  it('computes through the worker pool (a matmul large enough to be split across threads)', async () => {
    const size = 96;
    const a = backend.floatTensor(Float32Array.from({ length: size * size }, (_, index) => (index % 7) - 3), [size, size]);
    const identity = backend.floatTensor(Float32Array.from({ length: size * size }, (_, index) => (index % (size + 1) === 0 ? 1 : 0)), [size, size]);
    const product = backend.matmul(a, identity);
    expect(await values(product)).toEqual(await values(a));
    backend.dispose([a, identity, product]);
  });
});

describe('ownership', () => {
  it('borrows inputs and frees scope intermediates, keeping what the scope returns', async () => {
    const x = backend.floatTensor([1, 2, 3], [3]);
    let intermediate: Tensor | undefined;
    const result = backend.scope(() => {
      intermediate = backend.multiply(x, 2);
      return backend.add(intermediate, 1);
    });
    expect(referenceCount(x)).toBe(1);
    expect(referenceCount(result)).toBe(1);
    expect(referenceCount(intermediate!)).toBe(0);
    expect(await values(result)).toEqual([3, 5, 7]);
    backend.dispose([x, result]);
    expect(referenceCount(x)).toBe(0);
  });

  it('compiled and differentiated functions leave their arguments alive', async () => {
    const weight = backend.floatTensor([1, 2, 3, 4], [2, 2]);
    const input = backend.floatTensor([1, 1], [1, 2]);
    const step = backend.compile(
      backend.valueAndGrad((parameters: { weight: Tensor }, x: Tensor) => [backend.sum(backend.square(backend.linear(x, parameters.weight))), {}]),
    );
    for (let call = 0; call < 3; call++) {
      const [[value, auxiliary], gradient] = step({ weight }, input);
      expect(await backend.readNumber(value)).toBe(16 + 36);
      expect(await values(gradient.weight)).toEqual([8, 12, 8, 12]);
      backend.dispose([value, auxiliary, gradient]);
    }
    expect(referenceCount(weight)).toBe(1);
    expect(referenceCount(input)).toBe(1);
    step.release();
    backend.dispose([weight, input]);
  });
});

describe('layers', () => {
  it('embedding picks rows; pickLogProbabilities matches log-softmax', async () => {
    const table = backend.floatTensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const ids = backend.intTensor([2, 0], [2]);
    const picked = backend.embedding(ids, table);
    expect(await values(picked)).toEqual([5, 6, 1, 2]);
    const gathered = backend.gatherRows(ids, table);
    expect(await values(gathered)).toEqual([5, 6, 1, 2]);
    backend.dispose(gathered);
    const logits = backend.floatTensor([0, Math.log(3)], [1, 2]);
    const targets = backend.intTensor([1], [1]);
    const logProbabilities = backend.pickLogProbabilities(logits, targets);
    expect((await values(logProbabilities))[0]).toBeCloseTo(Math.log(0.75), 6);
    backend.dispose([table, ids, picked, logits, targets, logProbabilities]);
  });

  it('RoPE at position 0 is the identity and preserves norms elsewhere', async () => {
    const x = backend.floatTensor([1, 2, 3, 4, 1, 2, 3, 4], [1, 2, 1, 4]);
    const positions = backend.intTensor([0, 5], [2]);
    const rotated = await values(backend.scope(() => backend.rope(x, positions, 10000)));
    expect(rotated.slice(0, 4)).toEqual([1, 2, 3, 4]);
    const norm = (vector: number[]) => Math.hypot(...vector);
    expect(norm(rotated.slice(4))).toBeCloseTo(norm([1, 2, 3, 4]), 5);
    expect(rotated[4]).not.toBeCloseTo(1, 3);
    backend.dispose([x, positions]);
  });

  it('AdamW: first step moves each weight by ≈ learning rate against the gradient sign, plus decay', async () => {
    const parameter = backend.floatTensor([1, -1], [2]);
    const gradient = backend.floatTensor([0.5, -2], [2]);
    const zeros = backend.zeros([2]);
    const step = {
      learningRate: backend.scalar(0.1),
      firstMomentCorrection: backend.scalar(1 - 0.9),
      secondMomentCorrection: backend.scalar(1 - 0.95),
      beta1: 0.9,
      beta2: 0.95,
      epsilon: 1e-8,
      weightDecay: 0.5,
    };
    const [updated] = backend.scope(() => backend.adamW(parameter, gradient, zeros, zeros, step));
    const result = await values(updated);
    expect(result[0]).toBeCloseTo(1 - 0.1 * (1 + 0.5 * 1), 5);
    expect(result[1]).toBeCloseTo(-1 - 0.1 * (-1 + 0.5 * -1), 5);
    backend.dispose([parameter, gradient, zeros, step.learningRate, step.firstMomentCorrection, step.secondMomentCorrection]);
  });
});
