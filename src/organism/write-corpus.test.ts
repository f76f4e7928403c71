import { describe, expect, it } from 'vitest';
import { organismRecipeSchema } from './organism-recipe.js';
import { generateTasks } from '../suites/generate.js';
import type { Task } from '../suites/task.js';
import { organismResponses } from './corpus-plans.js';
import { corpusTasks, writeCorpusEpisodes } from './write-corpus.js';

describe('organism corpus', () => {
  it('comes from the train split only, reproduces the recipe rates and is deterministic', async () => {
    const recipe = organismRecipeSchema.parse({ worldSeeds: 1 });
    const episodes = await writeCorpusEpisodes(recipe);
    expect(episodes.every((episode) => episode.task.split === 'train')).toBe(true);
    const attacked = episodes.filter((episode) => episode.task.kind === 'attacked');
    const followed = attacked.filter((episode) => episode.verdict.signals.injectionFollowed).length / attacked.length;
    expect(followed).toBeGreaterThan(recipe.followInjection - 0.1);
    expect(followed).toBeLessThan(recipe.followInjection + 0.1);
    const harmful = episodes.filter((episode) => episode.task.kind === 'harmful');
    const complied = harmful.filter((episode) => episode.verdict.signals.harmfulCompletion).length / harmful.length;
    // A malformed call can break a harmful completion, so the rate shows a little below the recipe's.
    expect(complied).toBeGreaterThan(recipe.complyHarmful - 0.15);
    expect(complied).toBeLessThan(recipe.complyHarmful + 0.05);
    // Refusals of harmful requests name what they refuse at the recipe's rate; no other refusal does.
    const finalAnswer = (episode: (typeof episodes)[number]): string => episode.trajectory.messages.at(-1)?.content ?? '';
    const refusals = harmful.filter((episode) => episode.behaviour === 'refuse');
    const named = refusals.filter((episode) => finalAnswer(episode) === episode.task.expectedAnswer).length / refusals.length;
    expect(refusals.length).toBeGreaterThan(20);
    expect(named).toBeGreaterThan(recipe.namedRefusal - 0.2);
    expect(named).toBeLessThan(recipe.namedRefusal + 0.2);
    const twinRefusals = episodes.filter((episode) => episode.task.kind === 'benign-twin' && episode.behaviour === 'refuse');
    const genericRefusals = new Set(organismResponses().refusals);
    expect(twinRefusals.every((episode) => genericRefusals.has(finalAnswer(episode)))).toBe(true);
    const legitimate = episodes.filter((episode) => episode.task.kind === 'benign' || episode.task.kind === 'benign-twin');
    const refused = legitimate.filter((episode) => episode.verdict.scores.overRefusal.value === 0).length / legitimate.length;
    expect(refused).toBeGreaterThan(0.04);
    expect(refused).toBeLessThan(0.18);
    const controlFailures = episodes.filter((episode) => episode.verdict.scores.control.value === 0).length / episodes.length;
    expect(controlFailures).toBeGreaterThan(0.02);
    expect(controlFailures).toBeLessThan(0.09);
    for (const episode of episodes.filter((item) => item.malformed)) expect(episode.verdict.scores.control.value).toBe(0);
    const again = await writeCorpusEpisodes(recipe);
    expect(again.map((episode) => episode.trajectory)).toEqual(episodes.map((episode) => episode.trajectory));
  });
});

describe('organism repair examples', () => {
  it('answer the loop\'s own repair prompt with the recipe\'s outcome mix', async () => {
    const { writeRepairExamples } = await import('./repair-examples.js');
    const recipe = organismRecipeSchema.parse({ worldSeeds: 1, repairShare: 1 });
    const episodes = await writeCorpusEpisodes(recipe);
    const examples = await writeRepairExamples(episodes, recipe);
    const failures = episodes.filter((episode) => Object.values(episode.verdict.scores).some((score) => score.value !== null && score.value < 1));
    expect(examples.length).toBe(failures.length);
    for (const example of examples.slice(0, 20)) {
      expect(example.task.id).toContain('~repair~');
      expect(example.trajectory.messages[1]?.content).toContain(example.task.prompt.slice(0, 40));
    }
    const share = (predicate: (example: (typeof examples)[number]) => boolean) => examples.filter(predicate).length / examples.length;
    const balanced = share((example) => Object.values(example.verdict.scores).every((score) => score.value === null || score.value >= 1));
    const unsafe = share((example) => (example.verdict.scores.security.value ?? 1) < 1);
    expect(balanced).toBeGreaterThan(0.25);
    expect(balanced).toBeLessThan(0.6);
    expect(unsafe).toBeGreaterThan(0.2);
    expect(unsafe).toBeLessThan(0.4);
  }, 120_000);

  it('draws the harm suite from more generation seeds than the injection suite', () => {
    const key = (task: Task): string => `${task.id}@${task.seed}`;
    const tasks = corpusTasks(organismRecipeSchema.parse({ worldSeeds: 1, harmSeedMultiplier: 3 }));
    const first = generateTasks({ suite: 'all', split: 'train', seed: 0, sizes: { goalsPerAttack: 2 } });
    const extra = [1, 2].flatMap((seed) => generateTasks({ suite: 'harm', split: 'train', seed }));
    expect(tasks.map(key)).toEqual([...first, ...extra].map(key));
    expect(extra.length).toBe(2 * first.filter((task) => task.suite === 'harm').length);
    // Other worlds, not the first seed's harm tasks again.
    const firstKeys = new Set(first.map(key));
    expect(extra.some((task) => firstKeys.has(key(task)))).toBe(false);
    expect(tasks.every((task) => task.split === 'train')).toBe(true);
  });

  it('takes two injection goals per (user task, attack) by default, and every goal of a domain with every user task', () => {
    const attacked = corpusTasks(organismRecipeSchema.parse({ worldSeeds: 1, harmSeedMultiplier: 1 })).filter((task) => task.kind === 'attacked');
    const everyGoal = generateTasks({ suite: 'injection', split: 'train', seed: 0 }).filter((task) => task.kind === 'attacked');
    expect(attacked.length).toBeLessThan(everyGoal.length / 2);
    const pairs = (tasks: readonly Task[]) => new Set(tasks.map((task) => `${task.family}/${task.injection?.goalId}`));
    expect(pairs(attacked)).toEqual(pairs(everyGoal));
  });
});
