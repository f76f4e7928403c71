import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PolicyRequest } from '../../agent/policy.js';
import { tokenizerFromJson } from '../../nn/tokenizer/index.js';
import { renderPrompt } from './chat-template/index.js';
import { promptsWithinContext } from './prompts-within-context.js';

const tokenizer = tokenizerFromJson(JSON.parse(readFileSync(new URL('../../../models/base/tokenizer.json', import.meta.url), 'utf8')));

function request(toolResults: number, words: number): PolicyRequest {
  const messages: PolicyRequest['messages'] = [{ role: 'user', content: 'Read the notes and tell me what they say.' }];
  for (let index = 0; index < toolResults; index++) {
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${index}`, type: 'function', function: { name: 'read_file', arguments: '{"fileName":"notes.txt"}' } }] });
    messages.push({ role: 'tool', tool_call_id: `call_${index}`, content: Array.from({ length: words }, (_, word) => `line ${word} of the notes says something`).join('\n') });
  }
  return { episodeId: 'e', messages, tools: [], entities: [], task: null };
}

describe('promptsWithinContext', () => {
  it('keeps a prompt that fits as the template renders it', () => {
    const fitting = request(1, 3);
    const { rendered, runnable } = promptsWithinContext([fitting], tokenizer, 10_000);
    expect(runnable).toEqual([0]);
    expect(rendered[0]!.tokenIds).toEqual(renderPrompt(fitting.messages, fitting.tools, fitting.entities, { tokenizer }).tokenIds);
  });

  it('cuts tool results shorter before giving up on a prompt', () => {
    const long = request(6, 200);
    const full = renderPrompt(long.messages, long.tools, long.entities, { tokenizer }).tokenIds.length;
    const limit = full - 100;
    const { rendered, runnable, responses } = promptsWithinContext([long], tokenizer, limit);
    expect(runnable).toEqual([0]);
    expect(responses[0]).toBeUndefined();
    expect(rendered[0]!.tokenIds.length).toBeLessThanOrEqual(limit);
  });

  it('answers with a context-overflow error when even the shortest tool results do not fit', () => {
    const { runnable, responses } = promptsWithinContext([request(6, 200)], tokenizer, 40);
    expect(runnable).toEqual([]);
    expect(responses[0]!.error).toMatch(/^context overflow: the prompt has \d+ tokens, at most 40 fit$/);
  });
});
