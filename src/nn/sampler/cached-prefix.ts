/**
 * The keys and values a decoding computed for one row's tokens, held on the host so a later
 * generation that continues the same token sequence (the next turn of a conversation) runs only
 * its new tokens.
 */

/** One row's cached keys and values for its first `length` tokens. */
export interface CachedPrefix {
  /** Tokens covered. */
  readonly length: number;
  /** Keys per layer, `[length, heads, headSize]` row-major (the arrays may be longer; only the first `length` positions count). */
  readonly keys: readonly Float32Array[];
  /** Values per layer, the same shape as the keys. */
  readonly values: readonly Float32Array[];
}

/** The first `length` tokens of a cached prefix (no copy). */
export function truncatePrefix(prefix: CachedPrefix, length: number): CachedPrefix {
  if (length > prefix.length) throw new Error(`truncatePrefix: ${length} tokens from a prefix of ${prefix.length}`);
  return { length, keys: prefix.keys, values: prefix.values };
}

/** How many leading tokens two sequences share. */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a[index] === b[index]) index += 1;
  return index;
}
