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
  const candidates = options.allowedTokens ?? allTokens(logits.length);
  const count = candidates.length;
  if (count === 0) throw new Error('chooseToken: no allowed tokens');
  let best = candidates[0]!;
  for (let index = 1; index < count; index++) {
    const token = candidates[index]!;
    if (logits[token]! > logits[best]!) best = token;
  }
  let token = best;
  if (options.temperature > 0) {
    const weights = new Float64Array(count);
    const peak = logits[best]!;
    const inverseTemperature = 1 / options.temperature;
    let total = 0;
    for (let index = 0; index < count; index++) {
      const weight = Math.exp((logits[candidates[index]!]! - peak) * inverseTemperature);
      weights[index] = weight;
      total += weight;
    }
    let order: ArrayLike<number> | undefined;
    let kept = count;
    if (options.topP < 1) {
      const sorted = Array.from({ length: count }, (_, index) => index).sort((a, b) => weights[b]! - weights[a]! || a - b);
      let mass = 0;
      kept = 0;
      while (kept < count && mass < options.topP * total) mass += weights[sorted[kept++]!]!;
      order = sorted;
      total = mass;
    }
    let threshold = random.uniform() * total;
    token = candidates[order === undefined ? kept - 1 : order[kept - 1]!]!;
    for (let rank = 0; rank < kept; rank++) {
      const index = order === undefined ? rank : order[rank]!;
      threshold -= weights[index]!;
      if (threshold < 0) {
        token = candidates[index]!;
        break;
      }
    }
  }
  return { token, logProbability: logSoftmaxAt(logits, token) };
}

const allTokenLists = new Map<number, Int32Array>();

/** `0 … size − 1`, cached per vocabulary size. */
function allTokens(size: number): Int32Array {
  let tokens = allTokenLists.get(size);
  if (tokens === undefined) {
    tokens = Int32Array.from({ length: size }, (_, index) => index);
    allTokenLists.set(size, tokens);
  }
  return tokens;
}
