/**
 * Choosing the next token on the host from one row's logits: optional allowed-token mask
 * (constrained decoding), temperature (0 = greedy), nucleus (top-p) truncation, then a draw from
 * the row's seeded stream. The reported log-probability is the *model's*: log-softmax of the raw
 * logits (temperature 1, no mask, no truncation), which is what policy-gradient ratios need.
 */
import type { SeededRandom } from '../seeded-random.js';

/** How to pick a token. */
export interface TokenChoiceOptions {
  /** Softmax temperature; 0 picks the arg-max. */
  temperature: number;
  /** Keep the smallest set of tokens whose probability reaches this (1 = all). */
  topP: number;
  /** When given, only these token ids may be chosen. */
  allowedTokens?: ArrayLike<number>;
}

/** The chosen token and its log-probability under the raw model. */
export interface TokenChoice {
  /** Token id. */
  token: number;
  /** `log softmax(logits)[token]`. */
  logProbability: number;
}

/** `log softmax(logits)[index]`, in float64. */
export function logSoftmaxAt(logits: ArrayLike<number>, index: number): number {
  let maximum = -Infinity;
  for (let position = 0; position < logits.length; position++) maximum = Math.max(maximum, logits[position]!);
  let total = 0;
  for (let position = 0; position < logits.length; position++) total += Math.exp(logits[position]! - maximum);
  return logits[index]! - maximum - Math.log(total);
}

/** Picks one token from a row's logits. */
export function chooseToken(logits: ArrayLike<number>, options: TokenChoiceOptions, random: SeededRandom): TokenChoice {
  const candidates = options.allowedTokens !== undefined ? Array.from(options.allowedTokens) : Array.from({ length: logits.length }, (_, index) => index);
  if (candidates.length === 0) throw new Error('chooseToken: no allowed tokens');
  let token: number;
  if (options.temperature <= 0) {
    token = candidates.reduce((best, candidate) => (logits[candidate]! > logits[best]! ? candidate : best));
  } else {
    let maximum = -Infinity;
    for (const candidate of candidates) maximum = Math.max(maximum, logits[candidate]!);
    let weights = candidates.map((candidate) => Math.exp((logits[candidate]! - maximum) / options.temperature));
    let pool = candidates;
    if (options.topP < 1) {
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      const order = weights.map((weight, index) => [weight, index] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      const kept: number[] = [];
      let mass = 0;
      for (const [weight, index] of order) {
        kept.push(index);
        mass += weight / total;
        if (mass >= options.topP) break;
      }
      pool = kept.map((index) => candidates[index]!);
      weights = kept.map((index) => weights[index]!);
    }
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let threshold = random.uniform() * total;
    token = pool[pool.length - 1]!;
    for (let index = 0; index < pool.length; index++) {
      threshold -= weights[index]!;
      if (threshold < 0) {
        token = pool[index]!;
        break;
      }
    }
  }
  return { token, logProbability: logSoftmaxAt(logits, token) };
}
