/**
 * The compiled programs of KV-cached decoding over a `[rows, cacheLength]` cache (one compile per
 * row count, prompt bucket and cache length, never per step):
 *
 * - prefill: the causal forward over right-padded prompts `[R, P]`, keeping every layer's keys
 *   and values (padded to the cache length) and the logits at each row's last prompt position;
 * - decode: one token per row at per-row positions; writes its key/value into the cache where
 *   `position` one-hot is set (a `where`, no scatter) and attends to cache slots ≤ position;
 * - grow: pads a cache with empty slots to a longer length, so a session can start with a short
 *   cache (a decode step costs in proportion to the cache length) and lengthen it only when a
 *   row needs the room;
 * - extend: the causal forward over a chunk of new tokens `[R, E]` per row that continue a cached
 *   prefix of per-row length `starts` (a later turn of the same conversation): the chunk attends to
 *   the prefix's cache slots below `starts` and to itself causally, and returns the chunk's keys and
 *   values (the caller writes them into the cache) and the logits at each row's last chunk token.
 *
 * A row's padded prompt slots beyond its length are overwritten before they are ever attended,
 * since decoding writes slot p before attending to slots ≤ p.
 */
import type { CompiledFunction, Tensor, TensorBackend } from '../backend/tensor-backend.js';
import type { ModelConfig } from '../model/model-config.js';
import type { ModelParameters } from '../model/parameters.js';
import { embedTokens, finalNorm, layerAttentionInputs, layerOutput, outputLogits } from '../model/transformer.js';

/** Per-layer keys and values, each `[rows, cacheLength, heads, headSize]`. */
export type KeyValueCache = {
  /** Keys per layer. */
  keys: Tensor[];
  /** Values per layer. */
  values: Tensor[];
};

/** `(parameters, ids [R, P], lastIndex [R]) → [logits [R, V], cache]`. */
export type PrefillProgram = CompiledFunction<[ModelParameters, Tensor, Tensor], [Tensor, KeyValueCache]>;
/** `(parameters, cache, tokens [R], positions [R]) → [logits [R, V], cache]`. */
export type DecodeProgram = CompiledFunction<[ModelParameters, KeyValueCache, Tensor, Tensor], [Tensor, KeyValueCache]>;

/** Builds the prefill program for a cache of `cacheLength` slots. */
export function createPrefillProgram(backend: TensorBackend, config: ModelConfig, cacheLength: number): PrefillProgram {
  return backend.compile((parameters: ModelParameters, ids: Tensor, lastIndex: Tensor) => {
    const [rows, length] = ids.shape as [number, number];
    const positions = backend.arange(length);
    const cache: KeyValueCache = { keys: [], values: [] };
    const pad = (tensor: Tensor) =>
      length === cacheLength
        ? tensor
        : backend.concatenate([tensor, backend.zeros([rows, cacheLength - length, tensor.shape[2]!, tensor.shape[3]!])], 1);
    let hidden = embedTokens(backend, parameters, ids, true);
    for (let layer = 0; layer < config.layers; layer++) {
      const { query, key, value } = layerAttentionInputs(backend, config, parameters, layer, hidden, positions);
      cache.keys.push(pad(key));
      cache.values.push(pad(value));
      hidden = layerOutput(backend, config, parameters, layer, hidden, backend.causalAttention(query, key, value));
    }
    const normed = finalNorm(backend, config, parameters, hidden);
    const selector = backend.reshape(backend.oneHot(lastIndex, length), [rows, length, 1]);
    const last = backend.sum(backend.multiply(normed, selector), 1);
    return [outputLogits(backend, parameters, last), cache];
  });
}

/**
 * `(parameters, cache [R, C], ids [R, E], starts [R], lastIndex [R]) → [logits [R, V], chunk keys
 * and values [R, E]]`.
 */
export type ExtendProgram = CompiledFunction<[ModelParameters, KeyValueCache, Tensor, Tensor, Tensor], [Tensor, KeyValueCache]>;

