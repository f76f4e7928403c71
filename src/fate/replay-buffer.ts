import { createHash } from 'node:crypto';
import type { FailureType } from '../suites/diagnosis-labels.js';
import type { TaskKind } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { Verdict } from '../verifiers/score.js';
import type { RepairAttempt } from './repair-round.js';

/**
 * One entry of the repair replay buffer: an accepted repair a* with the failure it repairs, the
 * repair prompt p_f it was sampled under and the original request x. The buffer persists across
 * rounds; an entry is identified by its task instance (id and seed) and the content of a*.
 */
export interface ReplayBufferEntry {
  taskId: string;
  taskSeed: number;
  family: string;
  kind: TaskKind;
  /** The round that added it. */
  round: number;
  /** The candidate index k of a*. */
  candidateIndex: number;
  /** {@link trajectoryContentKey} of a*. */
  contentKey: string;
  failureType: FailureType;
  /** p_f: the user message a* was sampled under. */
  repairPrompt: string;
  /** x: the task's own user message (what the agent sees at deployment). */
  originalPrompt: string;
  repair: Trajectory;
  failure: Trajectory;
  repairVerdict: Verdict;
  failureVerdict: Verdict;
}

/**
 * A key of what a trajectory did: a hash of its assistant turns (text, tool names and raw
 * arguments) and tool results, from its first assistant message on. The system and user prompt
 * and tool-call ids are left out, so the same repair sampled under another repair prompt or in
 * another round has the same key.
 */
export function trajectoryContentKey(trajectory: Trajectory): string {
  const first = trajectory.messages.findIndex((message) => message.role === 'assistant');
  const turns = (first < 0 ? [] : trajectory.messages.slice(first)).map((message) => {
    if (message.role === 'assistant') return ['assistant', message.content ?? '', (message.tool_calls ?? []).map((call) => [call.function.name, call.function.arguments])];
    if (message.role === 'tool') return ['tool', message.content];
    return [message.role, message.content];
  });
  return createHash('sha256').update(JSON.stringify(turns)).digest('hex');
}

/** The replay-buffer entries of a round's accepted repairs. */
export function replayBufferEntries(attempts: readonly RepairAttempt[], round: number): ReplayBufferEntry[] {
  return attempts.flatMap((attempt) => {
    const repair = attempt.repair;
    if (!repair) return [];
    const { failure } = attempt;
    return [
      {
        taskId: failure.task.id,
        taskSeed: failure.task.seed,
        family: failure.task.family,
        kind: failure.task.kind,
        round,
        candidateIndex: repair.index,
        contentKey: trajectoryContentKey(repair.trajectory),
        failureType: failure.primaryType,
        repairPrompt: attempt.repairPrompt,
        originalPrompt: failure.task.prompt,
        repair: repair.trajectory,
        failure: failure.trajectory,
        repairVerdict: repair.verdict,
        failureVerdict: failure.verdict,
      },
    ];
  });
}
