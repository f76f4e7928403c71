/**
 * PFPO advantage for one group of G trajectories (DESIGN §2 step 4): objective vectors in,
 * advantages and per-group diagnostics out. Pure numbers; no tasks, no tensors.
 *
 * Kept from the published method (FATE, arXiv 2605.11882): group-relative advantages computed from
 * the group's objective vectors alone; a hard safety set enforced by constrained domination
 * (feasible rows before infeasible ones, infeasible rows ordered by violation); Pareto levels as
 * the primary signal with a bounded in-level tie-break (η < 1, so it never reorders levels);
 * standardisation over the group with sample std + 1e-4; no positive advantage for an unsafe row.
 *
 * Decided by us, where the paper leaves it open (DESIGN §2 step 4 records each decision):
 * - Unscorable rows (hard objective null, or every objective null) get A = 0 and take no part in
 *   any statistic; fewer than two scorable rows give A = 0 for the whole group.
 * - Objectives null on every scorable row are dropped; a soft objective null on some rows takes
 *   the mean of its observed values, and the levels are sorted on these imputed vectors (the
 *   fixture ex3 only reproduces that way).
 * - violation = Σ over hard objectives of max(0, threshold − r); infeasible rows form one block
 *   per distinct violation (violations equal to 1e-9 share a block), blocks in increasing
 *   violation, each block sorted into its own Pareto fronts.
 * - The in-level magnitude u = Σ w_k (r_k − μ_k) / max(σ_k, σ_min), with μ, σ the mean and sample
 *   std of the observed values over scorable rows and w renormalised over the kept objectives;
 *   q = u / (2·max|u|) with max|u| taken over the WHOLE group, not within a level (the fixtures
 *   ex1 and ex3 reproduce only with the group-wide maximum).
 * - Infeasible rows: A ← min(A, 0) − κ·violation, κ = 0 by default.
 */
import { paretoFronts, type ObjectiveVector } from '../pareto/dominance.js';
import { mean, sampleStandardDeviation } from './group-moments.js';
import { defaultPfpoConfig, type PfpoConfig } from './pfpo-config.js';

/** Per-group diagnostics of the PFPO advantage; every per-row array is in the group's order. */
export interface PfpoGroupDiagnostics {
  /** Names of the objectives the group kept (those observed on at least one scorable row). */
  keptObjectives: string[];
  /** True for rows whose hard objective is null or whose vector is all null (A = 0, no statistics). */
  unscorable: boolean[];
  /** Whether every hard objective reaches its threshold; null for unscorable rows. */
  feasible: (boolean | null)[];
  /** Σ over hard objectives of max(0, threshold − r) (0 when feasible); null for unscorable rows. */
  violations: (number | null)[];
  /** Constrained-domination level ℓ, 1 = best; null for unscorable rows. */
  levels: (number | null)[];
  /** In-level tie-break q ∈ [−½, ½]; null for unscorable rows. */
  inLevelMagnitudes: (number | null)[];
  /** Score s = −ℓ + η·q; null for unscorable rows. */
  scores: (number | null)[];
  /** Number of distinct levels among scorable rows (0 when none is scorable). */
  levelCount: number;
  /** Number of scorable rows. */
  scorableCount: number;
  /** True when there is at least one scorable row and none of them is feasible. */
  allInfeasible: boolean;
  /**
   * True when the group carries no ordering signal: fewer than two scorable rows, or every
   * scorable row has the same score s (then every advantage before the infeasible clamp is 0).
   */
  zeroVariance: boolean;
}

/** Advantages of one group (one per row, in the group's order) with their diagnostics. */
export interface PfpoGroupResult {
  advantages: number[];
  diagnostics: PfpoGroupDiagnostics;
}

/** Rounding scale of violations: infeasible rows whose violations agree to 9 decimals share a block. */
const violationDecimals = 1e9;

/**
 * Constraint violation of one vector: Σ over the hard objectives of max(0, threshold − r).
 * Zero exactly when the vector is feasible. A null hard objective counts as no violation (such a
 * row is unscorable anyway; the advantage never asks).
 */
