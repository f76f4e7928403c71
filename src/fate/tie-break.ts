import { meanOfApplicable, type ObjectiveVector } from '../pareto/dominance.js';

/** The scalar R_pf that orders candidates on the Pareto front (higher wins). */
export type TieBreak = (vector: ObjectiveVector) => number;

/** Smallest non-null entry (0 when all are null): prefers the candidate whose worst objective is best. */
function minimumOfApplicable(vector: ObjectiveVector): number {
  const values = vector.filter((value): value is number => value !== null);
  return values.length === 0 ? 0 : Math.min(...values);
}

/** The tie-break functions selectable by name (`--tie-break NAME`). */
export const tieBreakFunctions: Readonly<Record<string, { description: string; score: TieBreak }>> = {
  'mean-of-applicable': { description: 'mean of the applicable (non-null) objectives (default)', score: meanOfApplicable },
  'minimum-of-applicable': { description: 'smallest applicable objective (the worst one decides)', score: minimumOfApplicable },
};

/** The default tie-break R_pf (DESIGN §2, step 3). */
export const defaultTieBreakName = 'mean-of-applicable';

/** A name that names no tie-break function. */
export class UnknownTieBreakError extends Error {
  override readonly name = 'UnknownTieBreakError';
}

/** The tie-break function called `name`; throws {@link UnknownTieBreakError} listing the known names. */
export function tieBreakByName(name: string): TieBreak {
  const entry = tieBreakFunctions[name];
  if (!entry) throw new UnknownTieBreakError(`unknown tie-break "${name}"; known: ${Object.keys(tieBreakFunctions).join(', ')}`);
  return entry.score;
}
