import type { Tensor } from '../nn/backend/tensor-backend.js';
import type { Objective } from '../nn/model/loss.js';

/** The per-token inputs the policy objective reads from a batch's `extra`. */
export interface PolicyObjectiveExtra extends Record<string, Tensor> {
  /** The sequence's advantage, repeated on each of its tokens, `[B, T]`. */
  advantages: Tensor;
  /** log π_old of each target token (the policy that sampled the group), `[B, T]`. */
  oldLogProbabilities: Tensor;
  /** log π_ref of each target token (the SFT warm-up policy of the KL term), `[B, T]`. */
  referenceLogProbabilities: Tensor;
}

/** Constants of {@link clippedPolicyObjective} (defaults in `pfpoConfigSchema`). */
export interface PolicyObjectiveOptions {
  /** ε of clip(ρ, 1 − ε, 1 + ε). */
  clipEpsilon: number;
  /** β of the KL penalty. */
  klCoefficient: number;
}

/**
 * The token-level clipped surrogate minus β·KL(π || π_ref) as a training loss (DESIGN §2 step 4),
 * the tensor twin of the pure-number reference `clippedObjective`: per assistant token
 * ρ = exp(p − o), surrogate = min(ρA, clip(ρ, 1 − ε, 1 + ε)A), kl = exp(q − p) − (q − p) − 1, and
 * the loss is Σ m·(β·kl − surrogate) / Σ m. The mask is the batch mask (assistant tokens only).
 * Metrics: mean KL and the share of tokens where clipping is active.
 */
export function clippedPolicyObjective(options: PolicyObjectiveOptions): Objective<PolicyObjectiveExtra> {
  const { clipEpsilon, klCoefficient } = options;
  return (backend, { tokenLogProbabilities: logProbabilities, mask, extra }) => {
    const ratio = backend.exp(backend.subtract(logProbabilities, extra.oldLogProbabilities));
    const advantages = extra.advantages;
    const clippedRatio = backend.minimum(backend.maximum(ratio, 1 - clipEpsilon), 1 + clipEpsilon);
    const surrogate = backend.minimum(backend.multiply(ratio, advantages), backend.multiply(clippedRatio, advantages));
    const referenceGap = backend.subtract(extra.referenceLogProbabilities, logProbabilities);
    const kl = backend.subtract(backend.subtract(backend.exp(referenceGap), referenceGap), 1);
    const perToken = backend.subtract(backend.multiply(kl, klCoefficient), surrogate);
    const count = backend.maximum(backend.sum(mask), 1);
    const indicator = (condition: Tensor): Tensor => backend.cast(condition, 'float32');
    const negatedRatio = backend.multiply(ratio, -1);
    const clippedHigh = backend.multiply(indicator(backend.less(negatedRatio, -(1 + clipEpsilon))), indicator(backend.less(backend.multiply(advantages, -1), 0)));
    const clippedLow = backend.multiply(indicator(backend.less(ratio, 1 - clipEpsilon)), indicator(backend.less(advantages, 0)));
    const clipped = backend.add(clippedHigh, clippedLow);
    return [
      backend.divide(backend.sum(backend.multiply(perToken, mask)), count),
      {
        kl: backend.divide(backend.sum(backend.multiply(kl, mask)), count),
        clipped: backend.divide(backend.sum(backend.multiply(clipped, mask)), count),
      },
    ];
  };
}
