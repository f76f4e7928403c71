import type { ChatMessage } from '../../trajectory/message.js';

/** Index of the first assistant message (messages.length when there is none). */
function firstAssistantIndex(messages: readonly ChatMessage[]): number {
  const index = messages.findIndex((message) => message.role === 'assistant');
  return index < 0 ? messages.length : index;
}

/** The messages before the first assistant turn (system and user): a conversational prompt. */
export function promptMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.slice(0, firstAssistantIndex(messages));
}

/** The assistant and tool turns from the first assistant message on: a conversational completion. */
export function completionMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.slice(firstAssistantIndex(messages));
}

/** The messages with the (first) user message's content replaced by `content`. */
export function withUserMessage(messages: readonly ChatMessage[], content: string): ChatMessage[] {
  const index = messages.findIndex((message) => message.role === 'user');
  return messages.map((message, position) => (position === index ? { role: 'user', content } : message));
}
