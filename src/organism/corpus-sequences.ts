import type { Tokenizer } from '../nn/tokenizer/index.js';
import { loadTinyChatTemplate, renderConversation, renderToolList } from '../policies/tiny/chat-template/index.js';
import type { CorpusEpisode } from './write-corpus.js';

/** One training sequence: token ids and the mask of assistant tokens. */
export interface CorpusSequence {
  tokenIds: number[];
  assistantMask: number[];
}

/** The texts the tokenizer is trained on: every message, call and tool list of the corpus. */
export function* corpusTexts(episodes: readonly CorpusEpisode[]): Generator<string> {
  const template = loadTinyChatTemplate();
  const toolLists = new Set<string>();
  for (const episode of episodes) {
    const list = renderToolList(episode.trajectory.tools, template);
    if (!toolLists.has(list)) {
      toolLists.add(list);
      yield list;
    }
    for (const message of episode.trajectory.messages) {
      if (message.content) yield message.content;
      if (message.role === 'assistant') for (const call of message.tool_calls ?? []) yield `{"name": "${call.function.name}", "arguments": ${call.function.arguments}}`;
    }
  }
}

/** Renders corpus episodes with the tiny chat template; sequences longer than `maxSequence` are dropped and counted. */
export function corpusSequences(episodes: readonly CorpusEpisode[], tokenizer: Tokenizer, maxSequence: number): { sequences: CorpusSequence[]; dropped: number } {
  const sequences: CorpusSequence[] = [];
  let dropped = 0;
  for (const episode of episodes) {
    const rendered = renderConversation(episode.trajectory.messages, episode.trajectory.tools, episode.task.entities, { tokenizer });
    if (rendered.tokenIds.length > maxSequence) {
      dropped += 1;
      continue;
    }
    sequences.push({ tokenIds: rendered.tokenIds, assistantMask: rendered.assistantMask });
  }
  return { sequences, dropped };
}
