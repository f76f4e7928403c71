import type { Policy } from '../agent/policy.js';
import { LlamaCppModelError, LlamaCppPolicy, LlamaCppUnavailableError } from './llamacpp/index.js';
import { OpenAiPolicy, OpenAiPolicyError, type OpenAiDecodingDefaults } from './openai/index.js';
import { scriptedBehaviours } from './scripted/behaviours.js';
import { ScriptedDiagnoserPolicy, scriptedDiagnosers } from './scripted/diagnosers.js';
import { ScriptedPolicy } from './scripted/scripted-policy.js';
import type { DecodingOverrides } from './tiny/decoding.js';
import { TinyCheckpointError, TinyPolicy } from './tiny/tiny-policy.js';

/** A policy spec that names no known policy. */
export class UnknownPolicyError extends Error {
  override readonly name = 'UnknownPolicyError';
}

/** Every policy spec fate understands, for help texts. */
export function policySpecs(): string[] {
  return ['tiny', 'tiny:PATH', 'openai:MODEL[@BASE_URL]', 'llamacpp:PATH.gguf', ...[...Object.keys(scriptedBehaviours), ...Object.keys(scriptedDiagnosers)].map((name) => `scripted:${name}`)];
}

/** Whether the policy of `spec` reads the task handle of a request (reference policies do; models work from messages alone). */
export function policyReadsTask(spec: string): boolean {
  return spec.startsWith('scripted:');
}

/** The temperature, top-p and seed that `decoding` sets, as an `openai` policy's defaults. */
function openAiDecodingDefaults(decoding: DecodingOverrides): OpenAiDecodingDefaults {
  const { temperature, topP, seed } = decoding;
  return { ...(temperature !== undefined ? { temperature } : {}), ...(topP !== undefined ? { topP } : {}), ...(seed !== undefined ? { seed } : {}) };
}

/**
 * Makes a policy from its spec: `tiny` (the committed base checkpoint), `tiny:PATH` (a checkpoint
 * folder), `openai:MODEL[@BASE_URL]` (any OpenAI-compatible endpoint, settings from
 * `FATE_OPENAI_*` environment variables), `llamacpp:PATH.gguf` (an exported model), `scripted:NAME`
 * (a reference behaviour or diagnoser). `decoding` (a config file's `decoding` section) changes the
 * evaluation decoding of `tiny` and `llamacpp` policies, and gives an `openai` policy its default
 * temperature, top-p and seed, which `FATE_OPENAI_*` variables still override; scripted policies
 * do not sample. Throws {@link UnknownPolicyError} for an unknown spec, an unusable checkpoint or
 * endpoint, with a one-line reason.
 */
export async function createPolicy(spec: string, decoding: DecodingOverrides = {}): Promise<Policy> {
  const [kind, ...rest] = spec.split(':');
  const argument = rest.join(':');
  if (kind === 'scripted') {
    const behaviour = scriptedBehaviours[argument];
    if (behaviour) return new ScriptedPolicy(spec, behaviour.plan);
    const diagnoser = scriptedDiagnosers[argument];
    if (diagnoser) return new ScriptedDiagnoserPolicy(spec, diagnoser);
    throw new UnknownPolicyError(`unknown scripted policy "${argument}"; known: ${[...Object.keys(scriptedBehaviours), ...Object.keys(scriptedDiagnosers)].join(', ')}`);
  }
  if (kind === 'tiny') {
    try {
      return await TinyPolicy.load(argument === '' ? undefined : argument, decoding, spec);
    } catch (error) {
      if (error instanceof TinyCheckpointError) throw new UnknownPolicyError(error.message);
      throw error;
    }
  }
  if (kind === 'openai') {
    try {
      return OpenAiPolicy.fromSpec(spec, argument, process.env, {}, openAiDecodingDefaults(decoding));
    } catch (error) {
      if (error instanceof OpenAiPolicyError) throw new UnknownPolicyError(error.message);
      throw error;
    }
  }
  if (kind === 'llamacpp') {
    // llamacpp:PATH.gguf — a model exported with `fate export --format gguf`, run by node-llama-cpp (optional dependency).
    try {
      return await LlamaCppPolicy.load(argument, decoding, spec);
    } catch (error) {
      if (error instanceof LlamaCppModelError || error instanceof LlamaCppUnavailableError) throw new UnknownPolicyError(error.message);
      throw error;
    }
  }
  throw new UnknownPolicyError(`unknown policy "${spec}"; known: ${policySpecs().join(', ')}`);
}
