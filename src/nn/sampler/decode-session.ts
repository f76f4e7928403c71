/**
 * One batch of rows being decoded with a KV cache: {@link DecodeSession.start} runs the prompts,
 * each {@link DecodeSession.step} feeds one token per row. Both return the next-token logits of
 * every row, read back to the host. The session owns its cache until {@link DecodeSession.close}.
 *
 * The cache starts at the shortest of the cache lengths that holds the prompts plus a reserve,
 * and grows to the next length when a row still being decoded needs a slot beyond it: a decode
 * step costs in proportion to the cache length, and most turns end long before the longest
 * cache would be full.
 *
 * A row may start from a {@link CachedPrefix}: the keys and values of the first tokens of its
 * prompt, kept from an earlier generation (the previous turn of the same conversation). Then only
 * the rest of the prompt runs (`extend`), padded to one of a few chunk lengths; when no row has a
 * prefix, or the longest rest exceeds every chunk length, the whole prompts run (`prefill`).
 *
 * Long prompts of many rows run in blocks of rows (see {@link defaultAttentionBudget}), their
 * keys and values gathered on the host: jax-js holds every intermediate of a compiled program
 * until it has run, and 8 rows of 1,024 tokens would hold about 2 GiB of attention scores.
 */
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import type { ModelConfig } from '../model/model-config.js';
import type { ModelParameters } from '../model/parameters.js';
import { chooseBucket } from '../train/length-buckets.js';
import type { CachedPrefix } from './cached-prefix.js';
import type { DecodeProgram, ExtendProgram, GrowProgram, KeyValueCache, PrefillProgram } from './decode-programs.js';

/**
 * Attention scores one prefill or extend program may hold per score tensor (rows × heads ×
 * queries × keys), 4 Mi values (16 MiB): e.g. 2 rows of a 1,024-token prompt with 2 heads.
 */
