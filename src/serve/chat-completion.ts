import { randomUUID } from 'node:crypto';
import type { PolicyRequest, PolicyResponse, SamplingOverrides } from '../agent/policy.js';
import type { FateChoiceExtension } from '../policies/openai/index.js';
import { taskSchema, type Task } from '../suites/task.js';
import type { ChatMessage, OpenAiTool } from '../trajectory/message.js';
import { ApiError, validationError } from './api-error.js';
import type { PolicyQueue } from './policy-queue.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest, type RequestMessage } from './request-schema.js';

/** What the chat-completions handler serves. */
export interface ChatCompletionContext {
  queue: PolicyQueue;
  /** The one model name the server answers to. */
  modelName: string;
  /** Whether the served policy needs the task (the `fate.task` extension) to answer. */
  readsTask: boolean;
}

function text(content: string | Array<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function toChatMessage(message: RequestMessage): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: text(message.content) };
    case 'user':
      return { role: 'user', content: text(message.content) };
    case 'assistant': {
      const content = message.content === undefined || message.content === null ? (message.refusal ?? null) : text(message.content);
      const calls = (message.tool_calls ?? []).map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.function.name, arguments: call.function.arguments } }));
      return { role: 'assistant', content, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: text(message.content) };
  }
}

function toTools(request: ChatCompletionRequest): OpenAiTool[] {
  if (request.tool_choice === 'none') return [];
  return (request.tools ?? []).map((tool) => ({
    type: 'function',
    function: { name: tool.function.name, description: tool.function.description ?? '', parameters: tool.function.parameters ?? { type: 'object', properties: {} } },
  }));
}

/**
 * The policy request of a chat-completions request. The episode id comes from the `fate`
 * extension when present (a fate client's own episode, so seeded policies answer exactly as
 * in-process), else from `seed` (same seed, same sampling stream), else a fresh random id.
 */
function toPolicyRequest(request: ChatCompletionRequest, context: ChatCompletionContext): PolicyRequest {
  let task: Task | undefined;
  if (request.fate?.task !== undefined) {
    const parsed = taskSchema.safeParse(request.fate.task);
    if (!parsed.success) throw validationError(parsed.error, request.fate.task, 'fate.task');
    task = parsed.data;
  } else if (context.readsTask) {
    throw new ApiError(
      400,
      `fate.task: required: the served policy ${context.modelName} is a reference policy that reads the task; send it in the "fate" extension field (an openai: policy does so by itself against fate serve)`,
      'invalid_request_error',
      'fate.task',
      'missing_required_parameter',
    );
  }
  const episodeId = request.fate?.episode_id ?? (request.seed !== undefined && request.seed !== null ? `seed-${request.seed}` : `request-${randomUUID()}`);
  const sampling = toSampling(request);
  return {
    episodeId,
    messages: request.messages.map(toChatMessage),
    tools: toTools(request),
    entities: request.fate?.entities ?? task?.entities ?? [],
    task,
    ...(sampling ? { sampling } : {}),
  };
}

/**
 * The request's sampling parameters (`max_completion_tokens` before the older `max_tokens`;
 * `top_p: 0`, which keeps only the likeliest token, as temperature 0); undefined when it sets none.
 */
function toSampling(request: ChatCompletionRequest): SamplingOverrides | undefined {
  const maxNewTokens = request.max_completion_tokens ?? request.max_tokens;
  const topP = request.top_p ?? undefined;
  const temperature = topP === 0 ? 0 : (request.temperature ?? undefined);
  const sampling: SamplingOverrides = {
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined && topP > 0 ? { topP } : {}),
    ...(maxNewTokens !== undefined && maxNewTokens !== null ? { maxNewTokens } : {}),
  };
  return Object.keys(sampling).length > 0 ? sampling : undefined;
}

function toChoice(response: PolicyResponse, index: number, logprobs: boolean) {
  const calls = response.message.tool_calls ?? [];
  const fate: FateChoiceExtension = {
    ...(response.error !== undefined ? { error: response.error } : {}),
    ...(response.tokenIds ? { token_ids: response.tokenIds } : {}),
  };
  return {
    index,
    message: {
      role: 'assistant' as const,
      content: response.message.content,
      refusal: null,
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
    },
    logprobs:
      logprobs && response.logProbs
        ? {
            content: response.logProbs.map((logprob, position) => ({
              token: response.tokenIds?.[position] !== undefined ? `token_id:${response.tokenIds[position]}` : '',
              logprob,
              bytes: null,
              top_logprobs: [],
            })),
            refusal: null,
          }
        : null,
    finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
    fate,
  };
}

/**
 * Answers one `/v1/chat/completions` body: validates it (throwing {@link ApiError} 400/404 for a
 * bad request), asks the policy for `n` samples, and renders an OpenAI chat completion.
 * `temperature`, `top_p` and `max_tokens` / `max_completion_tokens` go to the policy as
 * {@link SamplingOverrides} (the embedded policy honours them, its turn budget capping the
 * tokens); `seed` picks the sampling stream when no `fate` extension names the episode.
 */
export async function chatCompletion(body: unknown, context: ChatCompletionContext): Promise<object> {
  const parsed = chatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, body);
  const request = parsed.data;
  if (request.model !== context.modelName) {
    throw new ApiError(404, `The model \`${request.model}\` does not exist; this server serves \`${context.modelName}\``, 'invalid_request_error', 'model', 'model_not_found');
  }
  const policyRequest = toPolicyRequest(request, context);
  const count = request.n ?? 1;
  let responses: PolicyResponse[];
  try {
    responses = await context.queue.submit(policyRequest, count);
  } catch (error) {
    throw new ApiError(500, `the policy failed: ${(error as Error).message}`, 'server_error', null, 'policy_error');
  }
  const choices = responses.map((response, index) => toChoice(response, index, request.logprobs === true));
  const completionTokens = responses.reduce((sum, response) => sum + (response.tokenIds?.length ?? 0), 0);
  return {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: context.modelName,
    system_fingerprint: null,
    choices,
    usage: { prompt_tokens: 0, completion_tokens: completionTokens, total_tokens: completionTokens },
  };
}
