import type { Task } from '../../suites/task.js';
import type { ToolCallSpec } from '../../trajectory/message.js';

/** What a scripted behaviour does in one episode: tool calls, one per turn, then a final answer. */
export interface ScriptedPlan {
  calls: ToolCallSpec[];
  answer: string;
  /** Raw argument strings to use instead of JSON for some call indexes (to emit malformed calls). */
  rawArguments?: Record<number, string>;
}

/** A reference behaviour: the plan it follows on a task. */
export type ScriptedBehaviour = (task: Task) => ScriptedPlan;
