import { describe, expect, it } from 'vitest';
import { pfpoGroupStatistics } from './group-statistics.js';
import { pfpoAdvantages } from './pfpo-advantage.js';

describe('pfpoGroupStatistics', () => {
  it('returns zero shares for no groups', () => {
    expect(pfpoGroupStatistics([])).toEqual({
      groupCount: 0,
      rowCount: 0,
      zeroVarianceGroupShare: 0,
      allInfeasibleGroupShare: 0,
      unscorableRowShare: 0,
      meanFrontCount: 0,
      singleFrontGroupShare: 0,
      infeasibleRowCount: 0,
      infeasiblePositiveAdvantageShare: 0,
    });
  });

  it('aggregates the diagnostics of several groups', () => {
    const results = [
      // Two feasible levels and one infeasible level; one unscorable row.
      pfpoAdvantages([[1, 1, 1, 1], [1, 0, 1, 1], [0, 1, 1, 1], [null, 1, 1, 1]]),
      // Identical vectors: one front, zero variance.
      pfpoAdvantages([[1, 1, 1, 1], [1, 1, 1, 1]]),
      // All infeasible, two violation blocks.
      pfpoAdvantages([[0, 1, 1, 1], [0.5, 1, 1, 1]]),
      // Nothing scorable.
      pfpoAdvantages([[null, null, null, null], [null, 1, 1, 1]]),
    ];
    const statistics = pfpoGroupStatistics(results);
    expect(statistics.groupCount).toBe(4);
    expect(statistics.rowCount).toBe(10);
    expect(statistics.unscorableRowShare).toBeCloseTo(3 / 10, 12);
    expect(statistics.zeroVarianceGroupShare).toBeCloseTo(2 / 4, 12);
    expect(statistics.allInfeasibleGroupShare).toBeCloseTo(1 / 4, 12);
    expect(statistics.meanFrontCount).toBeCloseTo((3 + 1 + 2) / 3, 12);
    expect(statistics.singleFrontGroupShare).toBeCloseTo(1 / 3, 12);
    expect(statistics.infeasibleRowCount).toBe(3);
    expect(statistics.infeasiblePositiveAdvantageShare).toBe(0);
  });

  it('counts an infeasible row with a positive advantage (a broken advantage must show up)', () => {
    const result = pfpoAdvantages([[1, 1, 1, 1], [0, 1, 1, 1]]);
    const tampered = { ...result, advantages: [-1, 1] };
    expect(pfpoGroupStatistics([tampered]).infeasiblePositiveAdvantageShare).toBe(1);
  });
});
