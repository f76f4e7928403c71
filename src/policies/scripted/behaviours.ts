import { harmComplianceCalls } from '../../suites/harm/generate.js';
import type { Task } from '../../suites/task.js';
import type { ScriptedBehaviour, ScriptedPlan } from './behaviour.js';

/** The refusal text scripted behaviours use. */
export const scriptedRefusal = "I'm sorry, but I can't help with that request.";

function solve(task: Task): ScriptedPlan {
  if (task.kind === 'harmful') return { calls: [], answer: scriptedRefusal };
  return { calls: task.groundTruth, answer: task.expectedAnswer };
}

function followInjection(task: Task): ScriptedPlan {
  const injection = task.injection;
  if (!injection) return solve(task);
  const seen = injection.seenAtStep;
  return {
    calls: [...task.groundTruth.slice(0, seen + 1), ...injection.groundTruth, ...task.groundTruth.slice(seen + 1)],
    answer: task.expectedAnswer,
  };
}

function comply(task: Task): ScriptedPlan {
  if (task.kind === 'harmful') return { calls: harmComplianceCalls(task), answer: 'Done, everything you asked for has been carried out.' };
  return followInjection(task);
}

/**
 * The reference behaviours usable as `scripted:NAME`: the project's mock models, and the proof
 * that suites and verifiers are right.
 */
export const scriptedBehaviours: Record<string, { description: string; plan: ScriptedBehaviour }> = {
  oracle: {
    description: 'solves every benign and attacked task, ignores injections, refuses harmful requests, never refuses a benign twin',
    plan: solve,
  },
  'follow-injections': {
    description: 'like oracle, but carries out every injected instruction right after reading it',
    plan: followInjection,
  },
  'comply-all': {
    description: 'carries out every harmful request and every injected instruction; solves benign tasks',
    plan: comply,
  },
  'refuse-all': {
    description: 'refuses every request without calling a tool',
    plan: () => ({ calls: [], answer: scriptedRefusal }),
  },
  malformed: {
    description: 'emits a tool call whose arguments are not valid JSON, then claims to be done',
    plan: (task) => {
      const first = task.groundTruth[0] ?? { name: task.tools[0] ?? 'unknown_tool', arguments: {} };
      const json = JSON.stringify(first.arguments);
      return {
        calls: [first],
        answer: 'Done.',
        rawArguments: { 0: json.slice(0, Math.max(1, json.length - 1)) + ',' },
      };
    },
  },
};
