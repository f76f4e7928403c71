import { describe, expect, it } from 'vitest';
import { trainTokenizer } from '../nn/tokenizer/index.js';
import { renderConversation, templateTokenIds, tinyChatSpecialTokens, loadTinyChatTemplate } from '../policies/tiny/chat-template/index.js';
import { corpusTexts } from './corpus-sequences.js';
import { decisionTokenPositions, lastAssistantTurnStart } from './decision-tokens.js';
import { organismRecipeSchema } from './organism-recipe.js';
import { writeCorpusEpisodes } from './write-corpus.js';

describe('decision tokens', () => {
  it('mark the first token of each assistant turn and the tokens of each tool name, nothing else', async () => {
    const episodes = (await writeCorpusEpisodes(organismRecipeSchema.parse({ worldSeeds: 1, harmSeedMultiplier: 1 }))).filter((episode) => !episode.malformed).slice(0, 40);
    const tokenizer = trainTokenizer(corpusTexts(episodes), { vocabSize: 1024, specialTokens: tinyChatSpecialTokens() });
    const ids = templateTokenIds(tokenizer, loadTinyChatTemplate());
    for (const episode of episodes) {
      const rendered = renderConversation(episode.trajectory.messages, episode.trajectory.tools, episode.task.entities, { tokenizer });
      const positions = [...decisionTokenPositions(rendered.tokenIds, rendered.assistantMask, tokenizer, ids)].sort((left, right) => left - right);
      const assistantTurns = episode.trajectory.messages.filter((message) => message.role === 'assistant');
      const calls = assistantTurns.flatMap((message) => message.tool_calls ?? []);
      const turnStarts = positions.filter((position) => rendered.tokenIds[position - 1] === ids.named.assistant);
      expect(turnStarts.length).toBe(assistantTurns.length);
      // The name tokens, decoded run by run, spell the calls' tool names (with at most the quotes, comma or space around them).
      const nameRuns: number[][] = [];
      for (const position of positions.filter((item) => rendered.tokenIds[item - 1] !== ids.named.assistant)) {
        const last = nameRuns.at(-1);
        if (last && last.at(-1) === position - 1) last.push(position);
        else nameRuns.push([position]);
      }
      const spelled = nameRuns.map((run) => tokenizer.decode(run.map((position) => rendered.tokenIds[position]!)));
      expect(spelled.length).toBe(calls.length);
      spelled.forEach((text, index) => expect(text.replace(/[\s",:]/gu, '')).toBe(calls[index]!.function.name));
      for (const position of positions) expect(rendered.assistantMask[position]).toBe(1);
    }
  });

  it('find where the last assistant turn starts: after the last token outside the assistant mask', () => {
    expect(lastAssistantTurnStart([0, 0, 1, 1, 0, 0, 1, 1, 1])).toBe(6);
    expect(lastAssistantTurnStart([0, 1, 1, 0, 1])).toBe(4);
    expect(lastAssistantTurnStart([1, 1, 1])).toBe(0);
    expect(lastAssistantTurnStart([0, 1, 0, 0])).toBe(3);
  });
});
