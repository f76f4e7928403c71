import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { sftLineSchema } from '../src/fate/exports/sft-export.js';
import { trainTokenizer } from '../src/nn/tokenizer/index.js';
import { loadTinyChatTemplate, parseAssistantOutput, renderConversation, tinyChatSpecialTokens } from '../src/policies/tiny/chat-template/index.js';

async function quietly(argv: string[]): Promise<number> {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return await main(argv);
  } finally {
    vi.restoreAllMocks();
  }
}

describe('sft.jsonl through the tiny chat template', () => {
  it('renders every row and reads every assistant turn back from the masked tokens', async () => {
    const runs = mkdtempSync(path.join(tmpdir(), 'fate-repair-sft-'));
    expect(await quietly(['eval', '--policy', 'scripted:repair-mix', '--suite', 'all', '--split', 'dev', '--limit', '24', '--runs', runs])).toBe(0);
    const runId = readdirSync(runs)[0]!;
    expect(await quietly(['repair', '--run', runId, '--runs', runs, '--k', '4', '--prompt-style', 'compact'])).toBe(0);
    const rows = readFileSync(path.join(runs, runId, 'exports', 'sft.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => sftLineSchema.parse(JSON.parse(line)));
    expect(rows.length).toBeGreaterThan(10);
    const template = loadTinyChatTemplate();
    const texts = rows.flatMap((row) =>
      row.messages.flatMap((message) => [
        message.content ?? '',
        ...(message.role === 'assistant' ? (message.tool_calls ?? []).map((call) => `{"name": "${call.function.name}", "arguments": ${call.function.arguments}}`) : []),
      ]),
    );
    const tokenizer = trainTokenizer(texts, { vocabSize: 600, specialTokens: tinyChatSpecialTokens(template) });
    for (const row of rows) {
      const rendered = renderConversation(row.messages, row.tools, [], { tokenizer, template });
      expect(rendered.assistantMask).toHaveLength(rendered.tokenIds.length);
      const spans: number[][] = [];
      rendered.tokenIds.forEach((id, index) => {
        if (rendered.assistantMask[index] !== 1) return;
        if (index === 0 || rendered.assistantMask[index - 1] !== 1) spans.push([]);
        spans[spans.length - 1]!.push(id);
      });
      const assistants = row.messages.filter((message) => message.role === 'assistant');
      expect(spans).toHaveLength(assistants.length);
      spans.forEach((span, index) => {
        const parsed = parseAssistantOutput(span, rendered.slotMap, { tokenizer, template });
        const original = assistants[index]!;
        expect(parsed.content ?? null).toBe(original.role === 'assistant' ? original.content : null);
        const calls = (message: typeof parsed) => (message.tool_calls ?? []).map((call) => [call.function.name, call.function.arguments]);
        expect(calls(parsed)).toEqual(original.role === 'assistant' ? calls(original) : []);
      });
    }
  }, 120_000);
});
