/**
 * Scalar baselines for the PFPO ablations, parity references of TRL's GRPO trainer with several
 * reward functions (each group is its own batch; sample std + epsilon in every denominator).
 * Unlike PFPO they have no notion of an unscorable row: every row takes part.
 */
import type { ObjectiveVector } from '../pareto/dominance.js';
import { standardize } from './group-moments.js';

/** The scalar advantage schemes: `scalar-grpo` (sum, then normalise) and `gdpo` (normalise, sum, renormalise). */
export type ScalarAdvantageScheme = 'scalar-grpo' | 'gdpo';

/** Options of the scalar baselines. */
export interface ScalarAdvantageOptions {
  /** Added to the group sample standard deviation in each normalisation (TRL: 1e-4). */
  epsilon?: number;
}

const defaultEpsilon = 1e-4;

/**
 * `scalar-grpo`: each row's reward is the sum of its objectives with null counted as 0; the
 * advantage is (reward − group mean) / (group sample std + epsilon). TRL's sum-then-normalise
 * (`multi_objective_aggregation="sum_then_normalize"`).
 */
export function scalarGrpoAdvantages(vectors: readonly ObjectiveVector[], options: ScalarAdvantageOptions = {}): number[] {
  const rewards = vectors.map((vector) => vector.reduce<number>((total, value) => total + (value ?? 0), 0));
  return standardize(rewards, options.epsilon ?? defaultEpsilon);
}

/**
 * `gdpo`: each objective is standardised over the rows where it is observed, (r − mean) /
 * (sample std + epsilon), a null entry contributing 0 (an objective observed once standardises to
 * 0); the per-row sums are standardised again over the group. TRL's normalise-then-sum with the
 * batch equal to this one group.
 */
export function gdpoAdvantages(vectors: readonly ObjectiveVector[], options: ScalarAdvantageOptions = {}): number[] {
  const epsilon = options.epsilon ?? defaultEpsilon;
  const objectiveCount = Math.max(0, ...vectors.map((vector) => vector.length));
  const sums = vectors.map(() => 0);
  for (let objective = 0; objective < objectiveCount; objective += 1) {
    const observedRows = vectors.flatMap((vector, row) => (vector[objective] ?? null) === null ? [] : [row]);
    const normalized = standardize(
      observedRows.map((row) => vectors[row]?.[objective] as number),
      epsilon,
    );
    observedRows.forEach((row, position) => {
      sums[row] = (sums[row] as number) + (normalized[position] as number);
    });
  }
  return standardize(sums, epsilon);
}

/** Dispatches to {@link scalarGrpoAdvantages} or {@link gdpoAdvantages}. */
export function scalarAdvantages(
  scheme: ScalarAdvantageScheme,
  vectors: readonly ObjectiveVector[],
  options: ScalarAdvantageOptions = {},
): number[] {
  return scheme === 'scalar-grpo' ? scalarGrpoAdvantages(vectors, options) : gdpoAdvantages(vectors, options);
}
