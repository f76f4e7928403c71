import OpenAI, { APIConnectionError, APIError } from 'openai';
import { z } from 'zod';
import type { PolicyRequest, PolicyResponse } from '../../agent/policy.js';
import { hashString } from '../../envs/random.js';
import type { SamplingPolicy } from '../samples.js';
import { completionToResponses, failedResponse } from './completion-conversion.js';
import { mapWithConcurrency } from './concurrency-limit.js';
import { OpenAiPolicyError, parseOpenAiEndpoint, type OpenAiEndpoint } from './endpoint.js';
import { fateModelOwner, type FateRequestExtension } from './fate-extension.js';
import { readBodyWithLimit, ResponseTooLargeError } from './response-body.js';
import { RetriesExhaustedError, withRetries, type FailureAdvice } from './retry.js';
import { openAiSettingsFromEnvironment, openAiSettingsSchema, type OpenAiDecodingDefaults, type OpenAiSettings } from './settings.js';

/** One attempt that ran past the policy's timeout (response body included). */
class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
}

const modelListSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string().optional(), owned_by: z.string().optional() })) });

/** Reads a server's requested retry delay from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds)) return milliseconds;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? date - Date.now() : undefined;
}

/** Retry on timeouts, connection failures and 408/409/429/5xx answers; nothing else. */
function adviseRetry(error: unknown): FailureAdvice {
  if (error instanceof AttemptTimeoutError || error instanceof APIConnectionError) return { retryable: true };
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return { retryable, retryAfterMs: retryable ? retryAfterMs(error.headers) : undefined };
  }
  return { retryable: false };
}

/** The innermost `cause` of an error (for a connection failure: the socket error, e.g. ECONNREFUSED). */
function deepestCause(error: Error): Error {
  let current = error;
  while (current.cause instanceof Error) current = current.cause;
  return current;
}

