import { describe, expect, it } from 'vitest';
import { randomString, seededRandom } from '../../../nn/tokenizer/test-corpus.js';
import type { AssistantMessage } from '../../../trajectory/message.js';
import { parseAssistantOutput } from './parse-assistant-output.js';
import { renderConversation, renderPrompt } from './render-conversation.js';
import { templateTokenIds } from './special-tokens.js';
import { loadTinyChatTemplate } from './template.js';
import { episodeEntities, episodeMessages, episodeTools, fullTemplate, testTokenizer } from './test-support.js';

const template = loadTinyChatTemplate();
const tokenizer = testTokenizer();
const ids = templateTokenIds(tokenizer, template);

/** The assistant turns' generated tokens: the runs of the mask. */
function generatedRuns(tokenIds: number[], mask: number[]): number[][] {
  const runs: number[][] = [];
  let current: number[] | null = null;
  tokenIds.forEach((id, index) => {
    if (mask[index] === 1) (current ??= []).push(id);
    else if (current) {
      runs.push(current);
      current = null;
    }
  });
  if (current) runs.push(current);
  return runs;
}

function withoutIds(message: AssistantMessage): unknown {
  return { content: message.content, calls: message.tool_calls?.map((call) => call.function) };
}

describe('parseAssistantOutput', () => {
  it('round-trips every assistant turn of a rendered conversation exactly (arguments strings identical)', () => {
    const rendered = renderConversation(episodeMessages, episodeTools, episodeEntities, { tokenizer, template: fullTemplate });
    const originals = episodeMessages.filter((message): message is AssistantMessage => message.role === 'assistant');
    const runs = generatedRuns(rendered.tokenIds, rendered.assistantMask);
    expect(runs).toHaveLength(originals.length);
    runs.forEach((run, turn) => {
      const parsed = parseAssistantOutput(run, rendered.slotMap, { tokenizer, template: fullTemplate });
      expect(withoutIds(parsed)).toEqual(withoutIds(originals[turn] as AssistantMessage));
      parsed.tool_calls?.forEach((call, index) => {
        expect(call.id).toBe(`call_${index}`);
        expect(call.type).toBe('function');
      });
      const fromText = parseAssistantOutput(tokenizer.decode(run), rendered.slotMap, { template: fullTemplate });
      expect(fromText).toEqual(parsed);
    });
  });

  it('round-trips random assistant messages (random text, entity values, malformed arguments) exactly', () => {
    const random = seededRandom(33);
    const values = episodeEntities.map((entity) => entity.value);
    const piece = (): string => {
      const roll = random();
      if (roll < 0.3) return values[Math.floor(random() * values.length)] as string;
      if (roll < 0.5) return [' ', '"', '{', '}', ':', ',', '\\', '\n', '<|call|>', '<|e3|>', '<|end|>'][Math.floor(random() * 11)] as string;
      return randomString(random, 12);
    };
    const text = (pieces: number): string => Array.from({ length: pieces }, piece).join('');
    for (let trial = 0; trial < 300; trial += 1) {
      const callCount = Math.floor(random() * 3);
      const message: AssistantMessage = {
        role: 'assistant',
        content: callCount > 0 && random() < 0.5 ? null : text(1 + Math.floor(random() * 6)),
        ...(callCount > 0
          ? {
              tool_calls: Array.from({ length: callCount }, (_, index) => ({
                id: `call_${index}`,
                type: 'function' as const,
                function: { name: random() < 0.9 ? ['send_money', 'read_file', 'get_balance'][index % 3] as string : text(1), arguments: random() < 0.5 ? JSON.stringify({ recipient: piece(), note: piece() }) : text(1 + Math.floor(random() * 5)) },
              })),
            }
          : {}),
      };
      if (message.content === '' && callCount > 0) continue;
      const conversation = [...episodeMessages.slice(0, 4), message];
      const rendered = renderConversation(conversation, episodeTools, episodeEntities, { tokenizer, template: fullTemplate });
      const runs = generatedRuns(rendered.tokenIds, rendered.assistantMask);
      const parsed = parseAssistantOutput(runs.at(-1) as number[], rendered.slotMap, { tokenizer, template: fullTemplate });
      expect(parsed).toEqual(message);
    }
  });

  it('keeps a malformed call raw, as generated, with slots replaced', () => {
    const prompt = renderPrompt(episodeMessages.slice(0, 4), episodeTools, episodeEntities, { tokenizer, template: fullTemplate });
    const generated = '<|call|>{"name": "send_money", "arguments": {"recipient": "<|e6|>", "amount": <|e4|>,,}<|/call|><|end|>';
    const message = parseAssistantOutput(tokenizer.encodeWithSpecialTokens(generated), prompt.slotMap, { tokenizer, template: fullTemplate, callIdPrefix: 'turn3_' });
    expect(message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'turn3_0', type: 'function', function: { name: 'send_money', arguments: '{"recipient": "GB33BUKB20201555555555", "amount": 98.70,,' } }],
    });
  });

  it('gives an empty name when none can be read and keeps the text for the verifiers', () => {
    const message = parseAssistantOutput('<|call|>send money now<|/call|>', { values: [] });
    expect(message.tool_calls?.[0]?.function).toEqual({ name: '', arguments: '' });
    const loose = parseAssistantOutput('<|call|>{"name": send_money, "arguments": {"a": 1}}<|/call|>', { values: [] });
    expect(loose.tool_calls?.[0]?.function).toEqual({ name: '', arguments: '{"a": 1}' });
  });

  it('leaves an unknown slot as its literal spelling', () => {
    const message = parseAssistantOutput('Pay <|e0|> or <|e9|>.<|end|>', { values: ['Ann'] }, { template: fullTemplate });
    expect(message).toEqual({ role: 'assistant', content: 'Pay Ann or <|e9|>.' });
    const fromIds = parseAssistantOutput(tokenizer.encodeWithSpecialTokens('Pay <|e0|> or <|e9|>.<|end|>'), { values: ['Ann'] }, { tokenizer, template: fullTemplate });
    expect(fromIds).toEqual(message);
  });

  it('stops at the end of the turn or a role marker and skips padding', () => {
    expect(parseAssistantOutput('Fine.<|end|>ignored<|call|>{}', { values: [] })).toEqual({ role: 'assistant', content: 'Fine.' });
    expect(parseAssistantOutput('A<|pad|>B<|user|>C', { values: [] })).toEqual({ role: 'assistant', content: 'AB' });
    expect(parseAssistantOutput([ids.named.endOfTurn], { values: [] }, { tokenizer })).toEqual({ role: 'assistant', content: '' });
  });

  it('keeps an unclosed call at the end of the output, and a stray closing marker as text', () => {
    const message = parseAssistantOutput('Let me check.<|call|>{"name": "get_balance", "arguments": {', { values: [] });
    expect(message).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_balance', arguments: '{' } }],
    });
    expect(parseAssistantOutput('a<|/call|>b', { values: [] })).toEqual({ role: 'assistant', content: 'a<|/call|>b' });
  });

  it('decodes multi-byte characters split across tokens', () => {
    const textWithEmoji = 'Zahlung an 👩‍💻 Ünïcödé ✓';
    const message = parseAssistantOutput([...tokenizer.encode(textWithEmoji), ids.named.endOfTurn], { values: [] }, { tokenizer });
    expect(message.content).toBe(textWithEmoji);
  });

  it('reads slots that carry their kind (the default template) back to their values, holes left as spelled', () => {
    const rendered = renderConversation(episodeMessages, episodeTools, episodeEntities, { tokenizer, template });
    const runs = generatedRuns(rendered.tokenIds, rendered.assistantMask);
    const originals = episodeMessages.filter((message): message is AssistantMessage => message.role === 'assistant');
    runs.forEach((run, turn) => expect(withoutIds(parseAssistantOutput(run, rendered.slotMap, { tokenizer }))).toEqual(withoutIds(originals[turn] as AssistantMessage)));
    expect(tokenizer.decode(rendered.tokenIds)).toContain('<|iban-0|>');
    expect(parseAssistantOutput('Pay <|iban-0|> or <|iban-5|>.<|end|>', rendered.slotMap)).toEqual({ role: 'assistant', content: 'Pay DE89370400440532013000 or <|iban-5|>.' });
  });

  it('needs a tokenizer to read token ids', () => {
    expect(() => parseAssistantOutput([1, 2], { values: [] })).toThrow(/tokenizer/);
  });
});
