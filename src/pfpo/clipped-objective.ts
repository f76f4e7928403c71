/**
 * Pure-number reference of the PFPO policy objective (DESIGN §2 step 4): the token-level clipped
 * surrogate minus β·KL(π || π_ref), on assistant tokens only. It exists so that the tensor
 * implementation can be checked against it value by value and gradient by gradient; it is not
 * meant to be fast.
 *
 * Per token t of sequence i, with p = log π_θ (policy being trained), o = log π_old (the policy
 * that sampled the group) and q = log π_ref (the SFT warm-up policy π_SFT):
 *   ρ = exp(p − o),  surrogate = min(ρ·A_i, clip(ρ, 1 − ε, 1 + ε)·A_i),
 *   kl = exp(q − p) − (q − p) − 1   (Schulman's k3 estimator of KL(π_θ || π_ref): non-negative,
 *                                    unbiased for tokens sampled from π_θ; TRL's GRPO uses it too),
 *   J = Σ_{i,t} m_it (surrogate − β·kl) / Σ_{i,t} m_it   (one mean over every assistant token of
 *                                    the batch: "token-level", TRL's loss_type "dapo"/"bnpo").
 * The loss to minimise is −J.
 */

/** Inputs of {@link clippedObjective}: one row per sequence, one column per token. */
export interface ClippedObjectiveInput {
  /** log π_θ(token | prefix) under the policy being trained. */
  newLogProbabilities: readonly (readonly number[])[];
  /** log π_old(token | prefix) under the policy that sampled the sequences. */
  oldLogProbabilities: readonly (readonly number[])[];
  /** log π_ref(token | prefix) under the reference (SFT) policy of the KL term. */
  referenceLogProbabilities: readonly (readonly number[])[];
  /** One advantage per sequence (e.g. from `pfpoAdvantages`). */
  advantages: readonly number[];
  /** 1 on assistant tokens, 0 elsewhere (prompt, tool results, padding). */
  masks: readonly (readonly number[])[];
}

/** Options of the objective; defaults are those of `pfpoConfigSchema`. */
export interface ClippedObjectiveOptions {
  /** ε of clip(ρ, 1 − ε, 1 + ε) (default 0.2). */
  clipEpsilon?: number;
  /** β of the KL penalty (default 0.04). */
  klCoefficient?: number;
}

/** Value, parts and gradient of the objective. */
export interface ClippedObjectiveResult {
  /** J = mean clipped surrogate − β·mean KL over assistant tokens (to maximise). */
  objective: number;
  /** −J (to minimise). */
  loss: number;
  /** Mean clipped surrogate over assistant tokens. */
  meanSurrogate: number;
  /** Mean k3 KL estimate over assistant tokens. */
  meanKl: number;
  /** Share of assistant tokens where clipping is active (ρ > 1 + ε with A > 0, or ρ < 1 − ε with A < 0). */
  clippedFraction: number;
  /** Number of assistant tokens (Σ masks). */
  tokenCount: number;
  /** ∂J/∂p for each token's new log-probability (0 off the mask and where clipping is active). */
  gradients: number[][];
}

/**
 * Computes the token-level clipped PFPO objective and its gradient with respect to the new
 * log-probabilities. With no assistant token the objective and every gradient are 0.
 *
 * @throws RangeError when the rows or their lengths do not match.
 */
export function clippedObjective(input: ClippedObjectiveInput, options: ClippedObjectiveOptions = {}): ClippedObjectiveResult {
  const clipEpsilon = options.clipEpsilon ?? 0.2;
  const klCoefficient = options.klCoefficient ?? 0.04;
  const sequenceCount = input.newLogProbabilities.length;
  const rows = [input.oldLogProbabilities, input.referenceLogProbabilities, input.masks];
  if (rows.some((row) => row.length !== sequenceCount) || input.advantages.length !== sequenceCount) {
    throw new RangeError('log-probabilities, masks and advantages must have one row per sequence');
  }
  let tokenCount = 0;
  let surrogateTotal = 0;
  let klTotal = 0;
  let clippedTokens = 0;
  const surrogateGradients: number[][] = [];
  const klGradients: number[][] = [];
  for (let sequence = 0; sequence < sequenceCount; sequence += 1) {
    const newRow = input.newLogProbabilities[sequence] as readonly number[];
    const oldRow = input.oldLogProbabilities[sequence] as readonly number[];
    const referenceRow = input.referenceLogProbabilities[sequence] as readonly number[];
    const maskRow = input.masks[sequence] as readonly number[];
    if (oldRow.length !== newRow.length || referenceRow.length !== newRow.length || maskRow.length !== newRow.length) {
      throw new RangeError(`sequence ${sequence}: log-probabilities and mask lengths differ`);
    }
    const advantage = input.advantages[sequence] as number;
    const surrogateRow: number[] = [];
    const klRow: number[] = [];
    for (let token = 0; token < newRow.length; token += 1) {
      const mask = maskRow[token] as number;
      const logProbability = newRow[token] as number;
      const ratio = Math.exp(logProbability - (oldRow[token] as number));
      const clippedRatio = Math.min(Math.max(ratio, 1 - clipEpsilon), 1 + clipEpsilon);
      const clippingActive = (ratio > 1 + clipEpsilon && advantage > 0) || (ratio < 1 - clipEpsilon && advantage < 0);
      const referenceGap = (referenceRow[token] as number) - logProbability;
      tokenCount += mask;
      surrogateTotal += mask * Math.min(ratio * advantage, clippedRatio * advantage);
      klTotal += mask * (Math.exp(referenceGap) - referenceGap - 1);
      if (mask !== 0 && clippingActive) clippedTokens += mask;
      // d(ρA)/dp = ρA; the clipped branch is constant in p. d(kl)/dp = 1 − exp(q − p).
      surrogateRow.push(mask * (clippingActive ? 0 : ratio * advantage));
      klRow.push(mask * (1 - Math.exp(referenceGap)));
    }
    surrogateGradients.push(surrogateRow);
    klGradients.push(klRow);
  }
  if (tokenCount === 0) {
    return {
      objective: 0,
      loss: 0,
      meanSurrogate: 0,
      meanKl: 0,
      clippedFraction: 0,
      tokenCount: 0,
      gradients: input.newLogProbabilities.map((row) => row.map(() => 0)),
    };
  }
  const meanSurrogate = surrogateTotal / tokenCount;
  const meanKl = klTotal / tokenCount;
  const objective = meanSurrogate - klCoefficient * meanKl;
  return {
    objective,
    loss: -objective,
    meanSurrogate,
    meanKl,
    clippedFraction: clippedTokens / tokenCount,
    tokenCount,
    gradients: surrogateGradients.map((row, sequence) =>
      row.map((gradient, token) => (gradient - klCoefficient * (klGradients[sequence]?.[token] as number)) / tokenCount),
    ),
  };
}
