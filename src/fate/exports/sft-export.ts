import { z } from 'zod';
import { chatMessageSchema, openAiToolSchema } from '../../trajectory/message.js';
import type { ReplayBufferEntry } from '../replay-buffer.js';
import { finishedCompletionConversationSchema, promptConversationSchema } from './conversation-schemas.js';
import { promptMessages, completionMessages, withUserMessage } from './conversation-split.js';

/**
 * One line of `sft.jsonl`: OpenAI chat fine-tuning format, `{"messages": [...], "tools": [...]}`,
 * tool-call arguments as the raw strings the policy produced. Messages: system, user (p_f or x),
 * then the repair's assistant and tool turns, ending with the final answer.
 */
export const sftLineSchema = z
  .object({
    messages: z.array(chatMessageSchema).superRefine((messages, context) => {
      const prompt = promptConversationSchema.safeParse(promptMessages(messages));
      const completion = finishedCompletionConversationSchema.safeParse(completionMessages(messages));
      if (!prompt.success) context.addIssue({ code: 'custom', message: `prompt part: ${prompt.error.issues[0]?.message ?? 'invalid'}` });
      if (!completion.success) context.addIssue({ code: 'custom', message: `completion part: ${completion.error.issues[0]?.message ?? 'invalid'}` });
    }),
    tools: z.array(openAiToolSchema),
  })
  .strict();
export type SftLine = z.infer<typeof sftLineSchema>;

/** Which (prompt, a*) pairs `sft.jsonl` holds per buffer entry; both by default (DESIGN §2, step 3). */
export interface SftExportOptions {
  /** (p_f, a*): the repair under the repair prompt it was sampled with. */
  repairPrompt: boolean;
  /** (x, a*): the repair under the task's own request, as the agent sees it at deployment. */
  originalPrompt: boolean;
}

/** Default SFT pairs: both. */
export const defaultSftExportOptions: SftExportOptions = { repairPrompt: true, originalPrompt: true };

/** The SFT lines of the replay buffer: per entry, (p_f, a*) then (x, a*), each when switched on. */
export function sftLines(entries: readonly ReplayBufferEntry[], options: SftExportOptions = defaultSftExportOptions): SftLine[] {
  return entries.flatMap((entry) => {
    const lines: SftLine[] = [];
    if (options.repairPrompt) lines.push({ messages: withUserMessage(entry.repair.messages, entry.repairPrompt), tools: entry.repair.tools });
    if (options.originalPrompt) lines.push({ messages: withUserMessage(entry.repair.messages, entry.originalPrompt), tools: entry.repair.tools });
    return lines;
  });
}
