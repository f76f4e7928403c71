/** The largest vocabulary a tokenizer may have (pair keys must stay exact doubles). */
export const maximumVocabularySize = 2 ** 24;

/**
 * The number that stands for the ordered pair of token ids (`left`, `right`) in a vocabulary of
 * `base` ids. With a vocabulary below 2^15 the keys are small integers, which V8's maps hash
 * much faster than larger numbers.
 */
export function pairKey(left: number, right: number, base: number): number {
  return left * base + right;
}

/**
 * A BPE model's merges as numbers: for each pair of token ids, its rank (earlier merges first)
 * and the id of the token it merges into. Applying the table to a word merges, again and again,
 * the pair of lowest rank, leftmost among equals — the order Hugging Face's BPE uses.
 */
export class MergeTable {
  private readonly rankByPair = new Map<number, number>();
  private readonly resultByRank: number[] = [];

  /** A table for token ids below `vocabularySize`. */
  constructor(private readonly vocabularySize: number) {
    if (vocabularySize > maximumVocabularySize) throw new Error(`vocabulary of ${vocabularySize} exceeds ${maximumVocabularySize}`);
  }

  /** Adds the next merge (its rank is the number of merges added before it). */
  add(left: number, right: number, result: number): void {
    if (Math.max(left, right, result) >= this.vocabularySize) throw new Error(`merge ${left}+${right}→${result} is outside the vocabulary`);
    const key = pairKey(left, right, this.vocabularySize);
    if (this.rankByPair.has(key)) throw new Error(`duplicate merge of tokens ${left} and ${right}`);
    this.rankByPair.set(key, this.resultByRank.length);
    this.resultByRank.push(result);
  }

  /** The number of merges. */
  get size(): number {
    return this.resultByRank.length;
  }

  /** Merges the symbols of one word (token ids, one per byte at first) into BPE tokens. */
  apply(symbols: readonly number[]): number[] {
    const length = symbols.length;
    if (length < 2) return symbols.slice();
    if (length <= 16) return this.applyByScanning(symbols);
    return this.applyWithHeap(symbols);
  }

  /** Short words: find the lowest-ranked pair by a scan, merge it, repeat. */
  private applyByScanning(symbols: readonly number[]): number[] {
    const word = symbols.slice();
    for (;;) {
      let bestRank = Infinity;
      let bestIndex = -1;
      for (let index = 0; index + 1 < word.length; index += 1) {
        const rank = this.rankByPair.get(pairKey(word[index] as number, word[index + 1] as number, this.vocabularySize));
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestIndex = index;
        }
      }
      if (bestIndex < 0) return word;
      word.splice(bestIndex, 2, this.resultByRank[bestRank] as number);
    }
  }

  /** Long words: a linked list of symbols and a heap of candidate merges ordered by (rank, position). */
  private applyWithHeap(symbols: readonly number[]): number[] {
    const length = symbols.length;
    const ids = Int32Array.from(symbols);
    const previous = new Int32Array(length);
    const next = new Int32Array(length);
    for (let index = 0; index < length; index += 1) {
      previous[index] = index - 1;
      next[index] = index + 1 < length ? index + 1 : -1;
    }
    const heap: number[] = [];
    const push = (position: number): void => {
      const following = next[position] as number;
      if (following < 0) return;
      const rank = this.rankByPair.get(pairKey(ids[position] as number, ids[following] as number, this.vocabularySize));
      if (rank !== undefined) heapPush(heap, rank * length + position);
    };
    for (let index = 0; index + 1 < length; index += 1) push(index);
    while (heap.length > 0) {
      const entry = heapPop(heap);
      const rank = Math.floor(entry / length);
      const position = entry - rank * length;
      if (ids[position] === -1) continue;
      const following = next[position] as number;
      if (following < 0) continue;
      if (this.rankByPair.get(pairKey(ids[position] as number, ids[following] as number, this.vocabularySize)) !== rank) continue;
      ids[position] = this.resultByRank[rank] as number;
      ids[following] = -1;
      const afterFollowing = next[following] as number;
      next[position] = afterFollowing;
      if (afterFollowing >= 0) previous[afterFollowing] = position;
      const before = previous[position] as number;
      if (before >= 0) push(before);
      push(position);
    }
    const result: number[] = [];
    for (let position = 0; position >= 0; position = next[position] as number) result.push(ids[position] as number);
    return result;
  }
}

function heapPush(heap: number[], value: number): void {
  let index = heap.length;
  heap.push(value);
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if ((heap[parent] as number) <= value) break;
    heap[index] = heap[parent] as number;
    index = parent;
  }
  heap[index] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0] as number;
  const last = heap.pop() as number;
  if (heap.length === 0) return top;
  let index = 0;
  const size = heap.length;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= size) break;
    const right = left + 1;
    const smaller = right < size && (heap[right] as number) < (heap[left] as number) ? right : left;
    if ((heap[smaller] as number) >= last) break;
    heap[index] = heap[smaller] as number;
    index = smaller;
  }
  heap[index] = last;
  return top;
}
