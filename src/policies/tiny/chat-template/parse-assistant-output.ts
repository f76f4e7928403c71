import type { AssistantMessage, ToolCall } from '../../../trajectory/message.js';
import { slotValue, type SlotMap } from './slot-map.js';
import { slotToken, templateTokenIds, turnEndingTokenNames, type SpecialTokenMeaning, type TemplateTokenizer } from './special-tokens.js';
import { loadTinyChatTemplate, type SpecialTokenName, type TinyChatTemplate } from './template.js';
import { parseToolCallBody } from './tool-call-body.js';

/** Options of {@link parseAssistantOutput}. */
export interface ParseAssistantOutputOptions {
  /** Needed when the output is token ids. */
  tokenizer?: TemplateTokenizer;
  /** The template; default `data/templates/tiny-chat.json`. */
  template?: TinyChatTemplate;
  /** Tool call ids are this prefix and the call's index in the message; default `call_`. */
  callIdPrefix?: string;
}

/** A piece of generated output: text, or one special token with its spelling. */
type OutputEvent = { kind: 'text'; text: string } | { kind: 'special'; meaning: SpecialTokenMeaning; spelling: string };

const turnEnders = new Set<SpecialTokenName>(turnEndingTokenNames);

function eventsFromIds(ids: readonly number[], tokenizer: TemplateTokenizer, template: TinyChatTemplate): OutputEvent[] {
  const { meaningById } = templateTokenIds(tokenizer, template);
  const events: OutputEvent[] = [];
  let run: number[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const spellingOf = (meaning: SpecialTokenMeaning): string =>
    meaning.kind === 'slot' ? slotToken(template, meaning.slot) : template.specialTokens[meaning.name];
  const flush = (): void => {
    if (run.length > 0) events.push({ kind: 'text', text: decoder.decode(tokenizer.decodeToBytes(run)) });
    run = [];
  };
  for (const id of ids) {
    const meaning = meaningById.get(id);
    if (meaning === undefined) {
      run.push(id);
      continue;
    }
    flush();
    events.push({ kind: 'special', meaning, spelling: spellingOf(meaning) });
  }
  flush();
  return events;
}

function eventsFromText(text: string, template: TinyChatTemplate): OutputEvent[] {
  const spellings = new Map<string, SpecialTokenMeaning>();
  for (const [name, spelling] of Object.entries(template.specialTokens)) spellings.set(spelling, { kind: 'named', name: name as SpecialTokenName });
  for (let slot = 0; slot < template.entitySlots.count; slot += 1) spellings.set(slotToken(template, slot), { kind: 'slot', slot });
  const pattern = new RegExp(
    [...spellings.keys()].sort((left, right) => right.length - left.length).map((spelling) => spelling.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'),
    'gu',
  );
  const events: OutputEvent[] = [];
  let position = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > position) events.push({ kind: 'text', text: text.slice(position, match.index) });
    events.push({ kind: 'special', meaning: spellings.get(match[0]) as SpecialTokenMeaning, spelling: match[0] });
    position = match.index + match[0].length;
  }
  if (position < text.length) events.push({ kind: 'text', text: text.slice(position) });
  return events;
}

/**
 * Turns the tiny policy's generated output (token ids, or their text) into an OpenAI assistant
 * message. Output ends at the end-of-turn token (or any role marker or end-of-sequence); padding
 * is skipped. Each `<call>…</call>` span becomes a tool call — `id` from `callIdPrefix`,
 * `function.name` and `function.arguments` read by {@link parseToolCallBody}, so the arguments
 * are the raw text as generated (after slot → value substitution) even when it is not valid
 * JSON; an unclosed call at the end still counts. Text outside calls is `content` (`null` when
 * there are calls and no such text). A slot the map does not hold, and any other special token,
 * stays as its literal spelling.
 */
export function parseAssistantOutput(output: readonly number[] | string, slotMap: SlotMap, options: ParseAssistantOutputOptions = {}): AssistantMessage {
  const template = options.template ?? loadTinyChatTemplate();
  const callIdPrefix = options.callIdPrefix ?? 'call_';
  let events: OutputEvent[];
  if (typeof output === 'string') events = eventsFromText(output, template);
  else {
    if (!options.tokenizer) throw new Error('parseAssistantOutput needs options.tokenizer to read token ids');
    events = eventsFromIds(output, options.tokenizer, template);
  }
  let content = '';
  let body: string | null = null;
  const bodies: string[] = [];
  const append = (text: string): void => {
    if (body === null) content += text;
    else body += text;
  };
  for (const event of events) {
    if (event.kind === 'text') {
      append(event.text);
      continue;
    }
    const { meaning } = event;
    if (meaning.kind === 'slot') {
      append(slotValue(slotMap, meaning.slot) ?? event.spelling);
      continue;
    }
    if (turnEnders.has(meaning.name)) break;
    if (meaning.name === 'padding') continue;
    if (meaning.name === 'toolCallStart' && body === null) body = '';
    else if (meaning.name === 'toolCallEnd' && body !== null) {
      bodies.push(body);
      body = null;
    } else append(event.spelling);
  }
  if (body !== null) bodies.push(body);
  const toolCalls: ToolCall[] = bodies.map((callBody, index) => {
    const parsed = parseToolCallBody(callBody, template);
    return { id: `${callIdPrefix}${index}`, type: 'function', function: { name: parsed.name, arguments: parsed.arguments } };
  });
  if (toolCalls.length === 0) return { role: 'assistant', content };
  return { role: 'assistant', content: content.length > 0 ? content : null, tool_calls: toolCalls };
}
