/**
 * AdamW (Loshchilov & Hutter, decoupled weight decay) over a record of parameters, with
 * global-norm clipping of the gradient first. One compiled program updates every tensor; the
 * step-dependent scalars (learning rate, bias corrections, clip norm) are inputs, so it compiles
 * once.
 */
import type { CompiledFunction, Tensor, TensorBackend, TensorRecord } from '../backend/tensor-backend.js';
import { clipByGlobalNorm } from './gradient-clipping.js';

/** AdamW hyper-parameters. */
export interface AdamWOptions {
  /** β1; default 0.9. */
  beta1?: number;
  /** β2; default 0.95. */
  beta2?: number;
  /** ε; default 1e-8. */
  epsilon?: number;
  /** Decoupled weight decay, applied to matrices only (not to norm gains); default 0.1. */
  weightDecay?: number;
}

/** First and second moments, keyed like the parameters. */
export type AdamWState = {
  /** Exponential average of gradients. */
  firstMoment: TensorRecord;
  /** Exponential average of squared gradients. */
  secondMoment: TensorRecord;
};

/** Per-step scalar inputs of the update. */
export type AdamWScalars = {
  /** Learning rate of this step. */
  learningRate: Tensor;
  /** `1 − β1^t`. */
  firstMomentCorrection: Tensor;
  /** `1 − β2^t`. */
  secondMomentCorrection: Tensor;
  /** Clip the gradient's global norm to this (≤ 0: no clipping). */
  maximumGradientNorm: Tensor;
  /** Multiplies the gradient before clipping (e.g. 1 / accumulated tokens); 1 for none. */
  gradientScale: Tensor;
};

/** Zero moments shaped like `parameters` (owned by the caller). */
export function createAdamWState(backend: TensorBackend, parameters: TensorRecord): AdamWState {
  const firstMoment: TensorRecord = {};
  const secondMoment: TensorRecord = {};
  for (const [name, tensor] of Object.entries(parameters)) {
    firstMoment[name] = backend.zeros(tensor.shape);
    secondMoment[name] = backend.zeros(tensor.shape);
  }
  return { firstMoment, secondMoment };
}

/** Compiled update: `(parameters, state, gradients, scalars) → [parameters, state, gradientNorm]`. */
export type AdamWUpdate = CompiledFunction<[TensorRecord, AdamWState, TensorRecord, AdamWScalars], [TensorRecord, AdamWState, Tensor]>;

/**
 * How one parameter moves in a step: `(name, parameter, clipped gradient, first moment, second
 * moment, scalars) → [parameter, first moment, second moment]`.
 */
export type ParameterUpdate = (name: string, parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor, scalars: AdamWScalars) => [Tensor, Tensor, Tensor];

/** AdamW's move of one parameter (weight decay on matrices only). */
export function adamWParameterUpdate(backend: TensorBackend, options: AdamWOptions = {}): ParameterUpdate {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.95;
  const epsilon = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0.1;
  return (_name, parameter, gradient, firstMoment, secondMoment, scalars) =>
    backend.adamW(parameter, gradient, firstMoment, secondMoment, {
      learningRate: scalars.learningRate,
      firstMomentCorrection: scalars.firstMomentCorrection,
      secondMomentCorrection: scalars.secondMomentCorrection,
      beta1,
      beta2,
      epsilon,
      weightDecay: parameter.shape.length >= 2 ? weightDecay : 0,
    });
}

/** Builds a compiled update that scales and clips the gradient, then moves each parameter by `update`. */
export function createClippedUpdate(backend: TensorBackend, update: ParameterUpdate): AdamWUpdate {
  return backend.compile((parameters: TensorRecord, state: AdamWState, gradients: TensorRecord, scalars: AdamWScalars) => {
    const scaled: TensorRecord = {};
    for (const [name, gradient] of Object.entries(gradients)) scaled[name] = backend.multiply(gradient, scalars.gradientScale);
    const [clipped, norm] = clipByGlobalNorm(backend, scaled, scalars.maximumGradientNorm);
    const nextParameters: TensorRecord = {};
    const nextState: AdamWState = { firstMoment: {}, secondMoment: {} };
    for (const [name, parameter] of Object.entries(parameters)) {
      const [updated, first, second] = update(name, parameter, clipped[name]!, state.firstMoment[name]!, state.secondMoment[name]!, scalars);
      nextParameters[name] = updated;
      nextState.firstMoment[name] = first;
      nextState.secondMoment[name] = second;
    }
    return [nextParameters, nextState, norm];
  });
}

/** Builds the compiled AdamW update (clipping included). */
export function createAdamWUpdate(backend: TensorBackend, options: AdamWOptions = {}): AdamWUpdate {
  return createClippedUpdate(backend, adamWParameterUpdate(backend, options));
}

/** Bias-correction terms `1 − β^t` for optimizer step t (1-based). */
export function biasCorrections(step: number, options: AdamWOptions = {}): { first: number; second: number } {
  return { first: 1 - (options.beta1 ?? 0.9) ** step, second: 1 - (options.beta2 ?? 0.95) ** step };
}
