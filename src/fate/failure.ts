import type { FailureType } from '../suites/diagnosis-labels.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { ObjectiveName, Verdict } from '../verifiers/score.js';

/** A scored trajectory of a run: the input of failure mining. */
export interface ScoredTrajectory {
  task: Task;
  trajectory: Trajectory;
  verdict: Verdict;
  /** Which rollout of the task this is (0 when each task was rolled out once). */
  sample: number;
}

/** One objective a failure lost: its value, the threshold it missed, and the verifier's evidence. */
export interface FailedObjective {
  objective: ObjectiveName;
  value: number;
  threshold: number;
  /** Index (from 0) of the first offending step, or null. */
  step: number | null;
  reason: string;
}

/**
 * A failure: a scored trajectory with at least one applicable objective below its threshold,
 * with every failure type that holds (in priority order) and the primary one.
 */
export interface Failure extends ScoredTrajectory {
  /** Every failure type that holds, in {@link failureTypePriority} order; never empty. */
  types: FailureType[];
  /** The first of `types`: the failure type this failure is counted under. */
  primaryType: FailureType;
  failedObjectives: FailedObjective[];
}
