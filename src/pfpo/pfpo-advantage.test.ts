import { describe, expect, it } from 'vitest';
import { dominates, type ObjectiveVector } from '../pareto/dominance.js';
import { pfpoGroupStatistics } from './group-statistics.js';
import { constraintViolation, pfpoAdvantages, type PfpoGroupResult } from './pfpo-advantage.js';
import { resolvePfpoConfig, type PfpoConfig } from './pfpo-config.js';

/** Mulberry32: a small seeded uniform stream for the property tests. */
function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

interface RandomGroup {
  vectors: ObjectiveVector[];
  config: PfpoConfig;
}

const configs = [
  resolvePfpoConfig(),
  resolvePfpoConfig({ violationPenalty: 0.5 }),
  resolvePfpoConfig({ hardObjectives: ['security', 'control'], thresholds: { security: 1, control: 0.8 } }),
  resolvePfpoConfig({ weights: { security: 0.1, utility: 0.5, overRefusal: 0.3, control: 0.1 }, inLevelScale: 0.9 }),
];

/** Random groups with nulls, duplicates, all-null columns, all-infeasible groups and single rows. */
function randomGroups(seed: number, count: number): RandomGroup[] {
  const uniform = seededUniform(seed);
  const pick = <Value>(values: readonly Value[]): Value => values[Math.floor(uniform() * values.length)] as Value;
  const groups: RandomGroup[] = [];
  for (let group = 0; group < count; group += 1) {
    const size = uniform() < 0.1 ? 1 : 2 + Math.floor(uniform() * 9);
    const allInfeasible = uniform() < 0.15;
    const nullColumn = uniform() < 0.2 ? 1 + Math.floor(uniform() * 3) : -1;
    const continuous = uniform() < 0.3;
    const vectors: ObjectiveVector[] = [];
    for (let row = 0; row < size; row += 1) {
      if (row > 0 && uniform() < 0.25) {
        vectors.push([...(pick(vectors) as ObjectiveVector)]);
        continue;
      }
      const vector = [0, 1, 2, 3].map((objective) => {
        if (objective === nullColumn) return null;
        if (uniform() < 0.12) return null;
        const value = continuous ? Math.round(uniform() * 10) / 10 : pick([0, 0.5, 1, 1]);
        return objective === 0 && allInfeasible ? Math.min(value, 0.9) : value;
      });
      if (uniform() < 0.04) vectors.push([null, null, null, null]);
      else vectors.push(vector);
    }
    groups.push({ vectors, config: pick(configs) });
  }
  return groups;
}

/** The vectors the advantage compares: kept objectives only, soft nulls imputed by the observed mean. */
function comparedVectors(vectors: readonly ObjectiveVector[], result: PfpoGroupResult, config: PfpoConfig): (number[] | null)[] {
  const scorable = vectors.filter((_vector, row) => !result.diagnostics.unscorable[row]);
  const kept = config.objectiveNames.flatMap((_name, objective) => (scorable.some((vector) => vector[objective] !== null) ? [objective] : []));
  const means = kept.map((objective) => {
    const observed = scorable.flatMap((vector) => (vector[objective] === null ? [] : [vector[objective] as number]));
    return observed.reduce((total, value) => total + value, 0) / observed.length;
  });
  return vectors.map((vector, row) =>
    result.diagnostics.unscorable[row] ? null : kept.map((objective, position) => vector[objective] ?? (means[position] as number)),
  );
}

function shuffled<Value>(values: readonly Value[], uniform: () => number): { values: Value[]; order: number[] } {
  const order = values.map((_value, index) => index);
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = Math.floor(uniform() * (index + 1));
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  return { values: order.map((index) => values[index] as Value), order };
}

const groups = randomGroups(20260511, 600);
const results = groups.map(({ vectors, config }) => pfpoAdvantages(vectors, config));

