import { describe, expect, it } from 'vitest';
import { gdpoAdvantages, scalarAdvantages, scalarGrpoAdvantages, type ScalarAdvantageScheme } from './scalar-advantages.js';

const schemes: ScalarAdvantageScheme[] = ['scalar-grpo', 'gdpo'];

describe.each(schemes)('scalar baseline %s', (scheme) => {
  it('gives 0 to an empty group, a single row and identical rows', () => {
    expect(scalarAdvantages(scheme, [])).toEqual([]);
    expect(scalarAdvantages(scheme, [[1, 0.5, null, 1]])).toEqual([0]);
    expect(scalarAdvantages(scheme, [[0.1, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1]])).toEqual([0, 0, 0]);
  });

  it('standardises to mean 0 and sample std close to 1', () => {
    const advantages = scalarAdvantages(scheme, [[1, 0, 1, 1], [0, 1, null, 1], [1, 1, 1, 0], [0.5, 0.2, 0, 1]]);
    const mean = advantages.reduce((total, value) => total + value, 0) / advantages.length;
    const variance = advantages.reduce((total, value) => total + (value - mean) ** 2, 0) / (advantages.length - 1);
    expect(mean).toBeCloseTo(0, 12);
    expect(Math.sqrt(variance)).toBeCloseTo(1, 3);
  });

  it('dispatches to the named function', () => {
    const vectors = [[1, 0, null, 1], [0, 1, 1, 1], [1, 1, 0, 0]];
    const direct = scheme === 'scalar-grpo' ? scalarGrpoAdvantages(vectors) : gdpoAdvantages(vectors);
    expect(scalarAdvantages(scheme, vectors)).toEqual(direct);
  });
});

describe('scalar-grpo versus gdpo', () => {
  it('counts null as 0 in scalar-grpo but as no contribution in gdpo', () => {
    // Rows equal except that the second has overRefusal null: scalar-grpo sees 3 versus 2.
    const vectors = [[1, 1, 1, 0], [1, 1, null, 0], [1, 0, 0, 1]];
    const scalar = scalarGrpoAdvantages(vectors);
    expect(scalar[0]).toBeGreaterThan(scalar[1] as number);
    // gdpo: overRefusal standardised over rows 0 and 2 only; row 1 gets 0 for it.
    const gdpo = gdpoAdvantages(vectors);
    expect(gdpo[0]).toBeGreaterThan(gdpo[1] as number);
    expect(gdpo[1]).toBeGreaterThan(gdpo[2] as number);
  });

  it('uses the epsilon option in each denominator', () => {
    const vectors = [[1, 0], [0, 0]];
    // sums 1 and 0: sample std √0.5; with epsilon 1 the advantages shrink accordingly.
    const expected = 0.5 / (Math.SQRT1_2 + 1);
    expect(scalarGrpoAdvantages(vectors, { epsilon: 1 })).toEqual([expected, -expected].map((value) => expect.closeTo(value, 12)));
  });
});
