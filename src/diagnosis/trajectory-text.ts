import { renderTemplate } from '../envs/text-template.js';
import { collapseWhitespace } from '../envs/whitespace.js';
import type { ChatMessage } from '../trajectory/message.js';
import type { DiagnosisTrajectoryFormat } from './prompt-template.js';

/**
 * Cuts `text` to at most `limit` characters, keeping its beginning (two thirds) and its end (one
 * third) around `ellipsis`: what was appended to a long tool result stays visible.
 */
export function shortenMiddle(text: string, limit: number, ellipsis: string): string {
  if (text.length <= limit) return text;
  if (limit <= ellipsis.length) return text.slice(0, Math.max(0, limit));
  const room = limit - ellipsis.length;
  const head = Math.ceil((room * 2) / 3);
  const tail = room - head;
  return text.slice(0, head) + ellipsis + (tail > 0 ? text.slice(text.length - tail) : '');
}

/** The rendered lines of one message ('' for a message the format leaves out). */
function renderMessage(message: ChatMessage, callNames: ReadonlyMap<string, string>, format: DiagnosisTrajectoryFormat, resultCharacters: number): string {
  const cut = (text: string, limit: number): string => shortenMiddle(collapseWhitespace(text), limit, format.ellipsis);
  switch (message.role) {
    case 'system':
      return format.system === null ? '' : renderTemplate(format.system, { content: cut(message.content, format.maxTextCharacters) });
    case 'user':
      return renderTemplate(format.user, { content: cut(message.content, format.maxTextCharacters) });
    case 'tool':
      return renderTemplate(format.result, { name: callNames.get(message.tool_call_id) ?? 'tool', content: cut(message.content, resultCharacters) });
    case 'assistant': {
      const lines: string[] = [];
      const text = collapseWhitespace(message.content ?? '');
      if (text !== '') lines.push(renderTemplate(format.assistant, { content: cut(text, format.maxTextCharacters) }));
      for (const call of message.tool_calls ?? []) {
        lines.push(renderTemplate(format.call, { name: call.function.name, arguments: cut(call.function.arguments, format.maxArgumentCharacters) }));
      }
      if (lines.length === 0) lines.push(renderTemplate(format.assistant, { content: '' }));
      return lines.join(format.lineSeparator);
    }
  }
}

/** Joins the kept, non-empty blocks in order; each run of left-out blocks becomes one `omitted` line. */
function assemble(blocks: readonly string[], kept: ReadonlySet<number>, format: DiagnosisTrajectoryFormat): string {
  const parts: string[] = [];
  let omitted = 0;
  blocks.forEach((block, index) => {
    if (block === '') return;
    if (kept.has(index)) {
      if (omitted > 0) parts.push(renderTemplate(format.omitted, { count: omitted }));
      omitted = 0;
      parts.push(block);
    } else {
      omitted += 1;
    }
  });
  if (omitted > 0) parts.push(renderTemplate(format.omitted, { count: omitted }));
  return parts.join(format.lineSeparator);
}

/**
 * Renders a conversation (OpenAI chat messages) for a diagnosis prompt within
 * `format.maxCharacters`: one line per user message, assistant text, tool call (arguments cut) and
 * tool result (named by its call, cut keeping beginning and end). When it does not fit, tool
 * results are cut shorter; then messages are left out (marked). The first user message and the
 * last message stay; then, in order, as many as fit of: the assistant turns, other user and system
 * messages, assistant turns that repeat an earlier one word for word, tool results. Uses nothing
 * but the messages (no gold knowledge), and never exceeds `maxCharacters`.
 */
export function renderTrajectoryForDiagnosis(messages: readonly ChatMessage[], format: DiagnosisTrajectoryFormat): string {
  if (messages.length === 0) return shortenMiddle(format.empty, format.maxCharacters, format.ellipsis);
  const callNames = new Map<string, string>();
  for (const message of messages) {
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) callNames.set(call.id, call.function.name);
  }
  const all = new Set(messages.map((_message, index) => index));
  const budgets = [...new Set([format.maxToolResultCharacters, Math.floor(format.maxToolResultCharacters / 2), Math.floor(format.maxToolResultCharacters / 4)])];
  let blocks: string[] = [];
  for (const budget of budgets) {
    blocks = messages.map((message) => renderMessage(message, callNames, format, budget));
    const whole = assemble(blocks, all, format);
    if (whole.length <= format.maxCharacters) return whole;
  }
  const indexes = messages.map((_message, index) => index);
  const byRole = (role: ChatMessage['role']): number[] => indexes.filter((index) => messages[index]?.role === role);
  const firstUser = byRole('user')[0];
  const kept = new Set<number>([messages.length - 1, ...(firstUser === undefined ? [] : [firstUser])]);
  const seenTurns = new Set<string>();
  const assistant = byRole('assistant');
  const firstOfKind = assistant.filter((index) => {
    const turn = blocks[index] ?? '';
    if (seenTurns.has(turn)) return false;
    seenTurns.add(turn);
    return true;
  });
  const repeated = assistant.filter((index) => !firstOfKind.includes(index));
  for (const index of [...firstOfKind, ...byRole('user'), ...byRole('system'), ...repeated, ...byRole('tool')]) {
    if (kept.has(index)) continue;
    kept.add(index);
    if (assemble(blocks, kept, format).length > format.maxCharacters) kept.delete(index);
  }
  return shortenMiddle(assemble(blocks, kept, format), format.maxCharacters, format.ellipsis);
}
