import { describe, expect, it } from 'vitest';
import { hypervolume, type HypervolumePoint } from './hypervolume.js';

const point = (security: number, utility: number, notOverRefusing: number): HypervolumePoint => ({ security, utility, notOverRefusing });

/** Monte-Carlo-free check: the dominated volume measured on a regular grid of cell centres. */
function gridVolume(points: readonly HypervolumePoint[], cells: number): number {
  let inside = 0;
  for (let i = 0; i < cells; i += 1) {
    for (let j = 0; j < cells; j += 1) {
      for (let k = 0; k < cells; k += 1) {
        const [x, y, z] = [(i + 0.5) / cells, (j + 0.5) / cells, (k + 0.5) / cells];
        if (points.some((p) => p.security >= x && p.utility >= y && p.notOverRefusing >= z)) inside += 1;
      }
    }
  }
  return inside / cells ** 3;
}

describe('hypervolume', () => {
  it('is 0 without points and the product of the coordinates for one point', () => {
    expect(hypervolume([])).toBe(0);
    expect(hypervolume([point(0.5, 0.4, 0.8)])).toBeCloseTo(0.16, 12);
    expect(hypervolume([point(1, 1, 1)])).toBe(1);
    expect(hypervolume([point(0, 0.9, 0.9)])).toBe(0);
  });

  it('adds nothing for dominated or repeated points', () => {
    const front = [point(0.5, 0.4, 0.8)];
    expect(hypervolume([...front, point(0.4, 0.4, 0.7), point(0.5, 0.4, 0.8), point(0.1, 0.1, 0.1)])).toBeCloseTo(hypervolume(front), 12);
  });

  it('counts two overlapping boxes once (inclusion–exclusion by hand)', () => {
    // 0.8·0.5·1 + 0.5·0.8·1 − 0.5·0.5·1 = 0.4 + 0.4 − 0.25
    expect(hypervolume([point(0.8, 0.5, 1), point(0.5, 0.8, 1)])).toBeCloseTo(0.55, 12);
    // Boxes differing on all three axes: 1·0.5·0.5 + 0.5·1·1 − 0.5·0.5·0.5 = 0.25 + 0.5 − 0.125
    expect(hypervolume([point(1, 0.5, 0.5), point(0.5, 1, 1)])).toBeCloseTo(0.625, 12);
  });

  it('matches a three-point case computed by hand', () => {
    // a = (1, .2, .2), b = (.2, 1, .2), c = (.2, .2, 1): each .04; pairwise overlaps .2³ = .008
    // each; triple overlap .008. Union = 3·.04 − 3·.008 + .008 = .104.
    expect(hypervolume([point(1, 0.2, 0.2), point(0.2, 1, 0.2), point(0.2, 0.2, 1)])).toBeCloseTo(0.104, 12);
  });

  it('does not depend on the order of the points', () => {
    const points = [point(0.9, 0.3, 0.6), point(0.4, 0.8, 0.7), point(0.6, 0.6, 0.2), point(0.2, 0.95, 0.9), point(0.7, 0.1, 0.99)];
    const expected = hypervolume(points);
    for (let shift = 1; shift < points.length; shift += 1) {
      const rotated = [...points.slice(shift), ...points.slice(0, shift)];
      expect(hypervolume(rotated)).toBeCloseTo(expected, 12);
      expect(hypervolume([...rotated].reverse())).toBeCloseTo(expected, 12);
    }
  });

  it('agrees with a grid count on points whose coordinates sit on the grid', () => {
    const points = [point(0.9, 0.3, 0.6), point(0.4, 0.8, 0.7), point(0.6, 0.6, 0.2), point(0.2, 0.9, 0.9), point(0.7, 0.1, 1)];
    expect(hypervolume(points)).toBeCloseTo(gridVolume(points, 20), 12);
  });

  it('clamps to the unit cube and rejects non-finite coordinates', () => {
    expect(hypervolume([point(1.5, -0.2, 0.5)])).toBe(0);
    expect(hypervolume([point(1.5, 0.5, 0.5)])).toBeCloseTo(0.25, 12);
    expect(() => hypervolume([point(Number.NaN, 0.5, 0.5)])).toThrow(/non-finite/);
  });
});
