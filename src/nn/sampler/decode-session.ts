/**
 * One batch of rows being decoded with a KV cache: {@link DecodeSession.start} runs the prompts,
 * each {@link DecodeSession.step} feeds one token per row. Both return the next-token logits of
 * every row, read back to the host. The session owns its cache until {@link DecodeSession.close}.
 *
 * The cache starts at the shortest of the cache lengths that holds the prompts plus a reserve,
 * and grows to the next length when a row still being decoded needs a slot beyond it: a decode
 * step costs in proportion to the cache length, and most turns end long before the longest
 * cache would be full.
 */
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import type { ModelConfig } from '../model/model-config.js';
import type { ModelParameters } from '../model/parameters.js';
import { chooseBucket } from '../train/length-buckets.js';
import type { DecodeProgram, GrowProgram, KeyValueCache, PrefillProgram } from './decode-programs.js';

/** Next-token logits per row (`vocabSize` values each). */
export type RowLogits = Float32Array[];

/** The compiled programs a session runs, one of each per cache length (built on first use). */
export interface DecodePrograms {
  /** Prefill into a cache of `cacheLength` slots. */
  prefill(cacheLength: number): PrefillProgram;
  /** One decode step over a cache of `cacheLength` slots. */
  decode(cacheLength: number): DecodeProgram;
  /** Pads a shorter cache to `cacheLength` slots. */
  grow(cacheLength: number): GrowProgram;
}

/** A KV-cached decoding of several rows. */
export class DecodeSession {
  readonly #backend: TensorBackend;
  readonly #config: ModelConfig;
  readonly #parameters: ModelParameters;
  readonly #programs: DecodePrograms;
  readonly #cacheLengths: readonly number[];
  readonly #maximum: number;
  readonly #promptBuckets: readonly number[];
  #cache: KeyValueCache | undefined;
  #length = 0;
  #positions: number[] = [];

  /**
   * Use {@link Sampler.startSession}. `cacheLengths` are the lengths a cache may have (ascending;
   * the last is the most slots a row may use).
   */
  constructor(
    backend: TensorBackend,
    config: ModelConfig,
    parameters: ModelParameters,
    programs: DecodePrograms,
    cacheLengths: readonly number[],
    promptBuckets: readonly number[],
  ) {
    if (cacheLengths.length === 0) throw new Error('DecodeSession: no cache lengths');
    this.#backend = backend;
    this.#config = config;
    this.#parameters = parameters;
    this.#programs = programs;
    this.#cacheLengths = cacheLengths;
    this.#maximum = cacheLengths[cacheLengths.length - 1]!;
    this.#promptBuckets = promptBuckets;
  }

  /** Cache position each row's next token will occupy. */
  get positions(): readonly number[] {
    return this.#positions;
  }

  /** Slots in the cache now (it grows as rows need them, up to {@link DecodeSession.maximumLength}). */
  get cacheLength(): number {
    return this.#length;
  }

  /** The most slots the cache can grow to (the longest prompt + continuation). */
  get maximumLength(): number {
    return this.#maximum;
  }

  /**
   * Runs the prompts (each at least one token) and returns each row's next-token logits. The
   * cache starts with room for `reserve` more tokens after the longest prompt (where it can).
   */
  async start(prompts: readonly (readonly number[])[], reserve = 0): Promise<RowLogits> {
    if (prompts.length === 0) throw new Error('DecodeSession.start: no prompts');
    const longest = prompts.reduce((top, prompt) => Math.max(top, prompt.length), 0);
    if (prompts.some((prompt) => prompt.length === 0)) throw new Error('DecodeSession.start: empty prompt');
    if (longest >= this.#maximum) throw new Error(`prompt of ${longest} tokens leaves no room in a cache of ${this.#maximum}`);
    const length = Math.min(chooseBucket(longest, [...this.#promptBuckets, this.#maximum]), this.#maximum);
    const cacheLength = this.#lengthFor(Math.max(length, Math.min(longest + 1 + Math.max(0, reserve), this.#maximum)));
    const rows = prompts.length;
    const ids = new Int32Array(rows * length);
    prompts.forEach((prompt, row) => ids.set(prompt, row * length));
    const backend = this.#backend;
    const idTensor = backend.intTensor(ids, [rows, length]);
    const lastIndex = backend.intTensor(prompts.map((prompt) => prompt.length - 1), [rows]);
    const [logits, cache] = this.#programs.prefill(cacheLength)(this.#parameters, idTensor, lastIndex);
    backend.dispose([idTensor, lastIndex]);
    backend.dispose(this.#cache);
    this.#cache = cache;
    this.#length = cacheLength;
    this.#positions = prompts.map((prompt) => prompt.length);
    return this.#readRows(logits);
  }

  /**
   * Feeds one token per row at its current position and advances it. The cache grows first when
   * a row in `activeRows` (default: every row) needs a slot beyond it. Rows already at the end of
   * the cache, and rows not active beyond it, are fed but not advanced past it (their logits are
   * meaningless).
   */
  async step(tokens: readonly number[], activeRows?: readonly boolean[]): Promise<RowLogits> {
    if (this.#cache === undefined) throw new Error('DecodeSession.step before start');
    if (tokens.length !== this.#positions.length) throw new Error(`step: ${tokens.length} tokens for ${this.#positions.length} rows`);
    const backend = this.#backend;
    const needed = this.#positions.reduce((top, position, row) => (activeRows === undefined || activeRows[row] ? Math.max(top, position + 1) : top), 0);
    if (needed > this.#length && this.#length < this.#maximum) {
      const length = this.#lengthFor(Math.min(needed, this.#maximum));
      const grown = this.#programs.grow(length)(this.#cache);
      backend.dispose(this.#cache);
      this.#cache = grown;
      this.#length = length;
    }
    const positions = this.#positions.map((position) => Math.min(position, this.#length - 1));
    const tokenTensor = backend.intTensor(tokens, [tokens.length]);
    const positionTensor = backend.intTensor(positions, [positions.length]);
    const [logits, cache] = this.#programs.decode(this.#length)(this.#parameters, this.#cache, tokenTensor, positionTensor);
    backend.dispose([tokenTensor, positionTensor, this.#cache]);
    this.#cache = cache;
    this.#positions = this.#positions.map((position) => Math.min(position + 1, this.#length));
    const rows = await this.#readRows(logits);
    await backend.synchronize(cache);
    return rows;
  }

  /** Frees the cache. */
  close(): void {
    this.#backend.dispose(this.#cache);
    this.#cache = undefined;
  }

  /** The shortest cache length of at least `slots`. */
  #lengthFor(slots: number): number {
    return this.#cacheLengths.find((length) => length >= slots) ?? this.#maximum;
  }

  async #readRows(logits: Tensor): Promise<RowLogits> {
    const data = (await this.#backend.read(logits)) as Float32Array;
    this.#backend.dispose(logits);
    const vocabulary = this.#config.vocabSize;
    return Array.from({ length: data.length / vocabulary }, (_, row) => data.subarray(row * vocabulary, (row + 1) * vocabulary));
  }
}
