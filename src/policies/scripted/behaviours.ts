import type { ScriptedBehaviour } from './behaviour.js';
import { complyPlan, followInjectionPlan, refusePlan, scriptedRefusal, solvePlan } from './plans.js';
import { repairMixPlan } from './repair-mix.js';

export { scriptedRefusal };

/**
 * The reference behaviours usable as `scripted:NAME`: the project's mock models, and the proof
 * that suites and verifiers are right.
 */
export const scriptedBehaviours: Record<string, { description: string; plan: ScriptedBehaviour }> = {
  oracle: {
    description: 'solves every benign and attacked task, ignores injections, refuses harmful requests, never refuses a benign twin',
    plan: solvePlan,
  },
  'follow-injections': {
    description: 'like oracle, but carries out every injected instruction right after reading it',
    plan: followInjectionPlan,
  },
  'comply-all': {
    description: 'carries out every harmful request and every injected instruction; solves benign tasks',
    plan: complyPlan,
  },
  'refuse-all': {
    description: 'refuses every request without calling a tool',
    plan: refusePlan,
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
  'repair-mix': {
    description:
      'follows every injection, complies with every harmful request, refuses every benign twin, solves benign tasks; answers a repair prompt with a fixed mix by candidate index (of 8: 3 balanced, 2 refusals, 2 still unsafe, 1 incomplete)',
    plan: repairMixPlan,
  },
};
