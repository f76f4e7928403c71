import type { Task } from '../../suites/task.js';
import type { ToolCallSpec } from '../../trajectory/message.js';

/** What a scripted behaviour does in one episode: tool calls, one per turn, then a final answer. */
export interface ScriptedPlan {
  calls: ToolCallSpec[];
  answer: string;
  /** Raw argument strings to use instead of JSON for some call indexes (to emit malformed calls). */
  rawArguments?: Record<number, string>;
}

/**
 * What a scripted behaviour knows about the episode besides its task: whether it answers a
 * repair prompt, and as which candidate (the index `k` in the task id `<task id>~repair~<k>`).
 */
export interface ScriptedSituation {
  /** The candidate index k when the episode is a repair candidate, else null. */
  repairCandidateIndex: number | null;
}

/**
 * A reference behaviour: the plan it follows on a task. On a repair candidate it is given the
 * original task (the request as the user wrote it), and `situation` says which candidate it is.
 */
export type ScriptedBehaviour = (task: Task, situation?: ScriptedSituation) => ScriptedPlan;
