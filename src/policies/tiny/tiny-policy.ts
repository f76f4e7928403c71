import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Policy, PolicyRequest, PolicyResponse, SamplingOverrides } from '../../agent/policy.js';
import { projectRoot } from '../../envs/data-file.js';
import { hashString } from '../../envs/random.js';
import {
  CheckpointError,
  commonPrefixLength,
  createJaxBackend,
  loadModel,
  Sampler,
  truncatePrefix,
  type CachedPrefix,
  type ModelConfig,
  type ModelParameters,
  type TensorBackend,
} from '../../nn/index.js';
import { tokenizerFromJson, type Tokenizer } from '../../nn/tokenizer/index.js';
import { generationStopTokenIds, loadTinyChatTemplate, parseAssistantOutput, templateTokenIds, usedSlots, type SlotMap } from './chat-template/index.js';
import { readArgumentKinds, type ArgumentKinds } from './argument-kinds.js';
import { GrammarConstraint } from './grammar-constraint.js';
import { promptsWithinContext } from './prompts-within-context.js';
import { evaluationDecoding, requestSampling, type Decoding } from './decoding.js';

/** Where the committed base checkpoint lives. */
export const baseCheckpointDirectory = path.join(projectRoot, 'models', 'base');

/** Options of {@link TinyPolicy.load} that do not change what it samples. */
export interface TinyPolicyOptions {
  /**
   * Keep each episode's keys and values after a turn, so its next turn runs only the tokens its
   * prompt adds (the prefix both turns share is not run again); default true.
   */
  prefixReuse?: boolean;
}

/** The shortest shared prefix worth reusing (shorter ones run whole). */
const minimumReusedPrefix = 32;

/** Per-token temperature: `argumentTemperature` inside a row's argument values, the request's elsewhere. */
function valueTemperature(grammars: readonly GrammarConstraint[], argumentTemperature: number): (row: number, generated: readonly number[]) => number | undefined {
  return (row, generated) => (grammars[row]?.inArgumentValue(generated) ? argumentTemperature : undefined);
}

/** What an episode's last turn left in the cache: the tokens fed and their keys and values. */
interface EpisodeCache {
  tokens: number[];
  cache: CachedPrefix;
}

/** A checkpoint that cannot be used as the tiny policy. */
export class TinyCheckpointError extends Error {
  override readonly name = 'TinyCheckpointError';
}

let sharedBackend: Promise<TensorBackend> | undefined;
/** The jax-js backend the tiny policy runs on: one per process (its worker pool is fixed when jax-js first loads). */
export function tinyBackend(): Promise<TensorBackend> {
  sharedBackend ??= createJaxBackend({ workers: false });
  return sharedBackend;
}

/**
 * The embedded policy: a small llama-style decoder trained by fate, behind the same `Policy`
 * interface as any other. Each request is rendered with the tiny chat template (entities behind
 * slot tokens), generated with the KV-cached sampler, and parsed back into an assistant message;
 * output that does not parse stays malformed for the verifiers. Sampling streams are seeded per
 * episode and turn, so results do not depend on how episodes are batched.
 */
export class TinyPolicy implements Policy {
  private constructor(
    readonly name: string,
    readonly directory: string,
    readonly config: ModelConfig,
    private currentParameters: ModelParameters,
    readonly tokenizer: Tokenizer,
    private readonly sampler: Sampler,
    private readonly stopTokens: number[],
    /** The decoding it samples with: {@link evaluationDecoding} with what {@link TinyPolicy.load} was given (e.g. a config file's `decoding` section) in its place. */
    readonly decoding: Decoding,
    readonly argumentKinds: ArgumentKinds,
    private readonly prefixReuse: boolean,
  ) {}

