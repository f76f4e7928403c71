import { z } from 'zod';
import { openAiToolSchema } from '../../trajectory/message.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { trajectoryContentKey, type ReplayBufferEntry } from '../replay-buffer.js';
import { completionConversationSchema, finishedCompletionConversationSchema, promptConversationSchema } from './conversation-schemas.js';
import { completionMessages, promptMessages, withUserMessage } from './conversation-split.js';

/**
 * One line of `kto.jsonl`, TRL's conversational unpaired-preference format: `prompt` (system and
 * the task's request x), `completion` (assistant and tool turns), `label` (true = desirable),
 * plus the `tools` offered. A desirable completion ends with the assistant's answer.
 */
export const ktoLineSchema = z
  .object({
    prompt: promptConversationSchema,
    completion: completionConversationSchema,
    label: z.boolean(),
    tools: z.array(openAiToolSchema),
  })
  .strict()
  .refine((line): boolean => !line.label || finishedCompletionConversationSchema.safeParse(line.completion).success, {
    message: 'a desirable completion ends with an assistant answer',
    path: ['completion'],
  });
export type KtoLine = z.infer<typeof ktoLineSchema>;

/** A failure that no candidate repaired, as the store keeps it. */
export interface UnrepairedFailure {
  taskId: string;
  taskSeed: number;
  trajectory: Trajectory;
}

/**
 * KTO lines: every unrepaired failure as undesirable (`label: false`; the same failure left
 * unrepaired in several rounds is listed once) and, when `includeRepairs` (default), every
 * accepted repair a* after x as desirable (`label: true`). Failures that were repaired are not
 * listed as undesirable here (they are `rejected` in `dpo.jsonl`).
 */
export function ktoLines(unrepaired: readonly UnrepairedFailure[], repairs: readonly ReplayBufferEntry[], includeRepairs = true): KtoLine[] {
  const seen = new Set<string>();
  const distinct = unrepaired.filter((failure) => {
    const key = `${failure.taskId}@${failure.taskSeed}#${trajectoryContentKey(failure.trajectory)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const undesirable = distinct.map((failure) => ({
    prompt: promptMessages(failure.trajectory.messages),
    completion: completionMessages(failure.trajectory.messages),
    label: false,
    tools: failure.trajectory.tools,
  }));
  const desirable = includeRepairs
    ? repairs.map((entry) => ({
        prompt: promptMessages(withUserMessage(entry.repair.messages, entry.originalPrompt)),
        completion: completionMessages(entry.repair.messages),
        label: true,
        tools: entry.repair.tools,
      }))
    : [];
  return [...undesirable, ...desirable];
}
