import { describe, expect, it } from 'vitest';
import { roundRobinShares } from './worker-pool.js';

describe('roundRobinShares', () => {
  it('deals items round robin, never more shares than items, and keeps every item once', () => {
    expect(roundRobinShares([0, 1, 2, 3, 4], 2)).toEqual([[0, 2, 4], [1, 3]]);
    expect(roundRobinShares(['a', 'b'], 5)).toEqual([['a'], ['b']]);
    expect(roundRobinShares([], 3)).toEqual([[]]);
    const items = Array.from({ length: 17 }, (_, index) => index);
    expect(roundRobinShares(items, 4).flat().sort((a, b) => a - b)).toEqual(items);
  });
});
