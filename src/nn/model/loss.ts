/**
 * Losses over the decoder's per-token log-probabilities. The model computes
 * `log π(target_t | ids_≤t)` once; an {@link Objective} turns those (with the float mask and any
 * extra per-token inputs, e.g. advantages and old log-probs for a clipped-ratio objective) into a
 * scalar loss plus auxiliary metrics. Supervised training uses {@link maskedNegativeLogLikelihood}.
 */
import type { Tensor, TensorBackend, TensorTree } from '../backend/tensor-backend.js';
import type { ModelConfig } from './model-config.js';
import type { ModelParameters } from './parameters.js';
import { forwardLogits, type ForwardOptions } from './transformer.js';

/** One batch on the device: int32 ids and targets `[B, T]`, float32 mask `[B, T]` (1 = scored). */
export type DeviceBatch = {
  /** Input token ids. */
  ids: Tensor;
  /** Next-token targets (ids shifted left). */
  targets: Tensor;
  /** 1 where the target is scored (assistant tokens), 0 elsewhere (prompt, padding). */
  mask: Tensor;
};

/** Inputs an objective sees: per-token log-probs of the targets `[B, T]` and the batch mask. */
export interface ObjectiveInputs<Extra extends TensorTree> {
  /** `log π(target | prefix)` per position, `[B, T]`. */
  tokenLogProbabilities: Tensor;
  /** Float mask `[B, T]`. */
  mask: Tensor;
  /** Extra per-batch tensors the objective was given (advantages, old log-probs, …). */
  extra: Extra;
}

/** A training objective: scalar loss and a tensor record of metrics (may be empty). */
export type Objective<Extra extends TensorTree = Record<string, never>> = (
  backend: TensorBackend,
  inputs: ObjectiveInputs<Extra>,
) => [Tensor, Record<string, Tensor>];

/** Per-token log-probabilities of `targets` under the model, `[B, T]`. */
export function tokenLogProbabilities(
  backend: TensorBackend,
  config: ModelConfig,
  parameters: ModelParameters,
  ids: Tensor,
  targets: Tensor,
  options: ForwardOptions = {},
): Tensor {
  return backend.scope(() => backend.pickLogProbabilities(forwardLogits(backend, config, parameters, ids, options), targets));
}

/** Mean negative log-likelihood over positions where the mask is 1 (0 if the mask is empty). */
export const maskedNegativeLogLikelihood: Objective = (backend, { tokenLogProbabilities: logProbabilities, mask }) => {
  const count = backend.sum(mask);
  const total = backend.sum(backend.multiply(logProbabilities, mask));
  const loss = backend.divide(backend.multiply(total, -1), backend.maximum(count, 1));
  return [loss, { tokens: count }];
};

/**
 * The differentiable loss of a batch: forward, per-token log-probs, then `objective`.
 * Shaped for {@link TensorBackend.valueAndGrad} (parameters first).
 */
export function batchLoss<Extra extends TensorTree>(
  backend: TensorBackend,
  config: ModelConfig,
  objective: Objective<Extra>,
): (parameters: ModelParameters, batch: DeviceBatch, extra: Extra) => [Tensor, Record<string, Tensor>] {
  return (parameters, batch, extra) =>
    objective(backend, {
      tokenLogProbabilities: tokenLogProbabilities(backend, config, parameters, batch.ids, batch.targets),
      mask: batch.mask,
      extra,
    });
}
