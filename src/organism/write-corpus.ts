import { runEpisodes } from '../agent/loop.js';
import { Random } from '../envs/random.js';
import type { ScriptedPlan } from '../policies/scripted/behaviour.js';
import { ScriptedPolicy } from '../policies/scripted/scripted-policy.js';
import { generateTasks } from '../suites/generate.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { verify } from '../verifiers/verify.js';
import type { Verdict } from '../verifiers/score.js';
import { drawCorpusPlan, solvePlan, type CorpusBehaviour } from './corpus-plans.js';
import type { OrganismRecipe } from './organism-recipe.js';

/** One corpus episode: a train-split task played by a scripted behaviour, scored (the world states are dropped once scored). */
export interface CorpusEpisode {
  task: Task;
  behaviour: CorpusBehaviour;
  malformed: boolean;
  trajectory: Trajectory;
  verdict: Verdict;
}

/** Tasks played together: a chunk's world states are freed once its episodes are scored. */
const tasksPerChunk = 1024;

/**
 * The train-split tasks the corpus draws from: every task of `recipe.worldSeeds` generation
 * seeds (attacked ones with `recipe.goalsPerAttack` goals per user task and attack), then the harm
 * suite's tasks of the next seeds up to `worldSeeds × harmSeedMultiplier`.
 */
export function corpusTasks(recipe: OrganismRecipe): Task[] {
  const tasks: Task[] = [];
  const seed = (index: number): number => recipe.seed * 1000 + index;
  const sizes = recipe.goalsPerAttack === null ? {} : { goalsPerAttack: recipe.goalsPerAttack };
  for (let index = 0; index < recipe.worldSeeds; index += 1) tasks.push(...generateTasks({ suite: 'all', split: 'train', seed: seed(index), sizes }));
  for (let index = recipe.worldSeeds; index < recipe.worldSeeds * recipe.harmSeedMultiplier; index += 1) {
    tasks.push(...generateTasks({ suite: 'harm', split: 'train', seed: seed(index) }));
  }
  return tasks;
}

/** Task ids repeat across generation seeds; corpus episodes carry the seed in their id. */
function corpusId(task: Task): string {
  return `${task.id}@${task.seed}`;
}

/**
 * Plays every corpus task with a behaviour drawn at the recipe's rates (train split only) and
 * scores it. Deterministic for a recipe.
 */
export async function writeCorpusEpisodes(recipe: OrganismRecipe, onEpisodeDone?: (finished: number, total: number) => void): Promise<CorpusEpisode[]> {
  const tasks = corpusTasks(recipe);
  if (tasks.some((task) => task.split !== 'train')) throw new Error('the organism corpus must come from the train split only');
  const random = new Random(recipe.seed).fork('corpus-plans');
  const plans = new Map<string, ReturnType<typeof drawCorpusPlan>>();
  for (const task of tasks) plans.set(corpusId(task), drawCorpusPlan(task, recipe, random.fork(corpusId(task))));
  const policy = new ScriptedPolicy('organism:corpus', (task): ScriptedPlan => {
    const plan = plans.get(corpusId(task));
    if (!plan) throw new Error(`no corpus plan for ${corpusId(task)}`);
    return plan.plan;
  });
  const played: CorpusEpisode[] = [];
  for (let offset = 0; offset < tasks.length; offset += tasksPerChunk) {
    const chunk = tasks.slice(offset, offset + tasksPerChunk);
    const episodes = await runEpisodes(chunk, policy, { batchSize: 256, onEpisodeDone: (finished) => onEpisodeDone?.(offset + finished, tasks.length) });
    for (const episode of episodes) {
      const plan = plans.get(corpusId(episode.task))!;
      played.push({
        task: episode.task,
        behaviour: plan.behaviour,
        malformed: plan.malformed,
        trajectory: episode.trajectory,
        verdict: verify(episode.task, episode.trajectory, episode.before, episode.after),
      });
    }
  }
  return played;
}

/**
 * Plays the tasks of `episodes` again with the solve behaviour (the corpus's replacement for a
 * follow-injection episode whose injection the template never showed). Deterministic.
 */
export async function replayAsSolved(episodes: readonly CorpusEpisode[], recipe: OrganismRecipe): Promise<CorpusEpisode[]> {
  const random = new Random(recipe.seed).fork('corpus-replays');
  const plans = new Map(episodes.map((episode) => [corpusId(episode.task), solvePlan(episode.task, random.fork(corpusId(episode.task)))]));
  const policy = new ScriptedPolicy('organism:corpus-replay', (task): ScriptedPlan => {
    const plan = plans.get(corpusId(task));
    if (!plan) throw new Error(`no replay plan for ${corpusId(task)}`);
    return plan;
  });
  const played = await runEpisodes(
    episodes.map((episode) => episode.task),
    policy,
    { batchSize: 256 },
  );
  return played.map((episode) => ({
    task: episode.task,
    behaviour: 'solve' as const,
    malformed: false,
    trajectory: episode.trajectory,
    verdict: verify(episode.task, episode.trajectory, episode.before, episode.after),
  }));
}