/** One line for a request that failed for good. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const attempts = error instanceof RetriesExhaustedError ? error.attempts : 1;
  const cause = error instanceof RetriesExhaustedError ? error.lastError : error;
  let reason: string;
  if (cause instanceof AttemptTimeoutError) reason = `no complete response within ${timeoutMs} ms`;
  else if (cause instanceof APIError && cause.status !== undefined) reason = `HTTP ${cause.status}: ${cause.message.replace(/^\d{3}\s*/, '') || 'no body'}`;
  else if (cause instanceof APIConnectionError) reason = `connection failed: ${deepestCause(cause).message}`;
  else if (cause instanceof ResponseTooLargeError) reason = cause.message;
  else reason = `request failed: ${(cause as Error)?.message ?? String(cause)}`;
  const line = attempts > 1 ? `${reason} (after ${attempts} attempts)` : reason;
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

/**
 * A policy behind any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp
 * server, Ollama, `fate serve`), through the official `openai` SDK. The episode's tools go out in
 * OpenAI format; temperature, top-p and a per-episode-and-turn seed come from the settings;
 * log-probabilities are kept when the server returns them. Requests run with a concurrency limit,
 * a timeout and retries with exponential backoff; anything the server gets wrong ends up as a
 * response with an `error` and a message the verifiers score, never as a thrown error.
 */
export class OpenAiPolicy implements SamplingPolicy {
  private readonly client: OpenAI;
  private fateServer: Promise<boolean> | undefined;

  constructor(
    readonly name: string,
    readonly endpoint: OpenAiEndpoint,
    readonly settings: OpenAiSettings,
    apiKey: string,
  ) {
    this.client = new OpenAI({ apiKey, baseURL: endpoint.baseUrl, maxRetries: 0, timeout: settings.timeoutMs });
  }

  /**
   * Makes the policy of spec `openai:MODEL[@BASE_URL]` (`argument` is the part after `openai:`)
   * with settings from `FATE_OPENAI_*` variables (over `defaults`: temperature, top-p and seed
   * from a config file's decoding), `overrides` over both, and the API key from `OPENAI_API_KEY`
   * (or the variable `FATE_OPENAI_API_KEY_ENV` names). Without a key, a custom endpoint gets a placeholder
   * (local servers need none); api.openai.com, or a variable named explicitly, must have one.
   * Throws {@link OpenAiPolicyError} with a one-line reason.
   */
  static fromSpec(
    spec: string,
    argument: string,
    environment: NodeJS.ProcessEnv = process.env,
    overrides: Partial<OpenAiSettings> = {},
    defaults: OpenAiDecodingDefaults = {},
  ): OpenAiPolicy {
    const endpoint = parseOpenAiEndpoint(argument);
    const settings = openAiSettingsFromEnvironment(environment, overrides, defaults);
    const key = environment[settings.apiKeyVariable];
    const customEndpoint = endpoint.baseUrl !== undefined || (environment.OPENAI_BASE_URL ?? '') !== '';
    const explicitVariable = settings.apiKeyVariable !== openAiSettingsSchema.shape.apiKeyVariable.parse(undefined);
    if ((key === undefined || key === '') && (!customEndpoint || explicitVariable)) {
      throw new OpenAiPolicyError(`policy "${spec}" needs an API key: set ${settings.apiKeyVariable}${explicitVariable ? '' : ' (or name another variable in FATE_OPENAI_API_KEY_ENV)'}`);
    }
    return new OpenAiPolicy(spec, endpoint, settings, key || 'no-key');
  }

  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    const samples = await this.generateSamples(requests, 1);
    return samples.map((responses) => responses[0] as PolicyResponse);
  }

  /** `count` samples of each request's turn, from one request with `n = count` each. */
  async generateSamples(requests: readonly PolicyRequest[], count: number): Promise<PolicyResponse[][]> {
    const extension = await this.sendsFateExtension();
    return mapWithConcurrency(requests, this.settings.concurrency, (request) => this.complete(request, Math.max(1, Math.floor(count)), extension));
  }

  /** Whether requests carry the `fate` extension: per the setting, or (auto) when the endpoint is `fate serve`. */
  private sendsFateExtension(): Promise<boolean> {
    if (this.settings.fateExtension !== 'auto') return Promise.resolve(this.settings.fateExtension === 'on');
    this.fateServer ??= this.attempt(async (signal) => {
      const response = await this.client.models.list({ signal, maxRetries: 0 }).asResponse();
      return readBodyWithLimit(response, 1024 * 1024);
    })
      .then((body) => {
        const list = modelListSchema.safeParse(JSON.parse(body));
        return list.success && list.data.data.some((model) => model.owned_by === fateModelOwner);
      })
      .catch(() => false);
    return this.fateServer;
  }

  /** Runs one attempt under the timeout; the signal aborts the request and the body read. */
  private async attempt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.settings.timeoutMs);
    try {
      return await work(controller.signal);
    } catch (error) {
      if (timedOut) throw new AttemptTimeoutError(`no complete response within ${this.settings.timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private requestBody(request: PolicyRequest, count: number, extension: boolean): Record<string, unknown> {
    const turn = request.messages.filter((message) => message.role === 'assistant').length;
    const fate: FateRequestExtension = {
      episode_id: request.episodeId,
      entities: request.entities,
      ...(request.task !== undefined ? { task: request.task } : {}),
    };
    return {
      model: this.endpoint.model,
      messages: request.messages,
      ...(request.tools.length > 0 ? { tools: request.tools } : {}),
      // A request's own sampling (a client of `fate serve` serving this policy) before the settings.
      temperature: request.sampling?.temperature ?? this.settings.temperature,
      top_p: request.sampling?.topP ?? this.settings.topP,
      seed: hashString(`${this.settings.seed}:${request.episodeId}:${turn}`),
      ...(count > 1 ? { n: count } : {}),
      ...(this.settings.logprobs ? { logprobs: true } : {}),
      ...((request.sampling?.maxNewTokens ?? this.settings.maxTokens) !== undefined ? { max_tokens: request.sampling?.maxNewTokens ?? this.settings.maxTokens } : {}),
      ...(extension ? { fate } : {}),
    };
  }

  /** One request, retried as the settings say; always `count` responses, failed ones with an error. */
  private async complete(request: PolicyRequest, count: number, extension: boolean): Promise<PolicyResponse[]> {
    const turn = request.messages.filter((message) => message.role === 'assistant').length;
    try {
      const body = this.requestBody(request, count, extension) as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
      const text = await withRetries(
        () =>
          this.attempt(async (signal) => {
            const response = await this.client.chat.completions.create(body, { signal, maxRetries: 0 }).asResponse();
            return readBodyWithLimit(response, this.settings.maxResponseBytes);
          }),
        adviseRetry,
        { maxRetries: this.settings.maxRetries, baseDelayMs: this.settings.retryBaseDelayMs, maxDelayMs: this.settings.retryMaxDelayMs },
      );
      return completionToResponses(text, count, { tools: request.tools, turn });
    } catch (error) {
      const reason = describeFailure(error, this.settings.timeoutMs);
      return Array.from({ length: count }, () => failedResponse(reason));
    }
  }
}
