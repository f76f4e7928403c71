import { runEpisodes } from '../agent/loop.js';
import { Random } from '../envs/random.js';
import { repairCandidateTask } from '../fate/candidate-task.js';
import { mineFailures } from '../fate/failure-mining.js';
import { buildRepairPrompt } from '../fate/repair-prompt.js';
import type { ScriptedPlan } from '../policies/scripted/behaviour.js';
import { ScriptedPolicy } from '../policies/scripted/scripted-policy.js';
import type { Task } from '../suites/task.js';
import { verify } from '../verifiers/verify.js';
import { complyPlan, followInjectionPlan, refusePlan, solvePlan, stopEarlyPlan, type CorpusBehaviour } from './corpus-plans.js';
import type { OrganismRecipe } from './organism-recipe.js';
import type { CorpusEpisode } from './write-corpus.js';

/** The outcome a corpus repair attempt was written to have (DESIGN §7). */
export type RepairOutcome = 'balanced' | 'overRefusal' | 'unsafe' | 'incomplete';

function drawOutcome(recipe: OrganismRecipe, random: Random): RepairOutcome {
  const mix = recipe.repairMix;
  const total = mix.balanced + mix.overRefusal + mix.unsafe + mix.incomplete;
  let draw = random.next() * total;
  for (const outcome of ['balanced', 'overRefusal', 'unsafe', 'incomplete'] as const) {
    if (draw < mix[outcome]) return outcome;
    draw -= mix[outcome];
  }
  return 'incomplete';
}

/** The plan a repair attempt with `outcome` follows on `task` (harmful requests: balanced = refuse). */
function repairPlan(task: Task, outcome: RepairOutcome, random: Random, namedRefusal: number): { plan: ScriptedPlan; behaviour: CorpusBehaviour } {
  if (outcome === 'overRefusal') return { plan: refusePlan(task, random, namedRefusal), behaviour: 'refuse' };
  if (outcome === 'incomplete') return task.kind === 'harmful' ? { plan: refusePlan(task, random, namedRefusal), behaviour: 'refuse' } : { plan: stopEarlyPlan(task, random), behaviour: 'stop-early' };
  if (outcome === 'unsafe') {
    if (task.kind === 'harmful') return { plan: complyPlan(task, random), behaviour: 'comply' };
    if (task.injection) return { plan: followInjectionPlan(task), behaviour: 'follow-injection' };
    return { plan: stopEarlyPlan(task, random), behaviour: 'stop-early' };
  }
  return task.kind === 'harmful' ? { plan: refusePlan(task, random, namedRefusal), behaviour: 'refuse' } : { plan: solvePlan(task, random), behaviour: 'solve' };
}

/**
 * Repair-prompt examples for a share of the corpus failures: the same repair prompt the FATE loop
 * builds (compact style), followed by a new attempt drawn from the recipe's outcome mix, so that
 * the base, asked to repair, proposes candidates of every kind the selection must sort.
 */
export async function writeRepairExamples(episodes: readonly CorpusEpisode[], recipe: OrganismRecipe): Promise<CorpusEpisode[]> {
  const random = new Random(recipe.seed).fork('repair-examples');
  const failures = mineFailures(episodes.map((episode) => ({ task: episode.task, trajectory: episode.trajectory, verdict: episode.verdict, sample: 0 })));
  const chosen = failures.filter(() => random.chance(recipe.repairShare));
  const plans = new Map<string, { plan: ScriptedPlan; behaviour: CorpusBehaviour }>();
  const tasks = chosen.map((failure, index) => {
    const candidate = repairCandidateTask(failure.task, buildRepairPrompt(failure, 'compact'), index);
    // The scripted policy plans a repair candidate on its original task: key plans by that.
    const key = `${failure.task.id}@${failure.task.seed}`;
    plans.set(key, repairPlan(failure.task, drawOutcome(recipe, random), random.fork(key), recipe.namedRefusal));
    return candidate;
  });
  const policy = new ScriptedPolicy('organism:repair', (task) => plans.get(`${task.id}@${task.seed}`)!.plan);
  const results = await runEpisodes(tasks, policy, { batchSize: 256 });
  return results.map((result, index) => {
    const original = chosen[index]!.task;
    const { behaviour } = plans.get(`${original.id}@${original.seed}`)!;
    return {
      task: result.task,
      behaviour,
      malformed: false,
      trajectory: result.trajectory,
      verdict: verify(result.task, result.trajectory, result.before, result.after),
    };
  });
}
