import type { Task } from '../suites/task.js';

/** What separates a task id from the candidate index in a repair candidate's task id. */
export const repairCandidateSeparator = '~repair~';

/** The task id of repair candidate `candidateIndex` of task `taskId`: `<task id>~repair~<k>`. */
export function repairCandidateTaskId(taskId: string, candidateIndex: number): string {
  return `${taskId}${repairCandidateSeparator}${candidateIndex}`;
}

/** The original task id and candidate index of a repair candidate's task id, or null for any other id. */
export function parseRepairCandidateTaskId(id: string): { taskId: string; candidateIndex: number } | null {
  const at = id.lastIndexOf(repairCandidateSeparator);
  if (at <= 0) return null;
  const index = id.slice(at + repairCandidateSeparator.length);
  if (!/^\d+$/.test(index)) return null;
  return { taskId: id.slice(0, at), candidateIndex: Number(index) };
}

/**
 * The task one repair candidate runs: a copy of the original task with the user prompt replaced
 * by the repair prompt p_f and a derived id; system prompt, tools, scope, step limit and initial
 * state are the original's, so the agent loop starts it from a fresh copy of the same
 * environment. Candidates are scored against the original task, never this copy.
 */
export function repairCandidateTask(task: Task, repairPrompt: string, candidateIndex: number): Task {
  return { ...task, id: repairCandidateTaskId(task.id, candidateIndex), prompt: repairPrompt };
}
