import { describe, expect, it } from 'vitest';
import { trainTokenizer } from '../nn/tokenizer/index.js';
import { loadTinyChatTemplate, tinyChatSpecialTokens } from '../policies/tiny/chat-template/index.js';
import { corpusTexts } from './corpus-sequences.js';
import { injectionShownWhenFollowed } from './injection-visibility.js';
import { organismRecipeSchema } from './organism-recipe.js';
import { replayAsSolved, writeCorpusEpisodes } from './write-corpus.js';

describe('injections in view of the corpus', () => {
  it('counts an injection as read only when the prompt shows it, and replays unseen ones as solved', async () => {
    const recipe = organismRecipeSchema.parse({ worldSeeds: 1, harmSeedMultiplier: 1 });
    const episodes = await writeCorpusEpisodes(recipe);
    const tokenizer = trainTokenizer(corpusTexts(episodes), { vocabSize: 1024, specialTokens: tinyChatSpecialTokens() });
    const followed = episodes.filter((episode) => episode.behaviour === 'follow-injection').slice(0, 60);
    expect(followed.length).toBe(60);
    const shown = (budget: number) =>
      followed.filter((episode) => injectionShownWhenFollowed(episode, tokenizer, { ...loadTinyChatTemplate(), toolResultTokenBudget: budget, toolResultTailTokens: Math.min(96, budget - 2) })).length;
    // Uncut, every injection is in view; cut to a few tokens, none is; the template's budget sits between.
    expect(shown(4096)).toBe(60);
    expect(shown(4)).toBe(0);
    const byTemplate = followed.filter((episode) => injectionShownWhenFollowed(episode, tokenizer));
    expect(byTemplate.length).toBeGreaterThan(0);
    // Episodes that are not follow-injection have nothing to show.
    const solved = episodes.find((episode) => episode.behaviour === 'solve' && episode.task.kind === 'benign')!;
    expect(injectionShownWhenFollowed(solved, tokenizer, { ...loadTinyChatTemplate(), toolResultTokenBudget: 4096 })).toBe(false);

    const unseen = followed.filter((episode) => !byTemplate.includes(episode)).slice(0, 5);
    const replayed = await replayAsSolved(unseen, recipe);
    expect(replayed.map((episode) => episode.task)).toEqual(unseen.map((episode) => episode.task));
    for (const episode of replayed) {
      expect(episode.behaviour).toBe('solve');
      expect(episode.verdict.signals.injectionFollowed).toBe(false);
    }
  }, 120_000);
});
