/**
 * Muon for the hidden weight matrices, AdamW for the rest (embedding, norm gains). A hidden
 * matrix's update is its Nesterov momentum orthogonalised by a quintic Newton–Schulz iteration
 * (Jordan et al., 2024), scaled by 0.2·√max(rows, columns) so that its root-mean-square matches an
 * AdamW update and the same learning rate and decoupled weight decay apply (Liu et al., 2025,
 * "Muon is scalable"). The state has AdamW's layout (a matrix's momentum lives in
 * `firstMoment`, its `secondMoment` stays zero), so checkpoints and resumption do not change.
 */
import type { Tensor, TensorBackend, TensorRecord } from '../backend/tensor-backend.js';
import { adamWParameterUpdate, createClippedUpdate, type AdamWOptions, type AdamWUpdate } from './adamw.js';

/** Muon hyper-parameters (AdamW's apply to the parameters Muon does not take). */
export interface MuonOptions extends AdamWOptions {
  /** Momentum of the hidden matrices; default 0.95. */
  momentum?: number;
  /** Newton–Schulz iterations; default 5. */
  newtonSchulzSteps?: number;
}

/** Coefficients of the quintic Newton–Schulz step `aX + (bA + cA²)X`, `A = XXᵀ`. */
const quinticCoefficients = { a: 3.4445, b: -4.775, c: 2.0315 } as const;

/** Whether Muon updates this parameter: a 2-D weight inside a layer (not the tied embedding). */
export function isMuonMatrix(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && name.startsWith('layers.');
}

/**
 * An approximately orthogonal matrix with `matrix`'s singular vectors (singular values pushed
 * towards 1), by `steps` quintic Newton–Schulz iterations on the shorter side.
 */
export function newtonSchulzOrthogonalize(backend: TensorBackend, matrix: Tensor, steps: number): Tensor {
  const [rows, columns] = matrix.shape as [number, number];
  const transposed = rows > columns;
  let x = transposed ? backend.transpose(matrix, [1, 0]) : matrix;
  x = backend.divide(x, backend.add(backend.sqrt(backend.sum(backend.square(x))), 1e-7));
  for (let step = 0; step < steps; step++) {
    const gram = backend.matmul(x, backend.transpose(x, [1, 0]));
    const polynomial = backend.add(backend.multiply(gram, quinticCoefficients.b), backend.multiply(backend.matmul(gram, gram), quinticCoefficients.c));
    x = backend.add(backend.multiply(x, quinticCoefficients.a), backend.matmul(polynomial, x));
  }
  return transposed ? backend.transpose(x, [1, 0]) : x;
}

/** Builds the compiled Muon + AdamW update (clipping included), a drop-in for AdamW's. */
export function createMuonUpdate(backend: TensorBackend, options: MuonOptions = {}): AdamWUpdate {
  const weightDecay = options.weightDecay ?? 0.1;
  const momentum = options.momentum ?? 0.95;
  const steps = options.newtonSchulzSteps ?? 5;
  const adamW = adamWParameterUpdate(backend, options);
  return createClippedUpdate(backend, (name, parameter, gradient, firstMoment, secondMoment, scalars) => {
    if (!isMuonMatrix(name, parameter.shape)) return adamW(name, parameter, gradient, firstMoment, secondMoment, scalars);
    const buffer = backend.add(backend.multiply(firstMoment, momentum), gradient);
    const nesterov = backend.add(gradient, backend.multiply(buffer, momentum));
    const [rows, columns] = parameter.shape as [number, number];
    const direction = backend.multiply(newtonSchulzOrthogonalize(backend, nesterov, steps), 0.2 * Math.sqrt(Math.max(rows, columns)));
    const decayed = weightDecay === 0 ? direction : backend.add(direction, backend.multiply(parameter, weightDecay));
    // The unused second moment is copied, not passed through: the trainer frees the old state after each update.
    return [backend.subtract(parameter, backend.multiply(decayed, scalars.learningRate)), buffer, backend.multiply(secondMoment, 1)];
  });
}
