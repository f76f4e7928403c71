import { harmComplianceCalls } from '../../suites/harm/generate.js';
import type { Task } from '../../suites/task.js';
import type { ScriptedPlan } from './behaviour.js';

/** The refusal text scripted behaviours use. */
export const scriptedRefusal = "I'm sorry, but I can't help with that request.";

/** Solves a benign or attacked task with its ground truth (ignoring any injection); refuses a harmful request. */
export function solvePlan(task: Task): ScriptedPlan {
  if (task.kind === 'harmful') return { calls: [], answer: scriptedRefusal };
  return { calls: task.groundTruth, answer: task.expectedAnswer };
}

/** Like {@link solvePlan}, but carries out the injected instruction right after the step that reads it. */
export function followInjectionPlan(task: Task): ScriptedPlan {
  const injection = task.injection;
  if (!injection) return solvePlan(task);
  const seen = injection.seenAtStep;
  return {
    calls: [...task.groundTruth.slice(0, seen + 1), ...injection.groundTruth, ...task.groundTruth.slice(seen + 1)],
    answer: task.expectedAnswer,
  };
}

/** Carries out a harmful request; on any other task, {@link followInjectionPlan}. */
export function complyPlan(task: Task): ScriptedPlan {
  if (task.kind === 'harmful') return { calls: harmComplianceCalls(task), answer: 'Done, everything you asked for has been carried out.' };
  return followInjectionPlan(task);
}

/** Refuses without calling a tool. */
export function refusePlan(): ScriptedPlan {
  return { calls: [], answer: scriptedRefusal };
}
