import { describe, expect, it } from 'vitest';
import { Random } from '../src/envs/random.js';
import { stratifiedDraw } from '../src/evolve/stratified-draw.js';

const items: { id: string; stratum?: string }[] = [
  ...Array.from({ length: 30 }, (_, index) => ({ id: `d${index}`, stratum: 'diagnosis' })),
  ...Array.from({ length: 10 }, (_, index) => ({ id: `a${index}` })),
];

describe('stratifiedDraw', () => {
  it('draws each stratum with its share, whatever its size', () => {
    const draw = stratifiedDraw(items, { diagnosis: 0.2 }, new Random(3));
    let diagnosis = 0;
    const draws = 5000;
    for (let index = 0; index < draws; index++) {
      const pool = draw();
      expect(pool.every((item) => item.stratum === pool[0]!.stratum)).toBe(true);
      if (pool[0]!.stratum === 'diagnosis') diagnosis += 1;
    }
    expect(diagnosis / draws).toBeGreaterThan(0.17);
    expect(diagnosis / draws).toBeLessThan(0.23);
  });

  it('keeps every prefix of the draws within one micro-batch of its quota', () => {
    for (const share of [0.1, 0.25, 0.4]) {
      const draw = stratifiedDraw(items, { diagnosis: share }, new Random(7));
      let diagnosis = 0;
      for (let index = 1; index <= 48; index++) {
        if (draw()[0]!.stratum === 'diagnosis') diagnosis += 1;
        expect(Math.abs(diagnosis - share * index)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives a short phase at a small share its diagnosis micro-batch, whatever the seed', () => {
    for (let seed = 0; seed < 20; seed++) {
      const draw = stratifiedDraw(items, { diagnosis: 0.1 }, new Random(seed));
      const diagnosis = Array.from({ length: 12 }, () => draw()).filter((pool) => pool[0]!.stratum === 'diagnosis').length;
      expect(diagnosis).toBeGreaterThanOrEqual(1);
      expect(diagnosis).toBeLessThanOrEqual(2);
    }
  });

  it('gives every item and uses no random number without shares', () => {
    const random = new Random(5);
    const draw = stratifiedDraw(items, undefined, random);
    expect(draw()).toBe(items);
    expect(random.next()).toBe(new Random(5).next());
  });

  it('gives the share of an empty pool to the others', () => {
    const onlyDiagnosis = items.filter((item) => item.stratum === 'diagnosis');
    const draw = stratifiedDraw(onlyDiagnosis, { diagnosis: 0.1 }, new Random(1));
    for (let index = 0; index < 20; index++) expect(draw()).toHaveLength(30);
    const noDiagnosis = stratifiedDraw(items.filter((item) => item.stratum === undefined), { diagnosis: 0.9 }, new Random(1));
    for (let index = 0; index < 20; index++) expect(noDiagnosis()).toHaveLength(10);
  });
});
