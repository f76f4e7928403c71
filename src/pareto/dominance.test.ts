import { describe, expect, it } from 'vitest';
import { dominates, meanOfApplicable, paretoFront, paretoFronts } from './dominance.js';

describe('dominates', () => {
  it('needs at least as good everywhere and strictly better somewhere', () => {
    expect(dominates([1, 1, 1, 1], [1, 0, 1, 1])).toBe(true);
    expect(dominates([1, 0, 1, 1], [1, 1, 1, 1])).toBe(false);
    expect(dominates([1, 1], [1, 1])).toBe(false);
    expect(dominates([1, 0], [0, 1])).toBe(false);
  });

  it('skips null objectives and needs one shared objective', () => {
    expect(dominates([1, null, 1, 1], [0, 1, 1, 1])).toBe(true);
    expect(dominates([null, 1], [1, null])).toBe(false);
    expect(dominates([1, null, 1, 1], [1, 1, 1, 1])).toBe(false);
  });
});

describe('paretoFronts', () => {
  it('sorts into levels and keeps identical vectors together', () => {
    const fronts = paretoFronts([
      [1, 1, 1, 1],
      [1, 0, 1, 1],
      [0, 1, 1, 1],
      [1, 0, 0, 1],
      [1, 1, 1, 1],
    ]);
    expect(fronts).toEqual([1, 2, 2, 3, 1]);
    expect(paretoFront([[1, 0], [0, 1], [0, 0]])).toEqual([0, 1]);
  });

  it('places every vector even when nulls make dominance cyclic', () => {
    const fronts = paretoFronts([
      [1, null, 0],
      [0, 1, null],
      [null, 0, 1],
    ]);
    expect(fronts.every((front) => front >= 1)).toBe(true);
  });

  it('never places a dominated vector before its dominator (random groups without nulls)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 200; round += 1) {
      const vectors = Array.from({ length: 8 }, () => Array.from({ length: 4 }, () => Math.round(random() * 4) / 4));
      const fronts = paretoFronts(vectors);
      for (let i = 0; i < vectors.length; i += 1) {
        for (let j = 0; j < vectors.length; j += 1) {
          if (dominates(vectors[i]!, vectors[j]!)) expect(fronts[i]).toBeLessThan(fronts[j]!);
        }
      }
    }
  });
});

describe('meanOfApplicable', () => {
  it('averages non-null entries', () => {
    expect(meanOfApplicable([1, null, 0, 1])).toBeCloseTo(2 / 3);
    expect(meanOfApplicable([null, null])).toBe(0);
  });
});
