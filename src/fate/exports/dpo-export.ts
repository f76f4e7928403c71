import { z } from 'zod';
import { openAiToolSchema } from '../../trajectory/message.js';
import type { ReplayBufferEntry } from '../replay-buffer.js';
import { completionConversationSchema, finishedCompletionConversationSchema, promptConversationSchema } from './conversation-schemas.js';
import { completionMessages, promptMessages } from './conversation-split.js';

/**
 * One line of `dpo.jsonl`, TRL's conversational preference format: `prompt` = the messages up to
 * the first assistant turn (system and the task's own request x), `chosen` = the accepted
 * repair's assistant and tool turns, `rejected` = the failure's; plus the `tools` offered.
 */
export const dpoLineSchema = z
  .object({
    prompt: promptConversationSchema,
    chosen: finishedCompletionConversationSchema,
    rejected: completionConversationSchema,
    tools: z.array(openAiToolSchema),
  })
  .strict();
export type DpoLine = z.infer<typeof dpoLineSchema>;

/** One preference pair per replay-buffer entry: chosen = a*, rejected = the failure, both after x. */
export function dpoLines(entries: readonly ReplayBufferEntry[]): DpoLine[] {
  return entries.map((entry) => ({
    prompt: promptMessages(entry.failure.messages),
    chosen: completionMessages(entry.repair.messages),
    rejected: completionMessages(entry.failure.messages),
    tools: entry.repair.tools,
  }));
}
