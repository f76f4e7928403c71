import { describe, expect, it } from 'vitest';
import { rate, wilsonInterval } from './wilson.js';

describe('wilsonInterval', () => {
  it('matches a textbook value (8 of 10)', () => {
    const [low, high] = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.4902, 3);
    expect(high).toBeCloseTo(0.9433, 3);
  });

  it('stays inside [0, 1] at the extremes and is [0, 1] without data', () => {
    expect(wilsonInterval(0, 20)[0]).toBe(0);
    expect(wilsonInterval(20, 20)[1]).toBe(1);
    expect(wilsonInterval(20, 20)[0]).toBeGreaterThan(0.8);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it('narrows as n grows', () => {
    const small = wilsonInterval(5, 10);
    const large = wilsonInterval(500, 1000);
    expect(large[1] - large[0]).toBeLessThan(small[1] - small[0]);
  });
});

describe('rate', () => {
  it('counts successes', () => {
    const metric = rate([true, false, true, true]);
    expect(metric.value).toBe(0.75);
    expect(metric.n).toBe(4);
    expect(metric.ci95[0]).toBeLessThan(0.75);
    expect(metric.ci95[1]).toBeGreaterThan(0.75);
  });
});
