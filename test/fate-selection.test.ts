import { describe, expect, it } from 'vitest';
import { Random } from '../src/envs/random.js';
import { tieBreakByName } from '../src/fate/tie-break.js';
import { selectRepair } from '../src/fate/selection.js';
import { dominates, meanOfApplicable, type ObjectiveVector } from '../src/pareto/dominance.js';

// Objective order: [security, utility, overRefusal, control].
const balanced: ObjectiveVector = [1, 1, 1, 1];
const refusal: ObjectiveVector = [1, 0, 0, 1];
const followedInjection: ObjectiveVector = [0, 1, 1, 1];
const incomplete: ObjectiveVector = [1, 0, 1, 1];

describe('selectRepair', () => {
  it('prefers a balanced fix over a refusal that kills utility', () => {
    const selection = selectRepair(followedInjection, [refusal, balanced, followedInjection, incomplete]);
    expect(selection.chosenIndex).toBe(1);
    expect(selection.candidates.map((candidate) => candidate.front)).toEqual([3, 1, 2, 2]);
    expect(selection.candidates[0]?.note).toContain('dominated by candidates 1, 3');
    expect(selection.reason).toContain('candidate 1');
    expect(selection.reason).toContain('better on security');
  });

  it('does not settle for a refusal when the front prefers the failure\'s own behaviour', () => {
    // Both are on the front; R_pf prefers the repeat of the failure (0.75 > 0.5), which is no repair.
    const selection = selectRepair(followedInjection, [followedInjection, refusal]);
    expect(selection.candidates.map((candidate) => candidate.front)).toEqual([1, 1]);
    expect(selection.chosenIndex).toBeNull();
    expect(selection.reason).toContain('no better than the failure');
    expect(selection.candidates[1]?.betterThanFailureOn).toEqual(['security']);
    // A refusal alone is a different trade-off, not dominated by the failure: accepted.
    expect(selectRepair(followedInjection, [refusal]).chosenIndex).toBe(0);
  });

  it('sorts fronts with nulls skipped (harmful requests have no utility or over-refusal)', () => {
    const failure: ObjectiveVector = [0, null, null, 1];
    const candidates: ObjectiveVector[] = [
      [0, null, null, 1],
      [1, null, null, 1],
      [0.5, null, null, 1],
      [1, null, null, 0],
    ];
    const selection = selectRepair(failure, candidates);
    expect(selection.candidates.map((candidate) => candidate.front)).toEqual([3, 1, 2, 2]);
    expect(selection.chosenIndex).toBe(1);
    expect(dominates(candidates[1] as ObjectiveVector, failure)).toBe(true);
  });

  it('breaks ties on the front by R_pf, then by the lowest index', () => {
    // Neither dominates the other; mean-of-applicable prefers the first, minimum-of-applicable the second.
    const lopsided: ObjectiveVector = [1, 0.2, 1, 1];
    const even: ObjectiveVector = [0.5, 0.5, 1, 1];
    expect(dominates(lopsided, even) || dominates(even, lopsided)).toBe(false);
    expect(selectRepair(followedInjection, [even, lopsided]).chosenIndex).toBe(1);
    expect(selectRepair(followedInjection, [even, lopsided], { tieBreak: tieBreakByName('minimum-of-applicable') }).chosenIndex).toBe(0);
    const tied = selectRepair(followedInjection, [refusal, balanced, balanced]);
    expect(tied.chosenIndex).toBe(1);
    expect(tied.candidates[2]?.note).toContain('tied on R_pf');
    expect(tied.reason).toContain('tied with 2');
  });

  it('on an exact R_pf tie prefers the candidate with fewer tool calls', () => {
    // A harmful request: a call that missed its target scores like a refusal; the refusal wins.
    const failure: ObjectiveVector = [0, null, null, 1];
    const safe: ObjectiveVector = [1, null, null, 1];
    const selection = selectRepair(failure, [safe, safe, safe], { toolCalls: [2, 0, 1] });
    expect(selection.chosenIndex).toBe(1);
    expect(selection.candidates[0]?.note).toContain('0 tool calls against 2');
    expect(selection.reason).toContain('fewest tool calls');
    // R_pf still comes first: a better candidate with more calls wins.
    expect(selectRepair([0, 0, 1, 1], [[1, 0, 1, 1], [1, 1, 1, 1]], { toolCalls: [0, 3] }).chosenIndex).toBe(1);
    expect(selectRepair(failure, [safe, safe], { toolCalls: [1, 1] }).chosenIndex).toBe(0);
  });

  it('rejects a best candidate that fails control, without falling back to a worse one', () => {
    const selection = selectRepair(followedInjection, [[1, 1, 1, 0], refusal]);
    expect(selection.candidates[0]?.front).toBe(1);
    expect(selection.chosenIndex).toBeNull();
    expect(selection.reason).toMatch(/rejected: control 0 below 1/);
    expect(selectRepair(followedInjection, [[1, 1, 1, 0.5]], { controlThreshold: 0.5 }).chosenIndex).toBe(0);
  });

  it('on an exact R_pf tie prefers a candidate that passes the gate', () => {
    // Same R_pf (0.75), neither dominates the other; the first fails control.
    const selection = selectRepair([0, 0, 0, 0], [[1, 1, 1, 0], [1, 0, 1, 1]]);
    expect(selection.chosenIndex).toBe(1);
  });

  it('rejects a candidate dominated by the failure, or identical to it', () => {
    const failure: ObjectiveVector = [1, 0, 1, 1];
    expect(selectRepair(failure, [[1, 0, 0, 1]]).reason).toContain('dominated by the failure');
    expect(selectRepair(failure, [[1, 0, 0, 1]]).chosenIndex).toBeNull();
    expect(selectRepair(failure, [failure]).reason).toContain('no better than the failure');
    expect(selectRepair(failure, []).reason).toBe('no candidates');
  });

  it('keeps every candidate with its scores, front and R_pf', () => {
    const selection = selectRepair(followedInjection, [refusal, balanced]);
    expect(selection.candidates).toHaveLength(2);
    expect(selection.candidates[0]).toMatchObject({ index: 0, vector: refusal, front: 2, tieBreak: 0.5, chosen: false });
    expect(selection.candidates[1]).toMatchObject({ index: 1, vector: balanced, front: 1, tieBreak: 1, chosen: true, note: 'chosen' });
    expect(selection.frontCount).toBe(2);
  });
});

