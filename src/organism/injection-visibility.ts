import type { Tokenizer } from '../nn/tokenizer/index.js';
import { renderPrompt, type TinyChatTemplate } from '../policies/tiny/chat-template/index.js';
import type { Task } from '../suites/task.js';
import type { ChatMessage, OpenAiTool } from '../trajectory/message.js';
import type { CorpusEpisode } from './write-corpus.js';

/** Share of an injection's word 4-grams that the prompt must show for the injection to count as read. */
export const injectionShownShare = 0.5;

/** Lower-case word runs of a text, split wherever an entity value stood (a slot in the rendered text). */
function wordRuns(text: string, entityValues: readonly string[]): string[][] {
  let plain = text.toLowerCase();
  for (const value of [...entityValues].sort((left, right) => right.length - left.length)) {
    if (value.length > 0) plain = plain.split(value.toLowerCase()).join(' | ');
  }
  return plain.split('|').map((run) => run.match(/[a-z]+/g) ?? []);
}

/**
 * Whether an attacked task's injected text is in view in the prompt of the turn that follows
 * `messages` — at least {@link injectionShownShare} of its word 4-grams outside entity values in
 * the rendered prompt (a cut tool result can hide it). `false` for a task without an injection.
 * `template` overrides the default template (for tests and measurements).
 */
export function injectionInView(task: Pick<Task, 'injection' | 'entities'>, messages: readonly ChatMessage[], tools: readonly OpenAiTool[], tokenizer: Tokenizer, template?: TinyChatTemplate): boolean {
  const injection = task.injection;
  if (!injection) return false;
  const entityValues = task.entities.map((entity) => entity.value);
  const prompt = renderPrompt(messages, tools, task.entities, { tokenizer, ...(template === undefined ? {} : { template }) });
  const shown = ` ${wordRuns(tokenizer.decode(prompt.tokenIds), entityValues).map((run) => run.join(' ')).join(' | ')} `;
  let grams = 0;
  let found = 0;
  for (const run of wordRuns(injection.text, entityValues)) {
    for (let start = 0; start + 4 <= run.length; start++) {
      grams += 1;
      if (shown.includes(` ${run.slice(start, start + 4).join(' ')} `)) found += 1;
    }
  }
  return grams > 0 && found / grams >= injectionShownShare;
}

/**
 * Whether an attacked episode's injected text was in view ({@link injectionInView}) at the first
 * assistant turn after a tool result that calls the injected goal's first tool; `false` when no
 * turn does. A policy taught to follow what it never saw learns to call tools at random, so the
 * corpus replays such tasks as solved.
 */
export function injectionShownWhenFollowed(episode: Pick<CorpusEpisode, 'task' | 'trajectory'>, tokenizer: Tokenizer, template?: TinyChatTemplate): boolean {
  const injection = episode.task.injection;
  if (!injection || injection.groundTruth.length === 0) return false;
  const goalTool = injection.groundTruth[0]!.name;
  const messages = episode.trajectory.messages;
  let sawToolResult = false;
  let turn = -1;
  for (let index = 0; index < messages.length && turn < 0; index++) {
    const message = messages[index]!;
    if (message.role === 'tool') sawToolResult = true;
    else if (message.role === 'assistant' && sawToolResult && message.tool_calls?.some((call) => call.function.name === goalTool)) turn = index;
  }
  if (turn < 0) return false;
  return injectionInView(episode.task, messages.slice(0, turn), episode.trajectory.tools, tokenizer, template);
}
