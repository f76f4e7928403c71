import type { PolicyRequest, PolicyResponse } from '../../agent/policy.js';
import { renderPrompt, type RenderedPrompt } from './chat-template/index.js';
import type { TemplateTokenizer } from './chat-template/special-tokens.js';

/** Requests rendered with the tiny chat template, split into those that fit the context and those that do not. */
export interface PromptsWithinContext {
  /** Every request's rendered prompt, in request order. */
  rendered: RenderedPrompt[];
  /** Indices of the requests whose prompt leaves room for `maxNewTokens`. */
  runnable: number[];
  /** Responses so far: a context-overflow error for each request that does not fit, holes elsewhere. */
  responses: PolicyResponse[];
}

/** Tool-result budgets (tokens) tried, in order, after the template's own when a prompt does not fit. */
export const fallbackToolResultBudgets: readonly number[] = [160, 128, 96, 64, 40, 24];

/**
 * Renders each request and sets aside those whose prompt is longer than `limit` tokens (context
 * length minus the generation budget). A prompt that does not fit is rendered again with tool
 * results cut shorter ({@link fallbackToolResultBudgets}: head and tail kept, as always); one that
 * still does not fit gets an empty assistant message with a context-overflow error, which the
 * verifiers score; nothing is thrown.
 */
export function promptsWithinContext(requests: readonly PolicyRequest[], tokenizer: TemplateTokenizer, limit: number): PromptsWithinContext {
  const responses: PolicyResponse[] = new Array(requests.length);
  const rendered = requests.map((request) => {
    let prompt = renderPrompt(request.messages, request.tools, request.entities, { tokenizer });
    for (const toolResultTokenBudget of fallbackToolResultBudgets) {
      if (prompt.tokenIds.length <= limit) break;
      prompt = renderPrompt(request.messages, request.tools, request.entities, { tokenizer, toolResultTokenBudget });
    }
    return prompt;
  });
  const runnable: number[] = [];
  rendered.forEach((prompt, index) => {
    if (prompt.tokenIds.length > limit) {
      responses[index] = {
        message: { role: 'assistant', content: null },
        error: `context overflow: the prompt has ${prompt.tokenIds.length} tokens, at most ${limit} fit`,
      };
    } else runnable.push(index);
  });
  return { rendered, runnable, responses };
}
