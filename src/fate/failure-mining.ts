import type { FailureType } from '../suites/diagnosis-labels.js';
import { objectiveNames } from '../verifiers/score.js';
import type { FailedObjective, Failure, ScoredTrajectory } from './failure.js';
import { classifyFailure, failureTypePriority } from './failure-classification.js';
import { belowThreshold, defaultObjectiveThresholds, type ObjectiveThresholds } from './objective-thresholds.js';

/**
 * Failure collection (DESIGN §2, step 1): every scored trajectory with an applicable objective
 * below its threshold, in input order, with its failure types and the objectives it lost.
 */
export function mineFailures(scored: readonly ScoredTrajectory[], thresholds: ObjectiveThresholds = defaultObjectiveThresholds): Failure[] {
  const failures: Failure[] = [];
  for (const item of scored) {
    const types = classifyFailure(item.task, item.verdict, thresholds);
    const primaryType = types[0];
    if (primaryType === undefined) continue;
    const failedObjectives: FailedObjective[] = objectiveNames.flatMap((objective) => {
      const score = item.verdict.scores[objective];
      if (score.value === null || !belowThreshold(score.value, thresholds[objective])) return [];
      return [{ objective, value: score.value, threshold: thresholds[objective], step: score.evidence.step, reason: score.evidence.reason }];
    });
    failures.push({ ...item, types, primaryType, failedObjectives });
  }
  return failures;
}

/** Counts failures by primary type (every type present, in priority order, zeros included). */
export function countFailuresByPrimaryType(failures: readonly Failure[]): Record<FailureType, number> {
  const counts = Object.fromEntries(failureTypePriority.map((type) => [type, 0])) as Record<FailureType, number>;
  for (const failure of failures) counts[failure.primaryType] += 1;
  return counts;
}

/** Counts failures by every type that holds (a failure counts once under each of its types). */
export function countFailuresByAnyType(failures: readonly Failure[]): Record<FailureType, number> {
  const counts = Object.fromEntries(failureTypePriority.map((type) => [type, 0])) as Record<FailureType, number>;
  for (const failure of failures) for (const type of failure.types) counts[type] += 1;
  return counts;
}
