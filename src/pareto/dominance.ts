/** An objective vector: each entry in [0, 1], higher is better, or null when not applicable. */
export type ObjectiveVector = readonly (number | null)[];

/**
 * True when `a` Pareto-dominates `b`: on every objective both have (non-null), `a` is at least as
 * good, and on at least one it is strictly better. Objectives null in either vector are skipped;
 * vectors that share no objective do not dominate each other.
 */
export function dominates(a: ObjectiveVector, b: ObjectiveVector): boolean {
  let compared = false;
  let strictlyBetter = false;
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const left = a[index];
    const right = b[index];
    if (left === null || left === undefined || right === null || right === undefined) continue;
    compared = true;
    if (left < right) return false;
    if (left > right) strictlyBetter = true;
  }
  return compared && strictlyBetter;
}

/**
 * Sorts vectors into Pareto fronts (non-dominated sorting): returns, for each vector, its front
 * number starting at 1. Identical vectors always share a front; every vector gets a front even
 * when nulls make dominance cyclic.
 */
export function paretoFronts(vectors: readonly ObjectiveVector[]): number[] {
  const fronts = new Array<number>(vectors.length).fill(0);
  const dominatedBy = vectors.map(() => 0);
  const dominatesList: number[][] = vectors.map(() => []);
  for (let i = 0; i < vectors.length; i += 1) {
    for (let j = 0; j < vectors.length; j += 1) {
      if (i !== j && dominates(vectors[i] as ObjectiveVector, vectors[j] as ObjectiveVector)) {
        dominatesList[i]?.push(j);
        dominatedBy[j] = (dominatedBy[j] ?? 0) + 1;
      }
    }
  }
  let level = 1;
  let unplaced = vectors.map((_vector, index) => index);
  while (unplaced.length > 0) {
    let current = unplaced.filter((index) => dominatedBy[index] === 0);
    if (current.length === 0) {
      // Skipping null objectives makes dominance non-transitive, so cycles can remain: the
      // unplaced vectors least dominated by other unplaced ones form the next level.
      const fewest = Math.min(...unplaced.map((index) => dominatedBy[index] ?? 0));
      current = unplaced.filter((index) => dominatedBy[index] === fewest);
    }
    for (const index of current) fronts[index] = level;
    for (const index of current) {
      for (const dominated of dominatesList[index] ?? []) dominatedBy[dominated] = (dominatedBy[dominated] ?? 0) - 1;
    }
    unplaced = unplaced.filter((index) => fronts[index] === 0);
    level += 1;
  }
  return fronts;
}

/** Indexes of the non-dominated vectors (front 1). */
export function paretoFront(vectors: readonly ObjectiveVector[]): number[] {
  return paretoFronts(vectors).flatMap((front, index) => (front === 1 ? [index] : []));
}

/** Mean of the non-null entries (0 when all are null): the default tie-break scalar R_pf. */
export function meanOfApplicable(vector: ObjectiveVector): number {
  const values = vector.filter((value): value is number => value !== null);
  return values.length === 0 ? 0 : values.reduce((total, value) => total + value, 0) / values.length;
}