/** Builds the program that runs a chunk of `chunkLength` tokens after a cached prefix in a `cacheLength` cache. */
export function createExtendProgram(backend: TensorBackend, config: ModelConfig, cacheLength: number, chunkLength: number): ExtendProgram {
  return backend.compile((parameters: ModelParameters, cache: KeyValueCache, ids: Tensor, starts: Tensor, lastIndex: Tensor) => {
    const rows = ids.shape[0]!;
    const startColumn = backend.reshape(starts, [rows, 1]);
    // Chunk token j of row r sits at position starts[r] + j.
    const positions = backend.add(startColumn, backend.reshape(backend.arange(chunkLength), [1, chunkLength]));
    // Positions of the keys a query may see: cache slot s (only below the row's start; the slots
    // above it hold nothing yet, so they get a position no query reaches), then the chunk's own.
    const slots = backend.add(backend.reshape(backend.arange(cacheLength), [1, cacheLength]), backend.multiply(startColumn, 0));
    const cachePositions = backend.where(backend.less(slots, startColumn), slots, 1 << 30);
    const keyPositions = backend.reshape(backend.concatenate([cachePositions, positions], 1), [rows, 1, 1, cacheLength + chunkLength]);
    const mask = backend.lessEqual(keyPositions, backend.reshape(positions, [rows, 1, chunkLength, 1]));
    const chunk: KeyValueCache = { keys: [], values: [] };
    let hidden = embedTokens(backend, parameters, ids, true);
    for (let layer = 0; layer < config.layers; layer++) {
      const { query, key, value } = layerAttentionInputs(backend, config, parameters, layer, hidden, positions);
      chunk.keys.push(key);
      chunk.values.push(value);
      const keys = backend.concatenate([cache.keys[layer]!, key], 1);
      const values = backend.concatenate([cache.values[layer]!, value], 1);
      hidden = layerOutput(backend, config, parameters, layer, hidden, backend.maskedAttention(query, keys, values, mask));
    }
    const normed = finalNorm(backend, config, parameters, hidden);
    const selector = backend.reshape(backend.oneHot(lastIndex, chunkLength), [rows, chunkLength, 1]);
    const last = backend.sum(backend.multiply(normed, selector), 1);
    return [outputLogits(backend, parameters, last), chunk];
  });
}

/** `(cache) → cache` with more slots (the new ones empty). */
export type GrowProgram = CompiledFunction<[KeyValueCache], KeyValueCache>;

/** Builds the program that pads a cache (of any length below `cacheLength`) to `cacheLength` slots. */
export function createGrowProgram(backend: TensorBackend, cacheLength: number): GrowProgram {
  return backend.compile((cache: KeyValueCache) => {
    const pad = (tensor: Tensor) => {
      const [rows, length, heads, headSize] = tensor.shape as [number, number, number, number];
      return backend.concatenate([tensor, backend.zeros([rows, cacheLength - length, heads, headSize])], 1);
    };
    return { keys: cache.keys.map(pad), values: cache.values.map(pad) };
  });
}

/** Builds the one-token decode program over a cache of `cacheLength` slots. */
export function createDecodeProgram(backend: TensorBackend, config: ModelConfig, cacheLength: number): DecodeProgram {
  return backend.compile((parameters: ModelParameters, cache: KeyValueCache, tokens: Tensor, positions: Tensor) => {
    const rows = tokens.shape[0]!;
    const slots = backend.reshape(backend.arange(cacheLength), [1, cacheLength]);
    const column = backend.reshape(positions, [rows, 1]);
    const writeMask = backend.reshape(backend.equal(slots, column), [rows, cacheLength, 1, 1]);
    const readMask = backend.reshape(backend.lessEqual(slots, column), [rows, 1, 1, cacheLength]);
    const next: KeyValueCache = { keys: [], values: [] };
    let hidden = embedTokens(backend, parameters, backend.reshape(tokens, [rows, 1]), true);
    for (let layer = 0; layer < config.layers; layer++) {
      const { query, key, value } = layerAttentionInputs(backend, config, parameters, layer, hidden, column);
      const keys = backend.where(writeMask, key, cache.keys[layer]!);
      const values = backend.where(writeMask, value, cache.values[layer]!);
      next.keys.push(keys);
      next.values.push(values);
      hidden = layerOutput(backend, config, parameters, layer, hidden, backend.maskedAttention(query, keys, values, readMask));
    }
    const normed = finalNorm(backend, config, parameters, hidden);
    return [outputLogits(backend, parameters, backend.reshape(normed, [rows, config.dModel])), next];
  });
}
