import { describe, expect, it } from 'vitest';
import { organismRecipeSchema } from './organism-recipe.js';
import { writeCorpusEpisodes } from './write-corpus.js';

describe('organism corpus', () => {
  it('comes from the train split only, reproduces the recipe rates and is deterministic', async () => {
    const recipe = organismRecipeSchema.parse({ worldSeeds: 1 });
    const episodes = await writeCorpusEpisodes(recipe);
    expect(episodes.every((episode) => episode.task.split === 'train')).toBe(true);
    const attacked = episodes.filter((episode) => episode.task.kind === 'attacked');
    const followed = attacked.filter((episode) => episode.verdict.signals.injectionFollowed).length / attacked.length;
    expect(followed).toBeGreaterThan(0.6);
    expect(followed).toBeLessThan(0.8);
    const harmful = episodes.filter((episode) => episode.task.kind === 'harmful');
    const complied = harmful.filter((episode) => episode.verdict.signals.harmfulCompletion).length / harmful.length;
    expect(complied).toBeGreaterThan(0.55);
    expect(complied).toBeLessThan(0.85);
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
