import { z } from 'zod';
import type { PolicyResponse } from '../../agent/policy.js';
import type { AssistantMessage, OpenAiTool, ToolCall } from '../../trajectory/message.js';
import { fateChoiceExtensionSchema } from './fate-extension.js';

// Lenient shapes: a server may send anything, and each defect becomes a recorded error, not a throw.
const contentPartSchema = z.looseObject({ type: z.string().optional(), text: z.string().optional() });
const responseMessageSchema = z.looseObject({
  content: z.union([z.string(), z.null(), z.array(contentPartSchema)]).optional(),
  refusal: z.string().nullable().optional(),
  tool_calls: z.array(z.unknown()).nullable().optional(),
});
const responseToolCallSchema = z.looseObject({
  id: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  function: z.looseObject({
    name: z.string(),
    arguments: z.union([z.string(), z.record(z.string(), z.unknown()), z.null()]).optional(),
  }),
});
const logProbabilitiesSchema = z.looseObject({
  content: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).nullable().optional(),
});
const choiceSchema = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  message: z.unknown().optional(),
  logprobs: z.unknown().optional(),
  fate: z.unknown().optional(),
});
const completionSchema = z.looseObject({ choices: z.array(z.unknown()) });
const errorBodySchema = z.looseObject({ error: z.union([z.string(), z.looseObject({ message: z.string() })]) });

/** Shortens a server-provided string for an error text. */
function excerpt(text: string, length = 80): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= length ? JSON.stringify(flat) : `${JSON.stringify(flat.slice(0, length))}…`;
}

/** A failed turn: an empty assistant message the verifiers score, with the reason. */
export function failedResponse(error: string): PolicyResponse {
  return { message: { role: 'assistant', content: null }, error };
}

/** What a conversion needs to know about the request. */
export interface ConversionContext {
  /** The tools offered in the request. */
  tools: readonly OpenAiTool[];
  /** The turn of the episode (assistant messages so far), for ids of calls that come without one. */
  turn: number;
}

/** Problems found in a choice's tool calls: calls that could not be read at all (dropped), and readable calls that name a tool not offered or carry arguments that are not a JSON object (kept as produced). */
interface CallProblems {
  unreadable: string[];
  invalid: string[];
}