export const defaultAttentionBudget = 2 ** 22;

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
  /** Runs a chunk of `chunkLength` tokens after cached prefixes in a cache of `cacheLength` slots. */
  extend(cacheLength: number, chunkLength: number): ExtendProgram;
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
  readonly #chunkLengths: readonly number[];
  readonly #attentionBudget: number;
  #cache: KeyValueCache | undefined;
  #length = 0;
  #positions: number[] = [];
  #prefixTokens = 0;

  /**
   * Use {@link Sampler.startSession}. `cacheLengths` are the lengths a cache may have (ascending;
   * the last is the most slots a row may use); `chunkLengths` are the lengths the new part of a
   * prompt after a cached prefix is padded to (ascending; none turns prefixes off).
   */
  constructor(
    backend: TensorBackend,
    config: ModelConfig,
    parameters: ModelParameters,
    programs: DecodePrograms,
    cacheLengths: readonly number[],
    promptBuckets: readonly number[],
    chunkLengths: readonly number[] = [],
    attentionBudget = defaultAttentionBudget,
  ) {
    if (cacheLengths.length === 0) throw new Error('DecodeSession: no cache lengths');
    this.#backend = backend;
    this.#config = config;
    this.#parameters = parameters;
    this.#programs = programs;
    this.#cacheLengths = cacheLengths;
    this.#maximum = cacheLengths[cacheLengths.length - 1]!;
    this.#promptBuckets = promptBuckets;
    this.#chunkLengths = chunkLengths;
    this.#attentionBudget = attentionBudget;
  }

  /** Cache position each row's next token will occupy. */
  get positions(): readonly number[] {
    return this.#positions;
  }

  /** Prompt tokens the last {@link DecodeSession.start} took from cached prefixes instead of running them (0 when it ran whole prompts). */
  get prefixTokensReused(): number {
    return this.#prefixTokens;
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
   * `prefixes[row]`, when given, holds the keys and values of that row's first tokens (the
   * caller vouches that they were computed for those very tokens with these parameters); a
   * prefix as long as the prompt is used up to its last token.
   */
  async start(prompts: readonly (readonly number[])[], reserve = 0, prefixes?: readonly (CachedPrefix | undefined)[]): Promise<RowLogits> {
    if (prompts.length === 0) throw new Error('DecodeSession.start: no prompts');
    const longest = prompts.reduce((top, prompt) => Math.max(top, prompt.length), 0);
    if (prompts.some((prompt) => prompt.length === 0)) throw new Error('DecodeSession.start: empty prompt');
    if (longest >= this.#maximum) throw new Error(`prompt of ${longest} tokens leaves no room in a cache of ${this.#maximum}`);
    this.#prefixTokens = 0;
    if (prefixes !== undefined) {
      const starts = prompts.map((prompt, row) => Math.min(prefixes[row]?.length ?? 0, prompt.length - 1));
      const longestRest = prompts.reduce((top, prompt, row) => Math.max(top, prompt.length - starts[row]!), 0);
      const chunkLength = this.#chunkLengths.find((length) => length >= longestRest);
      if (chunkLength !== undefined && starts.some((start) => start > 0)) {
        return this.#extend(prompts, prefixes, starts, chunkLength, this.#lengthFor(Math.min(longest + 1 + Math.max(0, reserve), this.#maximum)));
      }
    }
    const length = Math.min(chooseBucket(longest, [...this.#promptBuckets, this.#maximum]), this.#maximum);
    const cacheLength = this.#lengthFor(Math.max(length, Math.min(longest + 1 + Math.max(0, reserve), this.#maximum)));
    const rows = prompts.length;
    const block = this.#blockRows(rows, length, length);
    if (block < rows) return this.#prefillInBlocks(prompts, length, cacheLength, block);
    const [logits, cache] = this.#prefill(prompts, length, cacheLength);
    this.#install(cache, cacheLength, prompts);
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

  /**
   * Each row's keys and values for its first `lengths[row]` slots (at most the cache length),
   * copied to the host, e.g. to continue the conversation later with {@link DecodeSession.start}.
   */
  async exportRows(lengths: readonly number[]): Promise<CachedPrefix[]> {
    if (this.#cache === undefined) throw new Error('DecodeSession.exportRows before start');
    const cacheLength = this.#length;
    const width = this.#config.dModel;
    const read = async (tensors: Tensor[]) => Promise.all(tensors.map(async (tensor) => (await this.#backend.read(tensor)) as Float32Array));
    const keys = await read(this.#cache.keys);
    const values = await read(this.#cache.values);
    return lengths.map((requested, row) => {
      const length = Math.max(0, Math.min(requested, cacheLength));
      const copy = (data: Float32Array) => data.slice(row * cacheLength * width, (row * cacheLength + length) * width);
      return { length, keys: keys.map(copy), values: values.map(copy) };
    });
  }

  /** Frees the cache. */
  close(): void {
    this.#backend.dispose(this.#cache);
    this.#cache = undefined;
  }

  /**
   * Starts rows from their cached prefixes: the cache is assembled on the host (prefix slots),
   * the rest of each prompt runs as one chunk, and its keys and values are written after the
   * prefix before the cache is uploaded for decoding.
   */
  async #extend(
    prompts: readonly (readonly number[])[],
    prefixes: readonly (CachedPrefix | undefined)[],
    starts: readonly number[],
    chunkLength: number,
    cacheLength: number,
  ): Promise<RowLogits> {
    const backend = this.#backend;
    const rows = prompts.length;
    const width = this.#config.dModel;
    const layers = this.#config.layers;
    const hostKeys = this.#hostCache(rows, cacheLength);
    const hostValues = this.#hostCache(rows, cacheLength);
    prompts.forEach((_, row) => {
      const prefix = prefixes[row];
      const start = starts[row]!;
      if (prefix === undefined || start === 0) return;
      for (let layer = 0; layer < layers; layer++) {
        hostKeys[layer]!.set(prefix.keys[layer]!.subarray(0, start * width), row * cacheLength * width);
        hostValues[layer]!.set(prefix.values[layer]!.subarray(0, start * width), row * cacheLength * width);
      }
    });
    // Rows run in blocks within the attention budget; a block's rows are contiguous on the host.
    const block = this.#blockRows(rows, chunkLength, cacheLength + chunkLength);
    const logits: RowLogits = [];
    for (let first = 0; first < rows; first += block) {
      const last = Math.min(rows, first + block);
      const blockRows = last - first;
      const slice = (host: Float32Array[]) => host.map((data) => data.subarray(first * cacheLength * width, last * cacheLength * width));
      const ids = new Int32Array(blockRows * chunkLength);
      for (let row = first; row < last; row++) ids.set(prompts[row]!.slice(starts[row]!), (row - first) * chunkLength);
      const idTensor = backend.intTensor(ids, [blockRows, chunkLength]);
      const startTensor = backend.intTensor(starts.slice(first, last), [blockRows]);
      const lastIndex = backend.intTensor(prompts.slice(first, last).map((prompt, index) => prompt.length - 1 - starts[first + index]!), [blockRows]);
      const prefixCache = this.#upload(slice(hostKeys), slice(hostValues), blockRows, cacheLength);
      const [blockLogits, chunk] = this.#programs.extend(cacheLength, chunkLength)(this.#parameters, prefixCache, idTensor, startTensor, lastIndex);
      backend.dispose([idTensor, startTensor, lastIndex, prefixCache]);
      // The chunk's keys and values go after each row's prefix.
      const place = async (tensors: Tensor[], host: Float32Array[]) => {
        for (const [layer, tensor] of tensors.entries()) {
          const data = (await backend.read(tensor)) as Float32Array;
          for (let row = first; row < last; row++) {
            const start = starts[row]!;
            const rest = prompts[row]!.length - start;
            const offset = (row - first) * chunkLength * width;
            host[layer]!.set(data.subarray(offset, offset + rest * width), (row * cacheLength + start) * width);
          }
        }
      };
      await place(chunk.keys, hostKeys);
      await place(chunk.values, hostValues);
      backend.dispose(chunk);
      logits.push(...(await this.#readRows(blockLogits)));
    }
    this.#install(this.#upload(hostKeys, hostValues, rows, cacheLength), cacheLength, prompts);
    this.#prefixTokens = starts.reduce((total, start) => total + start, 0);
    return logits;
  }

  /** Makes `cache` (of `cacheLength` slots, holding `prompts`) the session's cache, freeing the previous one. */
  #install(cache: KeyValueCache, cacheLength: number, prompts: readonly (readonly number[])[]): void {
    this.#backend.dispose(this.#cache);
    this.#cache = cache;
    this.#length = cacheLength;
    this.#positions = prompts.map((prompt) => prompt.length);
  }

  /** Runs the prefill program on `prompts` padded to `length`, into a cache of `cacheLength` slots. */
  #prefill(prompts: readonly (readonly number[])[], length: number, cacheLength: number): [Tensor, KeyValueCache] {
    const backend = this.#backend;
    const rows = prompts.length;
    const ids = new Int32Array(rows * length);
    prompts.forEach((prompt, row) => ids.set(prompt, row * length));
    const idTensor = backend.intTensor(ids, [rows, length]);
    const lastIndex = backend.intTensor(prompts.map((prompt) => prompt.length - 1), [rows]);
    const result = this.#programs.prefill(cacheLength)(this.#parameters, idTensor, lastIndex);
    backend.dispose([idTensor, lastIndex]);
    return result;
  }

  /**
   * The prefill of rows too many to run at once within the attention budget: blocks of `block`
   * rows run one after another, their keys and values gathered on the host into one cache.
   */
  async #prefillInBlocks(prompts: readonly (readonly number[])[], length: number, cacheLength: number, block: number): Promise<RowLogits> {
    const rows = prompts.length;
    const width = this.#config.dModel;
    const hostKeys = this.#hostCache(rows, cacheLength);
    const hostValues = this.#hostCache(rows, cacheLength);
    const logits: RowLogits = [];
    for (let first = 0; first < rows; first += block) {
      const [blockLogits, cache] = this.#prefill(prompts.slice(first, first + block), length, cacheLength);
      await this.#gather(cache, hostKeys, hostValues, first * cacheLength * width);
      logits.push(...(await this.#readRows(blockLogits)));
    }
    this.#install(this.#upload(hostKeys, hostValues, rows, cacheLength), cacheLength, prompts);
    return logits;
  }

  /** Copies a block's cache into the host arrays at `offset` (in values) and frees it. */
  async #gather(cache: KeyValueCache, hostKeys: Float32Array[], hostValues: Float32Array[], offset: number): Promise<void> {
    for (const [tensors, host] of [[cache.keys, hostKeys], [cache.values, hostValues]] as const) {
      for (const [layer, tensor] of tensors.entries()) host[layer]!.set((await this.#backend.read(tensor)) as Float32Array, offset);
    }
    this.#backend.dispose(cache);
  }

  /**
   * Rows per program so that its attention scores (rows × heads × queries × keys) stay within the
   * budget: a power of two, at least 1, at most `rows`. jax-js keeps every intermediate of a
   * compiled program until the program has run, and its wasm heap keeps a free list per buffer
   * size that it never gives back, so one program with many long rows reserves gigabytes.
   */
  #blockRows(rows: number, queries: number, keys: number): number {
    let block = 1;
    while (block * 2 <= rows && block * 2 * this.#config.heads * queries * keys <= this.#attentionBudget) block *= 2;
    return block;
  }

  /** One zeroed host array per layer for `rows` rows of `cacheLength` slots. */
  #hostCache(rows: number, cacheLength: number): Float32Array[] {
    return Array.from({ length: this.#config.layers }, () => new Float32Array(rows * cacheLength * this.#config.dModel));
  }

  /** Uploads host keys and values (one array per layer, `[rows, cacheLength, heads, headSize]`). */
  #upload(hostKeys: readonly Float32Array[], hostValues: readonly Float32Array[], rows: number, cacheLength: number): KeyValueCache {
    const heads = this.#config.heads;
    const headSize = this.#config.dModel / heads;
    return {
      keys: hostKeys.map((data) => this.#backend.floatTensor(data, [rows, cacheLength, heads, headSize])),
      values: hostValues.map((data) => this.#backend.floatTensor(data, [rows, cacheLength, heads, headSize])),
    };
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