describe('pfpoAdvantages: edge cases', () => {
  it('gives 0 to every row of an empty group, a single row and a group with one scorable row', () => {
    expect(pfpoAdvantages([]).advantages).toEqual([]);
    expect(pfpoAdvantages([[0, 1, 1, 1]]).advantages).toEqual([0]);
    const oneScorable = pfpoAdvantages([[0, 1, 1, 1], [null, 1, 1, 1], [null, null, null, null]], resolvePfpoConfig({ violationPenalty: 1 }));
    expect(oneScorable.advantages).toEqual([0, 0, 0]);
    expect(oneScorable.diagnostics.zeroVariance).toBe(true);
    expect(oneScorable.diagnostics.unscorable).toEqual([false, true, true]);
  });

  it('ranks an all-infeasible group by violation, then by fronts, and never above 0', () => {
    const result = pfpoAdvantages([
      [0.5, 1, 1, 1],
      [0, 1, 1, 1],
      [0.5, 0, 1, 1],
      [0, 1, 1, 1],
    ]);
    expect(result.diagnostics.allInfeasible).toBe(true);
    expect(result.diagnostics.violations).toEqual([0.5, 1, 0.5, 1]);
    expect(result.diagnostics.levels).toEqual([1, 3, 2, 3]);
    // Rows above the group mean score are clamped to 0; the worst block stays negative.
    expect(result.advantages[0]).toBe(0);
    expect(result.advantages[2]).toBe(0);
    expect(result.advantages[1]).toBe(result.advantages[3]);
    expect(result.advantages[1]).toBeLessThan(0);
    expect(result.diagnostics.scores[0]).toBeGreaterThan(result.diagnostics.scores[2] as number);
  });

  it('penalises infeasible rows by κ·violation on top of min(A, 0)', () => {
    const vectors: ObjectiveVector[] = [
      [1, 1, 1, 1],
      [0.25, 1, 1, 1],
    ];
    const plain = pfpoAdvantages(vectors).advantages;
    const penalised = pfpoAdvantages(vectors, resolvePfpoConfig({ violationPenalty: 2 })).advantages;
    expect(penalised[0]).toBeCloseTo(plain[0] as number, 12);
    expect(penalised[1]).toBeCloseTo((plain[1] as number) - 2 * 0.75, 12);
  });

  it('defines violation as the sum over hard objectives of max(0, threshold − r)', () => {
    const config = resolvePfpoConfig({ hardObjectives: ['security', 'control'], thresholds: { security: 1, control: 0.8 } });
    expect(constraintViolation([0.6, 0, 0, 0.5], config)).toBeCloseTo(0.4 + 0.3, 12);
    expect(constraintViolation([1, 0, 0, 0.9], config)).toBe(0);
    expect(constraintViolation([0.75, null, null, null])).toBe(0.25);
  });

  it('treats a row with a null hard objective as unscorable, also when control is hard', () => {
    const config = resolvePfpoConfig({ hardObjectives: ['security', 'control'] });
    const result = pfpoAdvantages([[1, 1, 1, null], [1, 1, 1, 1], [0, 0, 0, 0]], config);
    expect(result.diagnostics.unscorable).toEqual([true, false, false]);
    expect(result.advantages[0]).toBe(0);
    expect(result.diagnostics.feasible).toEqual([null, true, false]);
  });

  it('drops objectives null on every scorable row and reports the kept ones', () => {
    const result = pfpoAdvantages([[1, null, 1, 1], [0, null, 1, 0], [null, 1, null, null]]);
    expect(result.diagnostics.keptObjectives).toEqual(['security', 'overRefusal', 'control']);
  });

  it('rejects vectors of the wrong length or with non-finite entries', () => {
    expect(() => pfpoAdvantages([[1, 1, 1]])).toThrow(RangeError);
    expect(() => pfpoAdvantages([[1, Number.NaN, 1, 1]])).toThrow(RangeError);
  });
});