function convertToolCall(raw: unknown, index: number, offered: ReadonlySet<string>, turn: number, problems: CallProblems): ToolCall | null {
  const parsed = responseToolCallSchema.safeParse(raw);
  if (!parsed.success) {
    problems.unreadable.push(`tool call ${index} is malformed (${parsed.error.issues[0]?.path.join('.') || 'value'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return null;
  }
  const call = parsed.data;
  if (call.type !== undefined && call.type !== null && call.type !== 'function') {
    problems.unreadable.push(`tool call ${index} has type ${excerpt(call.type)}, not "function"`);
    return null;
  }
  const name = call.function.name;
  if (!offered.has(name)) problems.invalid.push(`tool call ${index} names ${excerpt(name)}, which is not an offered tool`);
  const argumentsValue = call.function.arguments;
  const rawArguments = typeof argumentsValue === 'string' ? argumentsValue : argumentsValue ? JSON.stringify(argumentsValue) : '';
  if (typeof argumentsValue === 'string' && argumentsValue.trim() !== '') {
    let value: unknown;
    try {
      value = JSON.parse(argumentsValue);
    } catch {
      problems.invalid.push(`arguments of tool call ${index} (${excerpt(name, 40)}) are not valid JSON: ${excerpt(argumentsValue, 60)}`);
    }
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      problems.invalid.push(`arguments of tool call ${index} (${excerpt(name, 40)}) are not a JSON object`);
    }
  }
  const id = typeof call.id === 'string' && call.id !== '' ? call.id : `call_${turn}_${index}`;
  return { id, type: 'function', function: { name, arguments: rawArguments } };
}

/**
 * Turns one choice of a chat completion into a policy response. Never throws: whatever the
 * server got wrong (no message, a call to a tool not offered, arguments that are not a JSON
 * object, a malformed call) is named in `error`, and the message keeps what could be read (calls
 * with bad arguments keep their raw text, so the verifiers see exactly what the model produced).
 */
export function choiceToResponse(raw: unknown, context: ConversionContext): PolicyResponse {
  const choice = choiceSchema.safeParse(raw);
  if (!choice.success) return failedResponse('a choice of the response is not an object');
  const parsedMessage = responseMessageSchema.safeParse(choice.data.message);
  if (choice.data.message === undefined || choice.data.message === null || !parsedMessage.success) {
    return failedResponse('a choice of the response has no valid message');
  }
  const { content, refusal, tool_calls: rawCalls } = parsedMessage.data;
  let text: string | null = Array.isArray(content) ? content.map((part) => part.text ?? '').join('') : (content ?? null);
  if (text === null && typeof refusal === 'string' && refusal !== '') text = refusal;
  const offered = new Set(context.tools.map((tool) => tool.function.name));
  const problems: CallProblems = { unreadable: [], invalid: [] };
  const calls = (rawCalls ?? []).map((call, index) => convertToolCall(call, index, offered, context.turn, problems)).filter((call): call is ToolCall => call !== null);
  const message: AssistantMessage = { role: 'assistant', content: text, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
  const response: PolicyResponse = { message };
  const errors = [...problems.unreadable];
  const extension = choice.data.fate === undefined ? undefined : fateChoiceExtensionSchema.safeParse(choice.data.fate);
  if (extension?.success) {
    // A fate server's policy already judged its own output, as it would in-process: its error
    // replaces the checks of readable calls here (the verifiers still check every call).
    if (extension.data.error !== undefined) errors.push(extension.data.error);
    if (extension.data.token_ids !== undefined) response.tokenIds = extension.data.token_ids;
  } else {
    errors.push(...problems.invalid);
  }
  const logProbabilities = logProbabilitiesSchema.safeParse(choice.data.logprobs ?? {});
  const entries = logProbabilities.success ? logProbabilities.data.content : undefined;
  if (entries && entries.length > 0) {
    response.logProbs = entries.map((entry) => entry.logprob);
    const tokenIds = entries.map((entry) => /^token_id:(\d+)$/.exec(entry.token)?.[1]);
    if (response.tokenIds === undefined && tokenIds.every((id) => id !== undefined)) response.tokenIds = tokenIds.map(Number);
  }
  if (errors.length > 0) response.error = errors.join('; ');
  return response;
}

/**
 * Turns a chat-completion response body into `count` policy responses (choice `index` order).
 * A body that is not JSON, holds no choices, or fewer than `count`, yields failed responses
 * naming the defect; never throws.
 */
export function completionToResponses(body: string, count: number, context: ConversionContext): PolicyResponse[] {
  const all = (error: string) => Array.from({ length: count }, () => failedResponse(error));
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return all(`the response body is not JSON (${body.length} characters, starting ${excerpt(body, 60)})`);
  }
  const completion = completionSchema.safeParse(json);
  if (!completion.success) {
    const error = errorBodySchema.safeParse(json);
    if (error.success) return all(`the server answered with an error: ${excerpt(typeof error.data.error === 'string' ? error.data.error : error.data.error.message, 200)}`);
    return all('the response is not a chat completion (no choices array)');
  }
  const choices = completion.data.choices;
  if (choices.length === 0) return all('the server returned no choices');
  const byIndex = new Map<number, unknown>();
  choices.forEach((choice, position) => {
    const parsed = choiceSchema.safeParse(choice);
    const index = parsed.success && parsed.data.index !== undefined ? parsed.data.index : position;
    if (!byIndex.has(index)) byIndex.set(index, choice);
  });
  return Array.from({ length: count }, (_unused, index) =>
    byIndex.has(index) ? choiceToResponse(byIndex.get(index), context) : failedResponse(`the server returned ${byIndex.size} of ${count} choices`),
  );
}
