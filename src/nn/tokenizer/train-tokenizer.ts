import { byteToCharacter } from './byte-level-alphabet.js';
import { maximumVocabularySize, pairKey } from './merge-table.js';
import { byteLevelSplitPattern } from './pre-tokenizer.js';
import { SpecialTokenSplitter } from './special-token-splitter.js';
import { Tokenizer } from './tokenizer.js';
import { encodeUtf8 } from './utf8.js';

/** Options of {@link trainTokenizer}. */
export interface TrainTokenizerOptions {
  /** Size of the vocabulary to reach: special tokens + 256 byte tokens + merged tokens. */
  vocabSize: number;
  /** Special tokens, given ids 0, 1, ... in this order; their spellings in the texts are not trained on. */
  specialTokens: readonly string[];
  /** A pair seen fewer times than this is never merged (default 2); training stops early then. */
  minFrequency?: number;
}

/**
 * Trains a byte-level BPE tokenizer on `texts`: pre-tokenizes each text into words (special
 * tokens cut out first), then merges, again and again, the most frequent adjacent pair of tokens
 * inside words (ties go to the pair of smaller ids), until the vocabulary has `vocabSize` entries
 * or no pair occurs `minFrequency` times. Ids: special tokens first, then the 256 byte tokens in
 * code-point order of their byte-level spelling, then merged tokens in the order they were made —
 * the layout of Hugging Face's `BpeTrainer`. Deterministic: the result depends only on the
 * multiset of words, not on the order of the texts.
 */
export function trainTokenizer(texts: Iterable<string>, options: TrainTokenizerOptions): Tokenizer {
  const minimumFrequency = options.minFrequency ?? 2;
  const specialTokens = [...new Set(options.specialTokens)];
  const alphabet = [...byteToCharacter].sort((left, right) => (left.codePointAt(0) as number) - (right.codePointAt(0) as number));
  for (const content of specialTokens) {
    if (content.length === 0) throw new Error('a special token cannot be empty');
    if (alphabet.includes(content)) throw new Error(`special token ${JSON.stringify(content)} collides with a byte token`);
  }
  const baseSize = specialTokens.length + alphabet.length;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < baseSize) {
    throw new Error(`vocabSize ${options.vocabSize} is below the ${baseSize} special and byte tokens`);
  }
  if (options.vocabSize > maximumVocabularySize) throw new Error(`vocabSize ${options.vocabSize} exceeds ${maximumVocabularySize}`);

  const base = options.vocabSize;
  const vocabulary: string[] = [...specialTokens, ...alphabet];
  const idByToken = new Map<string, number>(vocabulary.map((token, id) => [token, id]));
  const specialContents = new Set(specialTokens);
  const byteIds = byteToCharacter.map((character) => idByToken.get(character) as number);

  const frequencyByWord = countWords(texts, specialTokens);
  const words: number[][] = [];
  const frequencies: number[] = [];
  for (const [word, frequency] of frequencyByWord) {
    const symbols = encodeUtf8(word).map((byte) => byteIds[byte] as number);
    if (symbols.length < 2) continue;
    words.push(symbols);
    frequencies.push(frequency);
  }

  const pairCounts = new Map<number, number>();
  const wordsByPair = new Map<number, Set<number>>();
  words.forEach((symbols, wordIndex) => {
    const frequency = frequencies[wordIndex] as number;
    for (let index = 0; index + 1 < symbols.length; index += 1) {
      const key = pairKey(symbols[index] as number, symbols[index + 1] as number, base);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + frequency);
      let holders = wordsByPair.get(key);
      if (!holders) wordsByPair.set(key, (holders = new Set()));
      holders.add(wordIndex);
    }
  });

  const queue = new PairQueue();
  for (const [key, count] of pairCounts) queue.push(count, key);

  const merges: Array<[string, string]> = [];
  const mergedPairs = new Set<number>();
  while (vocabulary.length < options.vocabSize && queue.size > 0) {
    const { count, key } = queue.pop();
    if ((pairCounts.get(key) ?? 0) !== count || count === 0) continue;
    if (count < minimumFrequency) break;
    const leftId = Math.floor(key / base);
    const rightId = key - leftId * base;
    const merged = (vocabulary[leftId] as string) + (vocabulary[rightId] as string);
    if (specialContents.has(merged) || mergedPairs.has(key)) {
      pairCounts.delete(key);
      continue;
    }
    mergedPairs.add(key);
    let resultId = idByToken.get(merged);
    if (resultId === undefined) {
      resultId = vocabulary.length;
      vocabulary.push(merged);
      idByToken.set(merged, resultId);
    }
    merges.push([vocabulary[leftId] as string, vocabulary[rightId] as string]);

    const changed = new Map<number, number>();
    for (const wordIndex of wordsByPair.get(key) ?? []) {
      const symbols = words[wordIndex] as number[];
      const replaced = mergePair(symbols, leftId, rightId, resultId);
      if (replaced === null) continue;
      const frequency = frequencies[wordIndex] as number;
      for (let index = 0; index + 1 < symbols.length; index += 1) {
        const oldKey = pairKey(symbols[index] as number, symbols[index + 1] as number, base);
        changed.set(oldKey, (changed.get(oldKey) ?? 0) - frequency);
      }
      for (let index = 0; index + 1 < replaced.length; index += 1) {
        const newKey = pairKey(replaced[index] as number, replaced[index + 1] as number, base);
        changed.set(newKey, (changed.get(newKey) ?? 0) + frequency);
        let holders = wordsByPair.get(newKey);
        if (!holders) wordsByPair.set(newKey, (holders = new Set()));
        holders.add(wordIndex);
      }
      words[wordIndex] = replaced;
    }
    wordsByPair.delete(key);
    for (const [changedKey, delta] of changed) {
      if (delta === 0) continue;
      const updated = (pairCounts.get(changedKey) ?? 0) + delta;
      if (updated <= 0) pairCounts.delete(changedKey);
      else {
        pairCounts.set(changedKey, updated);
        queue.push(updated, changedKey);
      }
    }
  }
  return new Tokenizer({ vocabulary, merges, specialTokens });
}

