import type { Policy, SamplingOverrides } from '../agent/policy.js';
import { runEpisodes } from '../agent/loop.js';
import type { ObjectiveVector } from '../pareto/dominance.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { objectiveVector, type Verdict } from '../verifiers/score.js';
import { verify, type VerifyOptions } from '../verifiers/verify.js';
import { repairCandidateTask } from './candidate-task.js';
import { classifyCandidateOutcome, type CandidateOutcome } from './candidate-outcome.js';
import type { Failure } from './failure.js';
import { defaultObjectiveThresholds, type ObjectiveThresholds } from './objective-thresholds.js';
import { buildRepairPrompt } from './repair-prompt.js';
import type { RepairPromptStyle } from './repair-template.js';
import { selectRepair, type CandidateAssessment, type RepairSelection } from './selection.js';
import type { TieBreak } from './tie-break.js';

/** Default number of repair candidates per failure (K). */
export const defaultCandidatesPerFailure = 8;

/** Options of {@link repairFailures}. */
export interface RepairOptions {
  /** K, candidates sampled per failure (default 8). */
  candidatesPerFailure?: number;
  thresholds?: ObjectiveThresholds;
  /** R_pf (default: mean of applicable objectives). */
  tieBreak?: TieBreak;
  /** Rendering of the repair prompt (default `plain`). */
  promptStyle?: RepairPromptStyle;
  /** Episodes advanced together per policy call (default 64). */
  batchSize?: number;
  /** Sampling of the candidates (default: the policy's own decoding). */
  sampling?: SamplingOverrides;
  /** Options of the verifiers (e.g. the control scope); use the ones the failures were scored with. */
  verifyOptions?: VerifyOptions;
  /** Called after each finished candidate episode with the number done so far and the total. */
  onCandidateDone?: (done: number, total: number) => void;
  /** Called with each group of finished attempts, in order (to persist them as they come). */
  onAttempts?: (attempts: readonly RepairAttempt[]) => void;
}

/** One scored repair candidate a'_k. */
export interface RepairCandidate {
  /** Candidate index k. */
  index: number;
  /** The task it ran: the original with the repair prompt and id `<task id>~repair~<k>`. */
  task: Task;
  trajectory: Trajectory;
  /** The verdict against the original task. */
  verdict: Verdict;
  vector: ObjectiveVector;
  outcome: CandidateOutcome;
  assessment: CandidateAssessment;
}

/** The repair of one failure: its prompt, every candidate with its scores, and the selection. */
export interface RepairAttempt {
  failure: Failure;
  repairPrompt: string;
  candidates: RepairCandidate[];
  selection: RepairSelection;
  /** The accepted repair a*, or null (unrepaired). */
  repair: RepairCandidate | null;
}

/**
 * Repair proposal, re-scoring and selection (DESIGN §2, steps 2–3) for a list of failures: for
 * each, the repair prompt p_f; K candidates from `policy`, each a complete episode of the task
 * with p_f as its user prompt, run from a fresh copy of the task's initial state; every candidate
 * scored by the four verifiers against the ORIGINAL task; then Pareto selection with the gate.
 * Failures are processed in groups (about 256 candidate episodes at a time) so memory stays flat.
 */
export async function repairFailures(failures: readonly Failure[], policy: Policy, options: RepairOptions = {}): Promise<RepairAttempt[]> {
  const candidatesPerFailure = options.candidatesPerFailure ?? defaultCandidatesPerFailure;
  if (!Number.isInteger(candidatesPerFailure) || candidatesPerFailure < 1) throw new Error(`candidatesPerFailure must be a positive integer, got ${candidatesPerFailure}`);
  const thresholds = options.thresholds ?? defaultObjectiveThresholds;
  const style = options.promptStyle ?? 'plain';
  const total = failures.length * candidatesPerFailure;
  const failuresPerGroup = Math.max(1, Math.ceil(256 / candidatesPerFailure));
  const attempts: RepairAttempt[] = [];
  let done = 0;
  for (let start = 0; start < failures.length; start += failuresPerGroup) {
    const group = failures.slice(start, start + failuresPerGroup);
    const prompts = group.map((failure) => buildRepairPrompt(failure, style));
    const tasks = group.flatMap((failure, position) =>
      Array.from({ length: candidatesPerFailure }, (_unused, index) => repairCandidateTask(failure.task, prompts[position] as string, index)),
    );
    const episodes = await runEpisodes(tasks, policy, {
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.sampling !== undefined ? { sampling: options.sampling } : {}),
      onEpisodeDone: () => {
        done += 1;
        options.onCandidateDone?.(done, total);
      },
    });
    const groupAttempts = group.map((failure, position): RepairAttempt => {
      const scored = episodes.slice(position * candidatesPerFailure, (position + 1) * candidatesPerFailure).map((episode, index) => {
        const verdict = verify(failure.task, episode.trajectory, episode.before, episode.after, options.verifyOptions);
        return { index, task: episode.task, trajectory: episode.trajectory, verdict, vector: objectiveVector(verdict), outcome: classifyCandidateOutcome(failure.task, verdict, thresholds) };
      });
      const selection = selectRepair(
        objectiveVector(failure.verdict),
        scored.map((candidate) => candidate.vector),
        {
          ...(options.tieBreak ? { tieBreak: options.tieBreak } : {}),
          controlThreshold: thresholds.control,
          toolCalls: scored.map((candidate) => candidate.trajectory.messages.reduce((calls, message) => calls + (message.role === 'assistant' ? (message.tool_calls?.length ?? 0) : 0), 0)),
        },
      );
      const candidates: RepairCandidate[] = scored.map((candidate) => ({ ...candidate, assessment: selection.candidates[candidate.index] as CandidateAssessment }));
      return {
        failure,
        repairPrompt: prompts[position] as string,
        candidates,
        selection,
        repair: selection.chosenIndex === null ? null : (candidates[selection.chosenIndex] ?? null),
      };
    });
    options.onAttempts?.(groupAttempts);
    attempts.push(...groupAttempts);
  }
  return attempts;
}
