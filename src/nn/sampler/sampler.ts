/**
 * Batched generation and scoring for one model. Generation runs a {@link DecodeSession} (prompt
 * prefill, then one compiled decode step per token over a `[rows, cacheLength]` KV cache that
 * starts short and grows through a few fixed lengths) and chooses tokens on the host
 * ({@link chooseToken}); scoring runs the full forward over padded sequences. Compiled programs
 * are kept across calls: one per row count, length bucket and cache length.
 */
import type { CompiledFunction, Tensor, TensorBackend } from '../backend/tensor-backend.js';
import type { ModelConfig } from '../model/model-config.js';
import type { ModelParameters } from '../model/parameters.js';
import { tokenLogProbabilities } from '../model/loss.js';
import { SeededRandom } from '../seeded-random.js';
import { chooseBucket } from '../train/length-buckets.js';
import type { CachedPrefix } from './cached-prefix.js';
import {
  createDecodeProgram,
  createExtendProgram,
  createGrowProgram,
  createPrefillProgram,
  type DecodeProgram,
  type ExtendProgram,
  type GrowProgram,
  type PrefillProgram,
} from './decode-programs.js';
import { DecodeSession, defaultAttentionBudget, type DecodePrograms } from './decode-session.js';
import { chooseToken } from './token-choice.js';

/** What to generate. */
export interface GenerationRequest {
  /** Token ids of each row's prompt (at least one token each). */
  prompts: readonly (readonly number[])[];
  /** Most tokens to generate per row. */
  maxNewTokens: number;
  /** Softmax temperature; 0 is greedy; default 1. */
  temperature?: number;
  /** Nucleus sampling mass; default 1 (off). */
  topP?: number;
  /** Seed of the row streams (row r draws from `SeededRandom.derive(seed, r)`); default 0. */
  seed?: number;
  /** One seed per row (row r draws from `new SeededRandom(rowSeeds[r])`), overriding `seed`: a row's stream then does not depend on its position in the batch. */
  rowSeeds?: readonly number[];
  /** Tokens that end a row (kept as its last token). */
  stopTokens?: readonly number[];
  /**
   * Constrained decoding: the token ids row `row` may choose next, given what it generated so
   * far; `undefined` allows every token.
   */
  allowedTokens?: (row: number, generated: readonly number[]) => ArrayLike<number> | undefined;
  /**
   * Per-token temperature: the temperature row `row` samples its next token with, given what it
   * generated so far; `undefined` keeps {@link GenerationRequest.temperature}.
   */
  temperatureAt?: (row: number, generated: readonly number[]) => number | undefined;
  /**
   * Per row, the cached keys and values of its prompt's first tokens (from an earlier
   * generation's {@link GeneratedRow.cache} with the same parameters): only the rest runs.
   */
  prefixes?: readonly (CachedPrefix | undefined)[];
  /** Return each row's keys and values ({@link GeneratedRow.cache}); default false. */
  keepCache?: boolean;
}

/** Why a row stopped. */
export type FinishReason = 'stop' | 'length' | 'cache-full';

/** One generated row. */
export interface GeneratedRow {
  /** Generated ids (a stop token included). */
  tokens: number[];
  /** The raw model's log-probability of each generated token. */
  logProbabilities: number[];
  /** Why generation ended. */
  finishReason: FinishReason;
  /**
   * With `keepCache`: the keys and values of the prompt followed by every generated token but
   * the last (the tokens the cache holds), to pass as a later prompt's prefix; absent for a
   * row that filled the cache.
   */
  cache?: CachedPrefix;
}

/** Options of {@link Sampler}. */
export interface SamplerOptions {
  /** KV-cache slots (prompt + generation); default `config.maxSequence`. */
  cacheLength?: number;
  /** Prompt / scoring lengths padded to; default powers of two from 16 to the cache length. */
  lengthBuckets?: readonly number[];
  /**
   * Lengths a generation's KV cache may have, shortest first: it starts at the shortest that
   * holds the prompts and the reserve, and grows when a row needs more. Default: the length
   * buckets below `cacheLength`, and `cacheLength`.
   */
  cacheLengths?: readonly number[];
  /** Slots a generation's cache holds beyond its longest prompt at the start; default 64. */
  cacheReserve?: number;
  /**
   * Lengths the new part of a prompt after a cached prefix is padded to (see
   * {@link GenerationRequest.prefixes}); a longer new part runs the whole prompt. Default: the
   * length buckets up to half the cache length.
   */
  chunkLengths?: readonly number[];
  /**
   * Most attention scores (rows × heads × queries × keys) one prompt-processing program holds;
   * more rows run in blocks. Default {@link defaultAttentionBudget}.
   */
  attentionBudget?: number;
}