export function constraintViolation(
  vector: ObjectiveVector,
  config: Pick<PfpoConfig, 'objectiveNames' | 'hardObjectives' | 'thresholds'> = defaultPfpoConfig,
): number {
  let violation = 0;
  for (const name of config.hardObjectives) {
    const value = vector[config.objectiveNames.indexOf(name)];
    if (value === null || value === undefined) continue;
    violation += Math.max(0, (config.thresholds[name] ?? 1) - value);
  }
  return violation;
}

/**
 * Computes the PFPO advantages of one group of objective vectors (DESIGN §2 step 4).
 *
 * @param vectors one objective vector per trajectory, entries ordered as `config.objectiveNames`,
 *   each a number (higher is better) or null (not applicable).
 * @param config resolved options (`resolvePfpoConfig`); defaults to DESIGN's defaults.
 * @returns one advantage per row, and the group's diagnostics.
 * @throws RangeError when a vector's length differs from the number of objectives or an entry is
 *   not a finite number or null.
 */
export function pfpoAdvantages(vectors: readonly ObjectiveVector[], config: PfpoConfig = defaultPfpoConfig): PfpoGroupResult {
  const objectiveCount = config.objectiveNames.length;
  for (const [row, vector] of vectors.entries()) {
    if (vector.length !== objectiveCount) {
      throw new RangeError(`row ${row}: ${vector.length} objectives, expected ${objectiveCount} (${config.objectiveNames.join(', ')})`);
    }
    for (const value of vector) {
      if (value !== null && !Number.isFinite(value)) throw new RangeError(`row ${row}: objective value ${value} is not finite`);
    }
  }
  const rowCount = vectors.length;
  const hardIndexes = config.hardObjectives.map((name) => config.objectiveNames.indexOf(name));
  const unscorable = vectors.map(
    (vector) => vector.every((value) => value === null) || hardIndexes.some((index) => vector[index] === null),
  );
  const scorableRows = unscorable.flatMap((isUnscorable, row) => (isUnscorable ? [] : [row]));

  const keptIndexes = config.objectiveNames.flatMap((_name, objective) =>
    scorableRows.some((row) => valueAt(vectors, row, objective) !== null) ? [objective] : [],
  );
  const means = new Map<number, number>();
  const deviations = new Map<number, number>();
  for (const objective of keptIndexes) {
    const observed = scorableRows.flatMap((row) => {
      const value = valueAt(vectors, row, objective);
      return value === null ? [] : [value];
    });
    means.set(objective, mean(observed));
    deviations.set(objective, sampleStandardDeviation(observed));
  }
  // Scorable rows restricted to the kept objectives, soft nulls imputed with the observed mean.
  const imputed = new Map<number, number[]>();
  for (const row of scorableRows) {
    imputed.set(
      row,
      keptIndexes.map((objective) => valueAt(vectors, row, objective) ?? (means.get(objective) as number)),
    );
  }

  const violations = new Map<number, number>();
  for (const row of scorableRows) violations.set(row, constraintViolation(vectors[row] as ObjectiveVector, config));
  const levels = constrainedLevels(scorableRows, imputed, violations);

  const totalWeight = keptIndexes.reduce((total, objective) => total + weightOf(config, objective), 0);
  const magnitudes = new Map<number, number>();
  for (const row of scorableRows) {
    const values = imputed.get(row) as number[];
    let magnitude = 0;
    keptIndexes.forEach((objective, position) => {
      const weight = totalWeight > 0 ? weightOf(config, objective) / totalWeight : 0;
      const spread = Math.max(deviations.get(objective) as number, config.minimumStandardDeviation);
      magnitude += (weight * ((values[position] as number) - (means.get(objective) as number))) / spread;
    });
    magnitudes.set(row, magnitude);
  }
  const largestMagnitude = Math.max(0, ...[...magnitudes.values()].map(Math.abs));
  const inLevelMagnitudes = new Map<number, number>();
  for (const row of scorableRows) {
    inLevelMagnitudes.set(row, largestMagnitude > 0 ? (magnitudes.get(row) as number) / (2 * largestMagnitude) : 0);
  }
  const scores = new Map<number, number>();
  for (const row of scorableRows) {
    scores.set(row, -(levels.get(row) as number) + config.inLevelScale * (inLevelMagnitudes.get(row) as number));
  }

  const scoreValues = scorableRows.map((row) => scores.get(row) as number);
  const zeroVariance = scorableRows.length < 2 || scoreValues.every((score) => score === scoreValues[0]);
  const advantages = new Array<number>(rowCount).fill(0);
  if (scorableRows.length >= 2) {
    const scoreMean = mean(scoreValues);
    const denominator = sampleStandardDeviation(scoreValues) + config.advantageEpsilon;
    for (const row of scorableRows) {
      let advantage = zeroVariance ? 0 : ((scores.get(row) as number) - scoreMean) / denominator;
      const violation = violations.get(row) as number;
      if (violation > 0) advantage = Math.min(advantage, 0) - config.violationPenalty * violation;
      advantages[row] = withoutNegativeZero(advantage);
    }
  }

  const perRow = <Value>(values: Map<number, Value>): (Value | null)[] =>
    vectors.map((_vector, row) => (values.has(row) ? (values.get(row) as Value) : null));
  const scorableFeasible = scorableRows.map((row) => violations.get(row) === 0);
  return {
    advantages,
    diagnostics: {
      keptObjectives: keptIndexes.map((objective) => config.objectiveNames[objective] as string),
      unscorable,
      feasible: vectors.map((_vector, row) => (unscorable[row] ? null : violations.get(row) === 0)),
      violations: perRow(violations),
      levels: perRow(levels),
      inLevelMagnitudes: perRow(inLevelMagnitudes),
      scores: perRow(scores),
      levelCount: new Set(levels.values()).size,
      scorableCount: scorableRows.length,
      allInfeasible: scorableRows.length > 0 && scorableFeasible.every((isFeasible) => !isFeasible),
      zeroVariance,
    },
  };
}