  /** Loads the checkpoint in `directory` (default: the committed base), sampling with the evaluation decoding changed by `decoding`. */
  static async load(directory: string = baseCheckpointDirectory, decoding: Partial<Decoding> = {}, name = 'tiny', options: TinyPolicyOptions = {}): Promise<TinyPolicy> {
    if (!existsSync(path.join(directory, 'config.json'))) {
      const hint = path.resolve(directory) === baseCheckpointDirectory ? '; no base checkpoint is committed yet: build one with `fate pretrain --out models/base`' : '';
      throw new TinyCheckpointError(`${path.join(directory, 'config.json')}: not found, so ${directory} holds no checkpoint${hint}`);
    }
    const device = await tinyBackend();
    let loaded;
    try {
      loaded = await loadModel(device, directory);
    } catch (error) {
      if (error instanceof CheckpointError) throw new TinyCheckpointError(error.message);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TinyCheckpointError(`${directory}: no checkpoint there (config.json, model.safetensors, tokenizer.json)`);
      throw error;
    }
    if (loaded.tokenizerJson === undefined) throw new TinyCheckpointError(`${path.join(directory, 'tokenizer.json')}: missing; the tiny policy needs the checkpoint's tokenizer`);
    let tokenizer: Tokenizer;
    try {
      tokenizer = tokenizerFromJson(JSON.parse(loaded.tokenizerJson));
    } catch (error) {
      throw new TinyCheckpointError(`${path.join(directory, 'tokenizer.json')}: ${(error as Error).message}`);
    }
    if (tokenizer.vocabularySize !== loaded.config.vocabSize) {
      throw new TinyCheckpointError(`${path.join(directory, 'tokenizer.json')}: ${tokenizer.vocabularySize} tokens, config.json says vocabSize ${loaded.config.vocabSize}`);
    }
    const maximum = loaded.config.maxSequence;
    // Prompts (and scored sequences) are padded to 256, 512 or the context; a turn's KV cache starts
    // at the shortest of those lengths that holds the prompt and 64 more tokens and grows when a row
    // needs it (a decode step costs in proportion to the cache length, and most turns are short).
    // Few lengths on purpose: jax-js's wasm heap keeps a free list per buffer size and never
    // returns memory, so every new shape adds to a 4 GiB ceiling that a long evolve job can reach.
    const lengthBuckets = [...new Set([Math.min(256, maximum), Math.min(512, maximum), maximum])];
    // After a cached prefix, the rest of a prompt (a tool result and the previous call as the
    // template renders it) runs padded to 128 or 256 tokens; a longer rest runs the whole prompt.
    const chunkLengths = [128, 256].filter((length) => length <= maximum / 2);
    const sampler = new Sampler(device, loaded.config, loaded.parameters, { lengthBuckets, cacheReserve: 64, chunkLengths });
    let argumentKinds: ArgumentKinds;
    try {
      argumentKinds = readArgumentKinds(directory);
    } catch (error) {
      throw new TinyCheckpointError((error as Error).message);
    }
    return new TinyPolicy(name, directory, loaded.config, loaded.parameters, tokenizer, sampler, generationStopTokenIds(tokenizer), { ...evaluationDecoding, ...decoding }, argumentKinds, options.prefixReuse ?? true);
  }

  /** The parameters it samples with (owned by whoever gave them; the loaded ones by the policy). */
  get parameters(): ModelParameters {
    return this.currentParameters;
  }

  /**
   * Samples with other parameters of the same model config from now on (e.g. after a training
   * step), keeping the compiled sampling programs. The caller keeps ownership of `parameters`.
   */
  useParameters(parameters: ModelParameters): void {
    this.currentParameters = parameters;
    this.sampler.useParameters(parameters);
    // Keys and values computed with other parameters are of no use now.
    this.episodeCaches.clear();
  }

  /** Prompt tokens sampled from so far, and how many of them came from an episode's kept cache instead of being run. */
  get promptTokenCounts(): { prompt: number; reused: number } {
    return this.sampler.promptTokenCounts;
  }

  /** Each live episode's cache after its last turn (see {@link TinyPolicyOptions.prefixReuse}). */
  private readonly episodeCaches = new Map<string, EpisodeCache>();

  /** The kept cache of an episode's earlier turn that starts `prompt`, if a long enough part does. */
  private prefixFor(episodeId: string, prompt: readonly number[]): CachedPrefix | undefined {
    const kept = this.episodeCaches.get(episodeId);
    if (kept === undefined) return undefined;
    const shared = Math.min(commonPrefixLength(kept.tokens, prompt), kept.cache.length, prompt.length - 1);
    return shared >= minimumReusedPrefix ? truncatePrefix(kept.cache, shared) : undefined;
  }

  /** Frees the compiled sampling programs and kept caches (the parameters stay with their owner); the policy cannot sample afterwards. */
  release(): void {
    this.episodeCaches.clear();
    this.sampler.release();
  }

  /** Log-probability of every token after the first of each sequence, under the current parameters. */
  score(sequences: readonly (readonly number[])[]): Promise<number[][]> {
    return this.sampler.score(sequences);
  }

  /** Every token id except the entity slots from `usedSlots` on (slots that stand for nothing yet). */
  private allowedTokens(slotMap: SlotMap): Int32Array {
    const used = usedSlots(slotMap);
    const key = used.join(',');
    const cached = this.allowedBySlotCount.get(key);
    if (cached) return cached;
    const slotIds = templateTokenIds(this.tokenizer, loadTinyChatTemplate()).slots;
    const forbidden = new Set(slotIds);
    for (const slot of used) forbidden.delete(slotIds[slot]!);
    const allowed: number[] = [];
    for (let id = 0; id < this.config.vocabSize; id++) if (!forbidden.has(id)) allowed.push(id);
    const result = Int32Array.from(allowed);
    this.allowedBySlotCount.set(key, result);
    return result;
  }

