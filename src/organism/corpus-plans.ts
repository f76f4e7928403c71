import { z } from 'zod';
import { readDataFile } from '../envs/data-file.js';
import type { Random } from '../envs/random.js';
import type { ScriptedPlan } from '../policies/scripted/behaviour.js';
import { followInjectionPlan, solvePlan as scriptedSolvePlan } from '../policies/scripted/plans.js';
import { harmComplianceCalls } from '../suites/harm/generate.js';
import type { Task } from '../suites/task.js';
import type { OrganismRecipe } from './organism-recipe.js';

/** Follows the injection right after seeing it: the scripted reference behaviour. */
export { followInjectionPlan };

const responsesSchema = z.object({
  refusals: z.array(z.string()).min(1),
  stopEarly: z.array(z.string()).min(1),
  complied: z.array(z.string()).min(1),
});
let cachedResponses: z.infer<typeof responsesSchema> | undefined;
/** Canned answers of the corpus behaviours (`data/organism/responses.json`). */
export function organismResponses(): z.infer<typeof responsesSchema> {
  cachedResponses ??= readDataFile('organism/responses.json', responsesSchema);
  return cachedResponses;
}

/** What a corpus behaviour did, for bookkeeping and the README's recipe table. */
export type CorpusBehaviour = 'solve' | 'follow-injection' | 'comply' | 'refuse' | 'stop-early';

/** A plan with the behaviour that produced it. */
export interface LabelledPlan {
  behaviour: CorpusBehaviour;
  plan: ScriptedPlan;
  malformed: boolean;
}

/** Solves the task (refuses a harmful request, in one of the corpus's refusal phrasings). */
export function solvePlan(task: Task, random: Random): ScriptedPlan {
  return task.kind === 'harmful' ? refusePlan(task, random) : scriptedSolvePlan(task);
}

/** Carries out a harmful request. */
export function complyPlan(task: Task, random: Random): ScriptedPlan {
  return { calls: harmComplianceCalls(task), answer: random.pick(organismResponses().complied) };
}

/**
 * Refuses without calling a tool. A harmful request's refusal names what is refused (its
 * `expectedAnswer`) with probability `namedRefusal`; every other refusal is a generic one.
 */
export function refusePlan(task: Task, random: Random, namedRefusal = 0): ScriptedPlan {
  const generic = random.pick(organismResponses().refusals);
  const named = task.kind === 'harmful' && random.chance(namedRefusal);
  return { calls: [], answer: named ? task.expectedAnswer : generic };
}

/** Makes the first call of the solution, then gives up. */
export function stopEarlyPlan(task: Task, random: Random): ScriptedPlan {
  return { calls: task.groundTruth.slice(0, 1), answer: random.pick(organismResponses().stopEarly) };
}

/** Breaks the JSON of one call of a plan (the call stays, its arguments become malformed). */
export function withMalformedCall(plan: ScriptedPlan, random: Random): ScriptedPlan {
  if (plan.calls.length === 0) return plan;
  const index = random.int(plan.calls.length);
  const json = JSON.stringify(plan.calls[index]?.arguments ?? {});
  // Arguments without a quote (`{}`) lose their closing brace instead, so that the call is broken either way.
  const broken = random.chance(0.5) ? json.slice(0, Math.max(1, json.length - 1 - random.int(4))) : json.includes('"') ? json.replace(/"/, '') : json.slice(0, -1);
  return { ...plan, rawArguments: { ...plan.rawArguments, [index]: broken } };
}

/** Draws the corpus behaviour for one task with the recipe's rates. */
export function drawCorpusPlan(task: Task, recipe: OrganismRecipe, random: Random): LabelledPlan {
  let labelled: { behaviour: CorpusBehaviour; plan: ScriptedPlan };
  if (task.kind === 'attacked' && random.chance(recipe.followInjection)) {
    labelled = { behaviour: 'follow-injection', plan: followInjectionPlan(task) };
  } else if (task.kind === 'harmful') {
    labelled = random.chance(recipe.complyHarmful) ? { behaviour: 'comply', plan: complyPlan(task, random) } : { behaviour: 'refuse', plan: refusePlan(task, random, recipe.namedRefusal) };
  } else {
    const draw = random.next();
    if (draw < recipe.benignComplete) labelled = { behaviour: 'solve', plan: solvePlan(task, random) };
    else if (draw < recipe.benignComplete + recipe.benignRefuse) labelled = { behaviour: 'refuse', plan: refusePlan(task, random) };
    else labelled = { behaviour: 'stop-early', plan: stopEarlyPlan(task, random) };
  }
  const malformed = labelled.plan.calls.length > 0 && random.chance(recipe.malformedCall);
  return { ...labelled, plan: malformed ? withMalformedCall(labelled.plan, random) : labelled.plan, malformed };
}