/**
 * Levels by constrained domination: feasible rows (violation 0) sorted into Pareto fronts 1..L_f;
 * then infeasible rows in blocks of equal violation, blocks in increasing violation, each block
 * sorted into its own fronts numbered after the previous ones.
 */
function constrainedLevels(
  rows: readonly number[],
  imputed: ReadonlyMap<number, number[]>,
  violations: ReadonlyMap<number, number>,
): Map<number, number> {
  const feasibleRows = rows.filter((row) => violations.get(row) === 0);
  const infeasibleBlocks = new Map<number, number[]>();
  for (const row of rows) {
    if (violations.get(row) === 0) continue;
    const key = Math.round((violations.get(row) as number) * violationDecimals) / violationDecimals;
    const block = infeasibleBlocks.get(key);
    if (block) block.push(row);
    else infeasibleBlocks.set(key, [row]);
  }
  const blocks = [
    feasibleRows,
    ...[...infeasibleBlocks.keys()].sort((left, right) => left - right).map((key) => infeasibleBlocks.get(key) as number[]),
  ];
  const levels = new Map<number, number>();
  let offset = 0;
  for (const block of blocks) {
    if (block.length === 0) continue;
    const fronts = paretoFronts(block.map((row) => imputed.get(row) as number[]));
    block.forEach((row, position) => levels.set(row, offset + (fronts[position] as number)));
    offset += Math.max(...fronts);
  }
  return levels;
}

function valueAt(vectors: readonly ObjectiveVector[], row: number, objective: number): number | null {
  return vectors[row]?.[objective] ?? null;
}

function weightOf(config: PfpoConfig, objective: number): number {
  return config.weights[config.objectiveNames[objective] as string] ?? 0;
}

function withoutNegativeZero(value: number): number {
  return value === 0 ? 0 : value;
}