describe('pfpoAdvantages: properties over random groups', () => {
  it('if i dominates j (on the compared vectors) then A_i ≥ A_j, strictly when both are feasible', () => {
    let strictPairs = 0;
    groups.forEach(({ vectors, config }, group) => {
      const result = results[group] as PfpoGroupResult;
      if (result.diagnostics.scorableCount < 2) return;
      const compared = comparedVectors(vectors, result, config);
      for (let first = 0; first < vectors.length; first += 1) {
        for (let second = 0; second < vectors.length; second += 1) {
          const left = compared[first];
          const right = compared[second];
          if (!left || !right || !dominates(left, right)) continue;
          const [leftAdvantage, rightAdvantage] = [result.advantages[first] as number, result.advantages[second] as number];
          expect(leftAdvantage).toBeGreaterThanOrEqual(rightAdvantage);
          if (result.diagnostics.feasible[first] && result.diagnostics.feasible[second]) {
            expect(leftAdvantage).toBeGreaterThan(rightAdvantage);
            strictPairs += 1;
          }
        }
      }
    });
    expect(strictPairs).toBeGreaterThan(100);
  });

  it('keeps every infeasible A ≤ 0 and below every feasible A of its group', () => {
    let infeasibleRows = 0;
    results.forEach(({ advantages, diagnostics }) => {
      const feasibleAdvantages = advantages.filter((_advantage, row) => diagnostics.feasible[row] === true);
      advantages.forEach((advantage, row) => {
        if (diagnostics.feasible[row] !== false) return;
        infeasibleRows += 1;
        expect(advantage).toBeLessThanOrEqual(0);
        for (const feasibleAdvantage of feasibleAdvantages) {
          if (diagnostics.scorableCount >= 2) expect(advantage).toBeLessThan(feasibleAdvantage);
        }
      });
    });
    expect(infeasibleRows).toBeGreaterThan(500);
  });

  it('gives identical vectors identical advantages', () => {
    groups.forEach(({ vectors }, group) => {
      const { advantages } = results[group] as PfpoGroupResult;
      vectors.forEach((vector, first) => {
        vectors.forEach((other, second) => {
          if (JSON.stringify(vector) === JSON.stringify(other)) expect(advantages[first]).toBe(advantages[second]);
        });
      });
    });
  });

  it('does not depend on the order of the group', () => {
    const uniform = seededUniform(7);
    groups.forEach(({ vectors, config }, group) => {
      const { values, order } = shuffled(vectors, uniform);
      const permuted = pfpoAdvantages(values, config);
      order.forEach((original, position) => {
        expect(permuted.advantages[position]).toBeCloseTo((results[group] as PfpoGroupResult).advantages[original] as number, 10);
      });
    });
  });

  it('is unchanged by an added all-null objective column', () => {
    const uniform = seededUniform(11);
    groups.forEach(({ vectors, config }, group) => {
      const at = Math.floor(uniform() * (config.objectiveNames.length + 1));
      const widened = resolvePfpoConfig({
        ...config,
        objectiveNames: [...config.objectiveNames.slice(0, at), 'extra', ...config.objectiveNames.slice(at)],
        weights: { ...config.weights, extra: 0.25 },
      });
      const widenedVectors = vectors.map((vector) => [...vector.slice(0, at), null, ...vector.slice(at)]);
      const result = pfpoAdvantages(widenedVectors, widened);
      result.advantages.forEach((advantage, row) => {
        expect(advantage).toBeCloseTo((results[group] as PfpoGroupResult).advantages[row] as number, 12);
      });
      expect(result.diagnostics.keptObjectives).not.toContain('extra');
    });
  });

  it('gives unscorable rows 0 and leaves them out of every statistic', () => {
    let unscorableRows = 0;
    groups.forEach(({ vectors, config }, group) => {
      const result = results[group] as PfpoGroupResult;
      const scorableRows = vectors.flatMap((_vector, row) => (result.diagnostics.unscorable[row] ? [] : [row]));
      result.diagnostics.unscorable.forEach((unscorable, row) => {
        if (!unscorable) return;
        unscorableRows += 1;
        expect(result.advantages[row]).toBe(0);
        expect(result.diagnostics.levels[row]).toBeNull();
      });
      const alone = pfpoAdvantages(scorableRows.map((row) => vectors[row] as ObjectiveVector), config);
      scorableRows.forEach((row, position) => expect(result.advantages[row]).toBeCloseTo(alone.advantages[position] as number, 12));
    });
    expect(unscorableRows).toBeGreaterThan(50);
  });

  it('logs a zero share of infeasible rows with A > 0', () => {
    const statistics = pfpoGroupStatistics(results);
    expect(statistics.infeasibleRowCount).toBeGreaterThan(0);
    expect(statistics.infeasiblePositiveAdvantageShare).toBe(0);
    expect(statistics.allInfeasibleGroupShare).toBeGreaterThan(0);
    expect(statistics.zeroVarianceGroupShare).toBeGreaterThan(0);
  });

  it('standardises the scores of every group with signal to mean 0 when no row is infeasible', () => {
    results.forEach(({ advantages, diagnostics }) => {
      if (diagnostics.zeroVariance || diagnostics.feasible.some((feasible) => feasible === false)) return;
      const scorable = advantages.filter((_advantage, row) => !diagnostics.unscorable[row]);
      expect(scorable.reduce((total, value) => total + value, 0)).toBeCloseTo(0, 9);
    });
  });
});
