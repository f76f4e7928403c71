import { z } from 'zod';
import { chatMessageSchema } from '../../trajectory/message.js';

/** A conversational prompt: a system message, then one user message (nothing the assistant wrote). */
export const promptConversationSchema = z
  .array(chatMessageSchema)
  .min(1)
  .refine((messages): boolean => messages.every((message) => message.role === 'system' || message.role === 'user'), 'a prompt holds only system and user messages')
  .refine((messages): boolean => messages[messages.length - 1]?.role === 'user', 'a prompt ends with the user message');

/**
 * A conversational completion: assistant turns with their tool results, starting with an
 * assistant message. A failure's completion may end on a tool result (step limit, policy error).
 */
export const completionConversationSchema = z
  .array(chatMessageSchema)
  .min(1)
  .refine((messages): boolean => messages.every((message) => message.role === 'assistant' || message.role === 'tool'), 'a completion holds only assistant and tool messages')
  .refine((messages): boolean => messages[0]?.role === 'assistant', 'a completion starts with an assistant message');

/** A completion that ends with the assistant's final answer (every accepted repair does: it passes control). */
export const finishedCompletionConversationSchema = completionConversationSchema.refine((messages): boolean => {
  const last = messages[messages.length - 1];
  return last?.role === 'assistant' && (last.tool_calls ?? []).length === 0;
}, 'a finished completion ends with an assistant answer without tool calls');