/** Counts the pre-tokenizer words of all texts, leaving special tokens' spellings out. */
function countWords(texts: Iterable<string>, specialTokens: readonly string[]): Map<string, number> {
  const splitter = new SpecialTokenSplitter(specialTokens);
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const segment of splitter.split(text)) {
      if (segment.kind !== 'text') continue;
      for (const match of segment.text.matchAll(byteLevelSplitPattern)) {
        const word = match[0];
        counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** Replaces the non-overlapping occurrences of (left, right), left to right; `null` if there is none. */
function mergePair(symbols: readonly number[], left: number, right: number, result: number): number[] | null {
  let replaced: number[] | null = null;
  for (let index = 0; index < symbols.length; index += 1) {
    const symbol = symbols[index] as number;
    if (symbol === left && index + 1 < symbols.length && symbols[index + 1] === right) {
      replaced ??= symbols.slice(0, index);
      replaced.push(result);
      index += 1;
    } else if (replaced !== null) replaced.push(symbol);
  }
  return replaced;
}

/** A max-heap of (count, pair) entries: larger count first, then smaller pair key. */
class PairQueue {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  push(count: number, key: number): void {
    let index = this.counts.length;
    this.counts.push(count);
    this.keys.push(key);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(count, key, parent)) break;
      this.counts[index] = this.counts[parent] as number;
      this.keys[index] = this.keys[parent] as number;
      index = parent;
    }
    this.counts[index] = count;
    this.keys[index] = key;
  }

  pop(): { count: number; key: number } {
    const top = { count: this.counts[0] as number, key: this.keys[0] as number };
    const lastCount = this.counts.pop() as number;
    const lastKey = this.keys.pop() as number;
    const size = this.counts.length;
    if (size === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const better = right < size && this.before(this.counts[right] as number, this.keys[right] as number, left) ? right : left;
      if (!this.before(this.counts[better] as number, this.keys[better] as number, -1, lastCount, lastKey)) break;
      this.counts[index] = this.counts[better] as number;
      this.keys[index] = this.keys[better] as number;
      index = better;
    }
    this.counts[index] = lastCount;
    this.keys[index] = lastKey;
    return top;
  }

  /** Whether (count, key) comes before the entry at `index` (or before (otherCount, otherKey) when index is -1). */
  private before(count: number, key: number, index: number, otherCount?: number, otherKey?: number): boolean {
    const comparedCount = index >= 0 ? (this.counts[index] as number) : (otherCount as number);
    const comparedKey = index >= 0 ? (this.keys[index] as number) : (otherKey as number);
    return count > comparedCount || (count === comparedCount && key < comparedKey);
  }
}
