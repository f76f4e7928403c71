/** Global-norm gradient clipping (as `torch.nn.utils.clip_grad_norm_`). */
import type { Tensor, TensorBackend, TensorRecord } from '../backend/tensor-backend.js';

/** `√(Σ_tensors Σ g²)` over a record of gradients, as a scalar tensor. */
export function globalGradientNorm(backend: TensorBackend, gradients: TensorRecord): Tensor {
  return backend.scope(() => {
    let total: Tensor | undefined;
    for (const gradient of Object.values(gradients)) {
      const squares = backend.sum(backend.square(gradient));
      total = total === undefined ? squares : backend.add(total, squares);
    }
    return backend.sqrt(total ?? backend.scalar(0));
  });
}

/**
 * Scales every gradient by `min(1, maximumNorm / (norm + 1e-6))`; returns the scaled gradients
 * and the norm before clipping. A non-positive `maximumNorm` tensor value disables clipping.
 */
export function clipByGlobalNorm(backend: TensorBackend, gradients: TensorRecord, maximumNorm: Tensor): [TensorRecord, Tensor] {
  return backend.scope(() => {
    const norm = globalGradientNorm(backend, gradients);
    const ratio = backend.minimum(backend.divide(maximumNorm, backend.add(norm, 1e-6)), 1);
    const factor = backend.where(backend.lessEqual(maximumNorm, 0), 1, ratio);
    const clipped: TensorRecord = {};
    for (const [name, gradient] of Object.entries(gradients)) clipped[name] = backend.multiply(gradient, factor);
    return [clipped, norm];
  });
}
