/**
 * One batch of rows being decoded with a KV cache: {@link DecodeSession.start} runs the prompts,
 * each {@link DecodeSession.step} feeds one token per row. Both return the next-token logits of
 * every row, read back to the host. The session owns its cache until {@link DecodeSession.close}.
 */
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import type { ModelConfig } from '../model/model-config.js';
import type { ModelParameters } from '../model/parameters.js';
import { chooseBucket } from '../train/length-buckets.js';
import type { DecodeProgram, KeyValueCache, PrefillProgram } from './decode-programs.js';

/** Next-token logits per row (`vocabSize` values each). */
export type RowLogits = Float32Array[];

/** A KV-cached decoding of several rows. */
export class DecodeSession {
  readonly #backend: TensorBackend;
  readonly #config: ModelConfig;
  readonly #parameters: ModelParameters;
  readonly #prefill: PrefillProgram;
  readonly #decode: DecodeProgram;
  readonly #cacheLength: number;
  readonly #promptBuckets: readonly number[];
  #cache: KeyValueCache | undefined;
  #positions: number[] = [];

  /** Use {@link Sampler.startSession}. */
  constructor(
    backend: TensorBackend,
    config: ModelConfig,
    parameters: ModelParameters,
    programs: { prefill: PrefillProgram; decode: DecodeProgram },
    cacheLength: number,
    promptBuckets: readonly number[],
  ) {
    this.#backend = backend;
    this.#config = config;
    this.#parameters = parameters;
    this.#prefill = programs.prefill;
    this.#decode = programs.decode;
    this.#cacheLength = cacheLength;
    this.#promptBuckets = promptBuckets;
  }

  /** Cache position each row's next token will occupy. */
  get positions(): readonly number[] {
    return this.#positions;
  }

  /** Slots in the cache (the longest prompt + continuation). */
  get cacheLength(): number {
    return this.#cacheLength;
  }

  /** Runs the prompts (each at least one token) and returns each row's next-token logits. */
  async start(prompts: readonly (readonly number[])[]): Promise<RowLogits> {
    if (prompts.length === 0) throw new Error('DecodeSession.start: no prompts');
    const longest = prompts.reduce((top, prompt) => Math.max(top, prompt.length), 0);
    if (prompts.some((prompt) => prompt.length === 0)) throw new Error('DecodeSession.start: empty prompt');
    if (longest >= this.#cacheLength) throw new Error(`prompt of ${longest} tokens leaves no room in a cache of ${this.#cacheLength}`);
    const length = Math.min(chooseBucket(longest, [...this.#promptBuckets, this.#cacheLength]), this.#cacheLength);
    const rows = prompts.length;
    const ids = new Int32Array(rows * length);
    prompts.forEach((prompt, row) => ids.set(prompt, row * length));
    const backend = this.#backend;
    const idTensor = backend.intTensor(ids, [rows, length]);
    const lastIndex = backend.intTensor(prompts.map((prompt) => prompt.length - 1), [rows]);
    const [logits, cache] = this.#prefill(this.#parameters, idTensor, lastIndex);
    backend.dispose([idTensor, lastIndex]);
    backend.dispose(this.#cache);
    this.#cache = cache;
    this.#positions = prompts.map((prompt) => prompt.length);
    return this.#readRows(logits);
  }

  /**
   * Feeds one token per row at its current position and advances it. Rows already at the end of
   * the cache are fed but not advanced (their logits are meaningless).
   */
  async step(tokens: readonly number[]): Promise<RowLogits> {
    if (this.#cache === undefined) throw new Error('DecodeSession.step before start');
    if (tokens.length !== this.#positions.length) throw new Error(`step: ${tokens.length} tokens for ${this.#positions.length} rows`);
    const backend = this.#backend;
    const positions = this.#positions.map((position) => Math.min(position, this.#cacheLength - 1));
    const tokenTensor = backend.intTensor(tokens, [tokens.length]);
    const positionTensor = backend.intTensor(positions, [positions.length]);
    const [logits, cache] = this.#decode(this.#parameters, this.#cache, tokenTensor, positionTensor);
    backend.dispose([tokenTensor, positionTensor, this.#cache]);
    this.#cache = cache;
    this.#positions = this.#positions.map((position) => Math.min(position + 1, this.#cacheLength));
    const rows = await this.#readRows(logits);
    await backend.synchronize(cache);
    return rows;
  }

  /** Frees the cache. */
  close(): void {
    this.#backend.dispose(this.#cache);
    this.#cache = undefined;
  }

  async #readRows(logits: Tensor): Promise<RowLogits> {
    const data = (await this.#backend.read(logits)) as Float32Array;
    this.#backend.dispose(logits);
    const vocabulary = this.#config.vocabSize;
    return Array.from({ length: data.length / vocabulary }, (_, row) => data.subarray(row * vocabulary, (row + 1) * vocabulary));
  }
}
