import { describe, expect, it } from 'vitest';
import { MergeTable } from './merge-table.js';
import { seededRandom } from './test-corpus.js';

/** The textbook rule: merge the lowest-ranked adjacent pair, leftmost among equals, until none is left. */
function referenceApply(symbols: number[], merges: Array<[number, number, number]>): number[] {
  const word = symbols.slice();
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let index = 0; index + 1 < word.length; index += 1) {
      const rank = merges.findIndex(([left, right]) => left === word[index] && right === word[index + 1]);
      if (rank >= 0 && rank < bestRank) {
        bestRank = rank;
        best = index;
      }
    }
    if (best < 0) return word;
    word.splice(best, 2, (merges[bestRank] as [number, number, number])[2]);
  }
}

describe('MergeTable', () => {
  it('merges short and long words (scan and heap paths) exactly as the textbook rule', () => {
    const random = seededRandom(21);
    for (let trial = 0; trial < 40; trial += 1) {
      const alphabet = 2 + Math.floor(random() * 4);
      const merges: Array<[number, number, number]> = [];
      const seen = new Set<string>();
      let next = alphabet;
      for (let index = 0; index < 12; index += 1) {
        const left = Math.floor(random() * next);
        const right = Math.floor(random() * next);
        if (seen.has(`${left},${right}`)) continue;
        seen.add(`${left},${right}`);
        merges.push([left, right, next]);
        next += 1;
      }
      const table = new MergeTable(next);
      for (const [left, right, result] of merges) table.add(left, right, result);
      for (let word = 0; word < 30; word += 1) {
        const length = Math.floor(random() * 60);
        const symbols = Array.from({ length }, () => Math.floor(random() * alphabet));
        expect(table.apply(symbols)).toEqual(referenceApply(symbols, merges));
      }
    }
  });
});