/** Generation and scoring with one set of parameters (borrowed; the caller keeps ownership). */
export class Sampler {
  readonly #backend: TensorBackend;
  readonly #config: ModelConfig;
  #parameters: ModelParameters;
  readonly #cacheLength: number;
  readonly #buckets: readonly number[];
  readonly #cacheLengths: readonly number[];
  readonly #cacheReserve: number;
  readonly #prefill = new Map<number, PrefillProgram>();
  readonly #decode = new Map<number, DecodeProgram>();
  readonly #grow = new Map<number, GrowProgram>();
  readonly #extend = new Map<number, ExtendProgram>();
  readonly #chunkLengths: readonly number[];
  readonly #attentionBudget: number;
  #promptTokens = 0;
  #prefixTokens = 0;
  readonly #programs: DecodePrograms;
  readonly #score: CompiledFunction<[ModelParameters, Tensor, Tensor], Tensor>;

  constructor(backend: TensorBackend, config: ModelConfig, parameters: ModelParameters, options: SamplerOptions = {}) {
    this.#backend = backend;
    this.#config = config;
    this.#parameters = parameters;
    this.#cacheLength = options.cacheLength ?? config.maxSequence;
    const defaults: number[] = [];
    for (let length = 16; length < this.#cacheLength; length *= 2) defaults.push(length);
    defaults.push(this.#cacheLength);
    this.#buckets = options.lengthBuckets ?? defaults;
    const cacheLength = this.#cacheLength;
    this.#cacheLengths = [...new Set([...(options.cacheLengths ?? this.#buckets).filter((length) => length > 0 && length < cacheLength), cacheLength])].sort((a, b) => a - b);
    this.#cacheReserve = options.cacheReserve ?? 64;
    this.#attentionBudget = options.attentionBudget ?? defaultAttentionBudget;
    this.#chunkLengths = [...(options.chunkLengths ?? this.#buckets.filter((length) => length <= cacheLength / 2))].sort((a, b) => a - b);
    const lazily = <Program>(programs: Map<number, Program>, create: (length: number) => Program) => (length: number) => {
      let program = programs.get(length);
      if (program === undefined) programs.set(length, (program = create(length)));
      return program;
    };
    this.#programs = {
      prefill: lazily(this.#prefill, (length) => createPrefillProgram(backend, config, length)),
      decode: lazily(this.#decode, (length) => createDecodeProgram(backend, config, length)),
      grow: lazily(this.#grow, (length) => createGrowProgram(backend, length)),
      extend: (length, chunkLength) => {
        const key = length * 100_000 + chunkLength;
        let program = this.#extend.get(key);
        if (program === undefined) this.#extend.set(key, (program = createExtendProgram(backend, config, length, chunkLength)));
        return program;
      },
    };
    this.#score = backend.compile((current: ModelParameters, ids: Tensor, targets: Tensor) =>
      tokenLogProbabilities(backend, config, current, ids, targets, { inference: true }),
    );
  }

  /**
   * Points the sampler at other parameters of the same config (e.g. after a training step),
   * keeping its compiled programs. Sessions already started keep the parameters they began with.
   */
  useParameters(parameters: ModelParameters): void {
    this.#parameters = parameters;
  }

  /** Prompt tokens given to {@link Sampler.generate} so far, and how many of them came from cached prefixes instead of being run. */
  get promptTokenCounts(): { prompt: number; reused: number } {
    return { prompt: this.#promptTokens, reused: this.#prefixTokens };
  }

  /** A fresh KV-cached decoding (close it when done). */
  startSession(): DecodeSession {
    return new DecodeSession(this.#backend, this.#config, this.#parameters, this.#programs, this.#cacheLengths, this.#buckets, this.#chunkLengths, this.#attentionBudget);
  }

  /** Generates a continuation for every prompt, in one batch. */
  async generate(request: GenerationRequest): Promise<GeneratedRow[]> {
    const temperature = request.temperature ?? 1;
    const topP = request.topP ?? 1;
    const seed = request.seed ?? 0;
    const stops = new Set(request.stopTokens ?? []);
    const rows: GeneratedRow[] = request.prompts.map(() => ({ tokens: [], logProbabilities: [], finishReason: 'length' }));
    if (request.rowSeeds && request.rowSeeds.length !== request.prompts.length) throw new Error(`rowSeeds has ${request.rowSeeds.length} seeds for ${request.prompts.length} prompts`);
    const streams = request.prompts.map((_, row) => (request.rowSeeds ? new SeededRandom(request.rowSeeds[row]!) : SeededRandom.derive(seed, row)));
    const active = request.prompts.map(() => request.maxNewTokens > 0);
    if (!active.some(Boolean)) return rows;
    const session = this.startSession();
    try {
      if (request.prefixes && request.prefixes.length !== request.prompts.length) throw new Error(`prefixes has ${request.prefixes.length} entries for ${request.prompts.length} prompts`);
      let logits = await session.start(request.prompts, Math.min(request.maxNewTokens, this.#cacheReserve), request.prefixes);
      this.#promptTokens += request.prompts.reduce((total, prompt) => total + prompt.length, 0);
      this.#prefixTokens += session.prefixTokensReused;
      for (;;) {
        const fed = request.prompts.map(() => 0);
        for (const [row, result] of rows.entries()) {
          if (!active[row]) continue;
          const allowedTokens = request.allowedTokens?.(row, result.tokens);
          const choice = chooseToken(logits[row]!, { temperature: request.temperatureAt?.(row, result.tokens) ?? temperature, topP, ...(allowedTokens === undefined ? {} : { allowedTokens }) }, streams[row]!);
          result.tokens.push(choice.token);
          result.logProbabilities.push(choice.logProbability);
          fed[row] = choice.token;
          if (stops.has(choice.token)) {
            result.finishReason = 'stop';
            active[row] = false;
          } else if (result.tokens.length >= request.maxNewTokens) {
            result.finishReason = 'length';
            active[row] = false;
          } else if (request.prompts[row]!.length + result.tokens.length >= this.#cacheLength) {
            result.finishReason = 'cache-full';
            active[row] = false;
          }
        }
        if (!active.some(Boolean)) break;
        logits = await session.step(fed, active);
      }
      if (request.keepCache) {
        // A row's last token is never fed; every earlier one was, at the step after it was chosen.
        const caches = await session.exportRows(rows.map((row, index) => request.prompts[index]!.length + row.tokens.length - 1));
        rows.forEach((row, index) => {
          if (row.finishReason !== 'cache-full' && row.tokens.length > 0) row.cache = caches[index]!;
        });
      }
    } finally {
      session.close();
    }
    return rows;
  }

  /**
   * Log-probability of every token after the first of each sequence given its prefix:
   * row r gets `sequences[r].length − 1` values. Sequences are padded to a length bucket. Rows
   * whose attention scores (rows × heads × length²) would exceed the attention budget run in
   * blocks of rows (the largest power of two within it, the last block padded with copies of its
   * first row, so shapes repeat): the wasm heap never gives memory back, and eight rows of a full
   * context with four heads filled it.
   */
  async score(sequences: readonly (readonly number[])[]): Promise<number[][]> {
    if (sequences.length === 0) return [];
    const longest = sequences.reduce((top, sequence) => Math.max(top, sequence.length - 1), 1);
    const length = chooseBucket(longest, this.#buckets);
    const scoresPerRow = this.#config.heads * length * length;
    if (sequences.length * scoresPerRow <= this.#attentionBudget) return this.#scoreBlock(sequences, length);
    let block = 1;
    while (block * 2 * scoresPerRow <= this.#attentionBudget) block *= 2;
    const scores: number[][] = [];
    for (let first = 0; first < sequences.length; first += block) {
      const rows = sequences.slice(first, first + block);
      const used = rows.length;
      while (rows.length < block) rows.push(rows[0]!);
      scores.push(...(await this.#scoreBlock(rows, length)).slice(0, used));
    }
    return scores;
  }

  /** {@link score} of one block of rows, padded to `length` positions. */
  async #scoreBlock(sequences: readonly (readonly number[])[], length: number): Promise<number[][]> {
    const rows = sequences.length;
    const ids = new Int32Array(rows * length);
    const targets = new Int32Array(rows * length);
    sequences.forEach((sequence, row) => {
      for (let position = 0; position + 1 < sequence.length; position++) {
        ids[row * length + position] = sequence[position]!;
        targets[row * length + position] = sequence[position + 1]!;
      }
    });
    const backend = this.#backend;
    const idTensor = backend.intTensor(ids, [rows, length]);
    const targetTensor = backend.intTensor(targets, [rows, length]);
    const result = this.#score(this.#parameters, idTensor, targetTensor);
    const data = await backend.read(result);
    backend.dispose([idTensor, targetTensor, result]);
    return sequences.map((sequence, row) => Array.from(data.subarray(row * length, row * length + Math.max(0, sequence.length - 1))));
  }

  /** Frees the compiled programs (the parameters stay with their owner). */
  release(): void {
    for (const programs of [this.#prefill, this.#decode, this.#grow, this.#extend]) {
      for (const program of programs.values()) program.release();
      programs.clear();
    }
    this.#score.release();
  }
}
