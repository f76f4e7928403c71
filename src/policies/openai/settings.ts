import { z } from 'zod';
import { evaluationDecoding } from '../tiny/decoding.js';
import { OpenAiPolicyError } from './endpoint.js';

/**
 * Settings of an `openai:` policy. Decoding defaults to the evaluation decoding every method is
 * measured with (temperature, top-p, seed); each request's seed is derived from `seed`, the
 * episode and the turn, so results do not depend on batching or on request order.
 */
export const openAiSettingsSchema = z
  .object({
    apiKeyVariable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('OPENAI_API_KEY').describe('Environment variable holding the API key'),
    temperature: z.number().min(0).max(2).default(evaluationDecoding.temperature).describe('Sampling temperature'),
    topP: z.number().gt(0).max(1).default(evaluationDecoding.topP).describe('Nucleus sampling mass'),
    seed: z.number().int().nonnegative().default(evaluationDecoding.seed).describe('Seed from which each request seed is derived'),
    maxTokens: z.number().int().positive().optional().describe('Most tokens of one assistant turn (`max_tokens`); unset: the server default'),
    logprobs: z.boolean().default(true).describe('Ask for log-probabilities of the generated tokens'),
    timeoutMs: z.number().int().positive().default(120_000).describe('Limit of one attempt, response body included'),
    maxRetries: z.number().int().nonnegative().default(4).describe('Retries after a 408/409/429/5xx answer, a timeout or a connection failure'),
    retryBaseDelayMs: z.number().int().nonnegative().default(500).describe('First retry delay; it doubles on each further retry'),
    retryMaxDelayMs: z.number().int().nonnegative().default(30_000).describe('Longest retry delay (also caps a server-sent Retry-After)'),
    concurrency: z.number().int().positive().default(8).describe('Requests in flight at once across one generate() batch'),
    maxResponseBytes: z.number().int().positive().default(8 * 1024 * 1024).describe('Largest response body read; a larger one is a failed turn'),
    fateExtension: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe('Send the episode id, entities and task in a `fate` request field: auto = only to a `fate serve` endpoint (its /models says owned_by "fate")'),
  })
  .strict();
export type OpenAiSettings = z.infer<typeof openAiSettingsSchema>;

type SettingKind = 'integer' | 'number' | 'boolean' | 'string';

/** The environment variables that set an `openai:` policy's settings (the CLI's only channel to them). */
export const openAiEnvironmentVariables: ReadonlyArray<{ variable: string; setting: keyof OpenAiSettings; kind: SettingKind }> = [
  { variable: 'FATE_OPENAI_API_KEY_ENV', setting: 'apiKeyVariable', kind: 'string' },
  { variable: 'FATE_OPENAI_TEMPERATURE', setting: 'temperature', kind: 'number' },
  { variable: 'FATE_OPENAI_TOP_P', setting: 'topP', kind: 'number' },
  { variable: 'FATE_OPENAI_SEED', setting: 'seed', kind: 'integer' },
  { variable: 'FATE_OPENAI_MAX_TOKENS', setting: 'maxTokens', kind: 'integer' },
  { variable: 'FATE_OPENAI_LOGPROBS', setting: 'logprobs', kind: 'boolean' },
  { variable: 'FATE_OPENAI_TIMEOUT_MS', setting: 'timeoutMs', kind: 'integer' },
  { variable: 'FATE_OPENAI_MAX_RETRIES', setting: 'maxRetries', kind: 'integer' },
  { variable: 'FATE_OPENAI_RETRY_DELAY_MS', setting: 'retryBaseDelayMs', kind: 'integer' },
  { variable: 'FATE_OPENAI_CONCURRENCY', setting: 'concurrency', kind: 'integer' },
  { variable: 'FATE_OPENAI_MAX_RESPONSE_BYTES', setting: 'maxResponseBytes', kind: 'integer' },
  { variable: 'FATE_OPENAI_FATE_EXTENSION', setting: 'fateExtension', kind: 'string' },
];

function convert(text: string, kind: SettingKind): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case 'string':
      return trimmed;
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(trimmed)) return true;
      if (/^(0|false|no|off)$/i.test(trimmed)) return false;
      return trimmed;
    case 'integer':
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'number':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
  }
}

/** Decoding defaults of an `openai:` policy that sit below its environment variables (e.g. a config file's `decoding` section). */
export type OpenAiDecodingDefaults = Partial<Pick<OpenAiSettings, 'temperature' | 'topP' | 'seed'>>;

/**
 * Reads the settings from `FATE_OPENAI_*` environment variables (see
 * {@link openAiEnvironmentVariables}); unset or empty ones keep `defaults` where it gives the
 * setting (a config file's decoding) and the schema defaults otherwise; `overrides` win over
 * both. A bad value throws {@link OpenAiPolicyError} naming the variable, or the default.
 */
export function openAiSettingsFromEnvironment(environment: NodeJS.ProcessEnv, overrides: Partial<OpenAiSettings> = {}, defaults: OpenAiDecodingDefaults = {}): OpenAiSettings {
  const raw: Record<string, unknown> = {};
  for (const { variable, setting, kind } of openAiEnvironmentVariables) {
    const value = environment[variable];
    if (value === undefined || value.trim() === '') continue;
    const parsed = openAiSettingsSchema.shape[setting].safeParse(convert(value, kind));
    if (!parsed.success) throw new OpenAiPolicyError(`environment variable ${variable}="${value}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    raw[setting] = parsed.data;
  }
  const kept: Record<string, unknown> = {};
  for (const [setting, value] of Object.entries(defaults) as [keyof OpenAiDecodingDefaults, number | undefined][]) {
    if (value === undefined || setting in raw || overrides[setting] !== undefined) continue;
    const parsed = openAiSettingsSchema.shape[setting].safeParse(value);
    if (!parsed.success) throw new OpenAiPolicyError(`decoding default ${setting} ${value}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    kept[setting] = parsed.data;
  }
  return openAiSettingsSchema.parse({ ...kept, ...raw, ...overrides });
}
