import { z } from 'zod';
import { entitySchema } from '../../envs/entity.js';

/** The `owned_by` a `fate serve` endpoint gives its model in `/models`; an `openai:` policy that sees it sends {@link FateRequestExtension}. */
export const fateModelOwner = 'fate';

/**
 * The `fate` field of a chat-completions request to `fate serve` (an extension no other server
 * sees): what a fate policy reads besides the messages. With it a served policy answers exactly
 * as it would in-process: the episode id seeds its sampling, entities fill template slots, and
 * reference (scripted) policies read the task.
 */
export const fateRequestExtensionSchema = z
  .object({
    episode_id: z.string().min(1).optional(),
    entities: z.array(entitySchema).optional(),
    task: z.unknown().optional(),
  })
  .strict();
export type FateRequestExtension = z.infer<typeof fateRequestExtensionSchema>;

/**
 * The `fate` field of every choice in a `fate serve` response: the served policy's own error
 * (output it could not turn into a message; absent when it had none) and the generated token
 * ids, so nothing is lost on the wire. Where it is present, its `error` is the whole verdict on
 * the turn: the served policy already judged its own output, as it does in-process.
 */
export const fateChoiceExtensionSchema = z.object({
  error: z.string().optional(),
  token_ids: z.array(z.number().int().nonnegative()).optional(),
});
export type FateChoiceExtension = z.infer<typeof fateChoiceExtensionSchema>;
