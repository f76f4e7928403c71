import { z } from 'zod';

/** One tool call as an OpenAI-compatible assistant message carries it; `arguments` is the raw string the policy produced. */
export const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

/** A system message. */
export const systemMessageSchema = z.object({ role: z.literal('system'), content: z.string() });
/** A user message. */
export const userMessageSchema = z.object({ role: z.literal('user'), content: z.string() });
/** An assistant message: text, tool calls, or both. */
export const assistantMessageSchema = z.object({
  role: z.literal('assistant'),
  content: z.string().nullable(),
  tool_calls: z.array(toolCallSchema).optional(),
});
/** The result of one tool call, returned to the policy. */
export const toolMessageSchema = z.object({
  role: z.literal('tool'),
  tool_call_id: z.string(),
  content: z.string(),
});

/** Any chat message in OpenAI's chat-completions format. */
export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
]);

export type SystemMessage = z.infer<typeof systemMessageSchema>;
export type UserMessage = z.infer<typeof userMessageSchema>;
export type AssistantMessage = z.infer<typeof assistantMessageSchema>;
export type ToolMessage = z.infer<typeof toolMessageSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** A tool offered to the policy, in OpenAI's `tools` format (JSON Schema parameters). */
export const openAiToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string(),
    description: z.string(),
    parameters: z.record(z.string(), z.unknown()),
  }),
});
export type OpenAiTool = z.infer<typeof openAiToolSchema>;

/** A tool call as data (arguments already structured), used for ground truth and scripted policies. */
export const toolCallSpecSchema = z.object({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
});
export type ToolCallSpec = z.infer<typeof toolCallSpecSchema>;
