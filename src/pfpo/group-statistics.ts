/**
 * Aggregate logging of PFPO over many groups (DESIGN §2 step 4, "Log"), e.g. per training step.
 */
import type { PfpoGroupDiagnostics, PfpoGroupResult } from './pfpo-advantage.js';

/** Aggregate PFPO statistics over many groups. Shares are in [0, 1]; 0 when the denominator is 0. */
export interface PfpoGroupStatistics {
  /** Number of groups. */
  groupCount: number;
  /** Number of rows over all groups. */
  rowCount: number;
  /** Share of groups without ordering signal ({@link PfpoGroupDiagnostics.zeroVariance}), over all groups. */
  zeroVarianceGroupShare: number;
  /** Share of groups whose scorable rows are all infeasible (at least one scorable row), over all groups. */
  allInfeasibleGroupShare: number;
  /** Share of rows that are unscorable, over all rows. */
  unscorableRowShare: number;
  /** Mean number of levels (fronts) per group, over groups with at least one scorable row. */
  meanFrontCount: number;
  /** Share of groups whose scorable rows all share one level, over groups with at least one scorable row. */
  singleFrontGroupShare: number;
  /** Number of scorable infeasible rows over all groups. */
  infeasibleRowCount: number;
  /** Share of scorable infeasible rows with A > 0, over those rows. Must be 0. */
  infeasiblePositiveAdvantageShare: number;
}

/** Aggregates the diagnostics of many `pfpoAdvantages` results into logging statistics. */
export function pfpoGroupStatistics(results: readonly PfpoGroupResult[]): PfpoGroupStatistics {
  let rowCount = 0;
  let unscorableRows = 0;
  let zeroVarianceGroups = 0;
  let allInfeasibleGroups = 0;
  let scoredGroups = 0;
  let frontTotal = 0;
  let singleFrontGroups = 0;
  let infeasibleRowCount = 0;
  let infeasiblePositiveRows = 0;
  for (const { advantages, diagnostics } of results) {
    rowCount += diagnostics.unscorable.length;
    unscorableRows += diagnostics.unscorable.filter(Boolean).length;
    if (diagnostics.zeroVariance) zeroVarianceGroups += 1;
    if (diagnostics.allInfeasible) allInfeasibleGroups += 1;
    if (diagnostics.scorableCount > 0) {
      scoredGroups += 1;
      frontTotal += diagnostics.levelCount;
      if (diagnostics.levelCount === 1) singleFrontGroups += 1;
    }
    diagnostics.feasible.forEach((feasible, row) => {
      if (feasible !== false) return;
      infeasibleRowCount += 1;
      if ((advantages[row] ?? 0) > 0) infeasiblePositiveRows += 1;
    });
  }
  const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
  return {
    groupCount: results.length,
    rowCount,
    zeroVarianceGroupShare: share(zeroVarianceGroups, results.length),
    allInfeasibleGroupShare: share(allInfeasibleGroups, results.length),
    unscorableRowShare: share(unscorableRows, rowCount),
    meanFrontCount: share(frontTotal, scoredGroups),
    singleFrontGroupShare: share(singleFrontGroups, scoredGroups),
    infeasibleRowCount,
    infeasiblePositiveAdvantageShare: share(infeasiblePositiveRows, infeasibleRowCount),
  };
}
