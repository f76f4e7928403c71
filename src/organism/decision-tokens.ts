import type { Tokenizer } from '../nn/tokenizer/index.js';
import type { TemplateTokenIds } from '../policies/tiny/chat-template/index.js';

const namePrefix = /^\{"name":\s*"/u;

/**
 * Positions of the assistant's decisions in a rendered sequence: the first token of each
 * assistant turn (a call or an answer) and the tokens that spell each call's tool name (which
 * tool next). They are a few tokens in a hundred; the rest of a call is format the model learns
 * early, so training may weigh these more.
 */
export function decisionTokenPositions(tokenIds: readonly number[], assistantMask: readonly number[], tokenizer: Tokenizer, ids: TemplateTokenIds): Set<number> {
  const positions = new Set<number>();
  const { assistant, toolCallStart, toolCallEnd } = ids.named;
  for (let index = 1; index < tokenIds.length; index++) {
    if (assistantMask[index] !== 1) continue;
    if (tokenIds[index - 1] === assistant) positions.add(index);
    if (tokenIds[index - 1] !== toolCallStart) continue;
    // Decode the call body token by token until the tool name's closing quote.
    let text = '';
    let nameStart = -1;
    for (let at = index; at < tokenIds.length && tokenIds[at] !== toolCallEnd && assistantMask[at] === 1; at++) {
      const before = text.length;
      text = tokenizer.decode(tokenIds.slice(index, at + 1));
      if (nameStart < 0) {
        const prefix = namePrefix.exec(text);
        if (prefix) nameStart = prefix[0].length;
        else if (text.length > 16) break;
        else continue;
      }
      const closing = text.indexOf('"', nameStart);
      if (text.length > nameStart && (closing < 0 || before <= closing)) positions.add(at);
      if (closing >= 0) break;
    }
  }
  return positions;
}

/**
 * Index of the first token of the last assistant turn of a rendered sequence that ends inside
 * one: walks the assistant mask back from the last token while it stays set.
 */
export function lastAssistantTurnStart(assistantMask: readonly number[]): number {
  let start = assistantMask.length - 1;
  while (start > 0 && assistantMask[start - 1] === 1) start -= 1;
  return start;
}