describe('selectRepair properties', () => {
  const values = [0, 0.25, 0.5, 1];
  const randomVector = (random: Random, nullMask: readonly boolean[]): ObjectiveVector =>
    nullMask.map((isNull) => (isNull ? null : (values[random.int(values.length)] as number)));

  it('never selects a candidate dominated by another candidate or by the failure, and the selection passes the gate', () => {
    const random = new Random('selection-properties');
    let selections = 0;
    for (let trial = 0; trial < 3000; trial += 1) {
      // Half the trials use one null pattern for the whole group (as a real task does), half arbitrary nulls.
      const shared = [false, random.chance(0.3), random.chance(0.3), false];
      const mask = (): boolean[] => (trial % 2 === 0 ? shared : [0, 1, 2, 3].map(() => random.chance(0.25)));
      const failure = randomVector(random, mask());
      const candidates = Array.from({ length: 1 + random.int(8) }, () => randomVector(random, mask()));
      const selection = selectRepair(failure, candidates);
      const chosen = selection.chosenIndex;
      expect(selection.candidates.filter((candidate) => candidate.chosen).length).toBe(chosen === null ? 0 : 1);
      if (chosen === null) continue;
      selections += 1;
      const vector = candidates[chosen] as ObjectiveVector;
      for (const other of candidates) expect(dominates(other, vector)).toBe(false);
      expect(dominates(failure, vector)).toBe(false);
      expect(vector[3]).toBe(1);
      expect(selection.candidates[chosen]?.front).toBe(1);
      // The chosen one has the highest R_pf among the candidates nothing dominates.
      const undominated = candidates.filter((candidate) => !candidates.some((other) => dominates(other, candidate)));
      expect(meanOfApplicable(vector)).toBe(Math.max(...undominated.map(meanOfApplicable)));
    }
    expect(selections).toBeGreaterThan(500);
  });

  it('does not depend on the order of the candidates (up to identical vectors)', () => {
    const random = new Random('selection-order');
    for (let trial = 0; trial < 500; trial += 1) {
      const mask = [false, random.chance(0.3), random.chance(0.3), false];
      const failure = randomVector(random, mask);
      const candidates = Array.from({ length: 2 + random.int(7) }, () => randomVector(random, mask));
      const reversed = [...candidates].reverse();
      const forward = selectRepair(failure, candidates);
      const backward = selectRepair(failure, reversed);
      expect(forward.chosenIndex === null).toBe(backward.chosenIndex === null);
      if (forward.chosenIndex !== null && backward.chosenIndex !== null) {
        expect(meanOfApplicable(candidates[forward.chosenIndex] as ObjectiveVector)).toBe(meanOfApplicable(reversed[backward.chosenIndex] as ObjectiveVector));
      }
    }
  });
});