  /** Allowed token ids by the slots in use (the slot constraint), computed once each. */
  private readonly allowedBySlotCount = new Map<string, Int32Array>();

  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    const { rendered, runnable, responses } = promptsWithinContext(requests, this.tokenizer, this.config.maxSequence - this.decoding.maxNewTokens);
    for (const { sampling, indices } of this.#samplingGroups(requests, runnable)) {
      await this.#generateGroup(requests, indices, rendered, responses, sampling);
    }
    // Episodes not in this call have ended (the agent loop asks for every live episode each turn).
    if (this.prefixReuse) {
      const live = new Set(requests.map((request) => request.episodeId));
      for (const episodeId of this.episodeCaches.keys()) if (!live.has(episodeId)) this.episodeCaches.delete(episodeId);
    }
    return responses;
  }

  /**
   * The runnable requests grouped by the sampling they get ({@link requestSampling}). Groups keep
   * the order of their first request.
   */
  #samplingGroups(requests: readonly PolicyRequest[], runnable: readonly number[]): { sampling: Required<SamplingOverrides>; indices: number[] }[] {
    const groups = new Map<string, { sampling: Required<SamplingOverrides>; indices: number[] }>();
    for (const index of runnable) {
      const sampling = requestSampling(this.decoding, requests[index]!.sampling);
      const key = `${sampling.temperature}/${sampling.topP}/${sampling.maxNewTokens}/${sampling.argumentTemperature}`;
      const group = groups.get(key) ?? { sampling, indices: [] };
      group.indices.push(index);
      groups.set(key, group);
    }
    return [...groups.values()];
  }

  async #generateGroup(
    requests: readonly PolicyRequest[],
    runnable: readonly number[],
    rendered: ReturnType<typeof promptsWithinContext>['rendered'],
    responses: PolicyResponse[],
    sampling: Required<SamplingOverrides>,
  ): Promise<void> {
    for (let start = 0; start < runnable.length; start += this.decoding.batchSize) {
      const chunk = runnable.slice(start, start + this.decoding.batchSize);
      const turns = chunk.map((index) => requests[index]!.messages.filter((message) => message.role === 'assistant').length);
      // Always the same row count (padded with copies of the first prompt, outputs dropped): every
      // distinct shape compiles programs whose memory the 32-bit wasm heap does not give back.
      const prompts = chunk.map((index) => rendered[index]!.tokenIds);
      const seeds = chunk.map((index, position) => hashString(`${this.decoding.seed}:${requests[index]!.episodeId}:${turns[position]}`));
      while (prompts.length < this.decoding.batchSize) {
        prompts.push(prompts[0]!);
        seeds.push(seeds[0]!);
      }
      const prefixes = this.prefixReuse ? chunk.map((index) => this.prefixFor(requests[index]!.episodeId, rendered[index]!.tokenIds)) : undefined;
      while (prefixes !== undefined && prefixes.length < prompts.length) prefixes.push(prefixes[0]);
      const allowed = this.decoding.slotConstraint === 'seen' ? chunk.map((index) => this.allowedTokens(rendered[index]!.slotMap)) : undefined;
      const template = loadTinyChatTemplate();
      const grammars =
        this.decoding.grammar === 'tool-calls'
          ? chunk.map((index) => new GrammarConstraint(this.tokenizer, template, requests[index]!, rendered[index]!.slotMap.values, this.argumentKinds, { slips: this.decoding.slips === 'learned' }))
          : undefined;
      const allowedTokens = grammars
        ? (row: number, generated: readonly number[]) => grammars[row]?.allowed(generated, sampling.maxNewTokens - generated.length <= this.decoding.closingMargin)
        : allowed
          ? (row: number) => allowed[row] ?? allowed[0]
          : undefined;
      const rows = await this.sampler.generate({
        prompts,
        ...(allowedTokens ? { allowedTokens } : {}),
        // Each episode's stream depends only on the seed, the episode and the turn, not on batching.
        rowSeeds: seeds,
        maxNewTokens: sampling.maxNewTokens,
        temperature: sampling.temperature,
        ...(grammars && sampling.argumentTemperature !== sampling.temperature ? { temperatureAt: valueTemperature(grammars, sampling.argumentTemperature) } : {}),
        topP: sampling.topP,
        stopTokens: this.stopTokens,
        ...(prefixes ? { prefixes, keepCache: true } : {}),
      });
      chunk.forEach((index, position) => {
        const row = rows[position]!;
        if (this.prefixReuse) {
          const episodeId = requests[index]!.episodeId;
          if (row.cache) this.episodeCaches.set(episodeId, { tokens: [...prompts[position]!, ...row.tokens.slice(0, -1)], cache: row.cache });
          else this.episodeCaches.delete(episodeId);
        }
        const message = parseAssistantOutput(row.tokens, rendered[index]!.slotMap, { tokenizer: this.tokenizer, callIdPrefix: `call_${turns[position]}_` });
        responses[index] = { message, tokenIds: row.tokens, logProbs: row.logProbabilities };
      });
    }
  }
}
