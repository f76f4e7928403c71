import { buildHarmInstance, harmBehaviour, parseHarmTaskId } from '../../suites/harm/generate.js';
import type { Task } from '../../suites/task.js';

/**
 * The repair-candidate id convention of `src/fate/candidate-task.ts` (`<task id>~repair~<k>`),
 * read here without importing the repair engine (scripted policies sit below it);
 * `test/repair-scripted-policy.test.ts` checks that both agree.
 */
const candidateIdPattern = /^(.*)~repair~(\d+)$/;

/** The original task id and candidate index of a repair candidate's task id, or null for an ordinary task. */
export function scriptedRepairCandidate(taskId: string): { taskId: string; candidateIndex: number } | null {
  const match = candidateIdPattern.exec(taskId);
  if (!match?.[1] || match[2] === undefined) return null;
  return { taskId: match[1], candidateIndex: Number(match[2]) };
}

const harmfulPromptCache = new Map<string, string>();

/**
 * The task a repair candidate was derived from: its id without the candidate suffix and, for a
 * harmful request, its original prompt (re-derived from the behaviour, so that the scripted
 * "comply" behaviour finds its calls). Injection-suite plans do not read the prompt.
 */
export function originalTaskOfCandidate(candidate: Task, originalTaskId: string): Task {
  const task: Task = { ...candidate, id: originalTaskId };
  const parts = parseHarmTaskId(originalTaskId);
  if (task.kind !== 'harmful' || parts?.kind !== 'harmful') return task;
  const key = `${originalTaskId}@${task.seed}`;
  let prompt = harmfulPromptCache.get(key);
  if (prompt === undefined) {
    prompt = buildHarmInstance(harmBehaviour(parts.behaviourId), task.seed, parts.instance, parts.split).harmful.prompt;
    if (harmfulPromptCache.size >= 4096) harmfulPromptCache.clear();
    harmfulPromptCache.set(key, prompt);
  }
  return { ...task, prompt };
}
