import { z } from 'zod';
import { fateRequestExtensionSchema } from '../policies/openai/index.js';

/** Message content: a string or text parts (other part types, e.g. images, are not served). */
const textContentSchema = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.literal('text', { error: 'only text content parts are supported' }), text: z.string() })),
]);

const requestToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const requestMessageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: textContentSchema, name: z.string().optional() }),
  z.looseObject({ role: z.literal('developer'), content: textContentSchema, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content: textContentSchema, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: textContentSchema.nullable().optional(),
    refusal: z.string().nullable().optional(),
    tool_calls: z.array(requestToolCallSchema).optional(),
  }),
  z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: textContentSchema }),
]);
export type RequestMessage = z.infer<typeof requestMessageSchema>;

const requestToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1 to 64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

/**
 * A `/v1/chat/completions` request as `fate serve` accepts it: OpenAI's fields (unknown ones are
 * ignored, as most compatible servers do) plus the optional `fate` extension. Streaming is not
 * served.
 */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(requestMessageSchema).min(1, 'at least one message is required'),
  tools: z.array(requestToolSchema).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })])
    .optional(),
  n: z.number().int().min(1).max(32).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string())]).nullable().optional(),
  stream: z.literal(false, { error: 'streaming is not supported by fate serve' }).nullable().optional(),
  user: z.string().optional(),
  fate: fateRequestExtensionSchema.optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
