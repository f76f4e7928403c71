import { z } from 'zod';
import { chatMessageSchema, openAiToolSchema } from './message.js';

/** How one tool call in a step fared when the agent loop executed it. */
export const callOutcomeSchema = z.object({
  toolCallId: z.string(),
  name: z.string(),
  status: z.enum(['ok', 'tool-error', 'unparsable-arguments', 'unknown-tool', 'invalid-arguments']),
  detail: z.string().optional(),
});
export type CallOutcome = z.infer<typeof callOutcomeSchema>;

/** Metadata of one step (one assistant message and the tool results it caused). */
export const stepMetadataSchema = z.object({
  /** Index of the assistant message in `messages`. */
  messageIndex: z.number().int().nonnegative(),
  kind: z.enum(['tool-calls', 'answer', 'invalid']),
  calls: z.array(callOutcomeSchema),
  /** Token ids the policy sampled for this message, where the backend gives them. */
  tokenIds: z.array(z.number().int()).optional(),
  /** Log-probability of each sampled token, where the backend gives them. */
  logProbs: z.array(z.number()).optional(),
  /** Why the step is invalid (policy error, unparsable output), when it is. */
  error: z.string().optional(),
});
export type StepMetadata = z.infer<typeof stepMetadataSchema>;

/** Why an episode ended. */
export const terminationSchema = z.enum(['answer', 'step-limit', 'policy-error']);
export type Termination = z.infer<typeof terminationSchema>;

/** A whole episode: the OpenAI chat messages, the tools offered, and per-step metadata. */
export const trajectorySchema = z.object({
  taskId: z.string(),
  messages: z.array(chatMessageSchema),
  tools: z.array(openAiToolSchema),
  steps: z.array(stepMetadataSchema),
  termination: terminationSchema,
});
export type Trajectory = z.infer<typeof trajectorySchema>;

/** The final text answer of a trajectory: the content of the last assistant message without tool calls, or null. */
export function finalAnswer(trajectory: Pick<Trajectory, 'messages'>): string | null {
  for (let index = trajectory.messages.length - 1; index >= 0; index -= 1) {
    const message = trajectory.messages[index];
    if (message?.role !== 'assistant') continue;
    if (message.tool_calls && message.tool_calls.length > 0) return null;
    return message.content ?? '';
  }
  return null;
}

/** All assistant text of a trajectory joined (used by the refusal detector when there is no final answer). */
export function assistantText(trajectory: Pick<Trajectory, 'messages'>): string {
  return trajectory.messages
    .filter((message) => message.role === 'assistant')
    .map((message) => (message.role === 'assistant' ? (message.content ?? '') : ''))
    .join('\n');
}
