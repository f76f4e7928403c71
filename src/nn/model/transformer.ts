/**
 * The decoder's forward pass, written against {@link TensorBackend}: token embedding →
 * `layers` × [RMSNorm → multi-head attention with RoPE → residual, RMSNorm → SwiGLU → residual]
 * → RMSNorm → logits through the transposed embedding (tied head).
 *
 * The pieces of a layer are exported so the KV-cached sampler composes the very same
 * computation around its cache: {@link layerAttentionInputs} (query, key, value after RoPE), the
 * attention itself (causal here, cache-masked there), then {@link layerOutput}.
 */
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import { headSize, type ModelConfig } from './model-config.js';
import { layerParameterName, parameter, type ModelParameters } from './parameters.js';

/** Query, key and value of one layer, `[B, T, heads, headSize]`, RoPE applied to query and key. */
export interface AttentionInputs {
  /** Queries. */
  query: Tensor;
  /** Keys. */
  key: Tensor;
  /** Values. */
  value: Tensor;
}

/** Options of {@link forwardHidden}. */
export interface ForwardOptions {
  /** int32 positions `[T]` or `[B, T]`; default `0 … T − 1`. */
  positions?: Tensor;
  /** No gradient will be taken: embed by gather instead of a one-hot matmul. */
  inference?: boolean;
}

/**
 * Token embeddings `[B, T, dModel]` of int32 `ids: [B, T]`: a differentiable one-hot matmul, or a
 * gather when `inference` is set (no gradient needed; ≈20 % of a no-grad forward saved).
 */
export function embedTokens(backend: TensorBackend, parameters: ModelParameters, ids: Tensor, inference = false): Tensor {
  const table = parameter(parameters, 'token_embedding.weight');
  return inference ? backend.gatherRows(ids, table) : backend.embedding(ids, table);
}

/** RMSNorm, then the query/key/value projections of `layer`, RoPE at `positions`. */
export function layerAttentionInputs(
  backend: TensorBackend,
  config: ModelConfig,
  parameters: ModelParameters,
  layer: number,
  hidden: Tensor,
  positions: Tensor,
): AttentionInputs {
  const [batch, length] = hidden.shape as [number, number];
  const weight = (part: string) => parameter(parameters, layerParameterName(layer, part));
  const split = (x: Tensor) => backend.reshape(x, [batch, length, config.heads, headSize(config)]);
  const normed = backend.rmsNorm(hidden, weight('attention_norm.weight'), config.normEpsilon);
  return {
    query: backend.rope(split(backend.linear(normed, weight('attention.query.weight'))), positions, config.ropeTheta),
    key: backend.rope(split(backend.linear(normed, weight('attention.key.weight'))), positions, config.ropeTheta),
    value: split(backend.linear(normed, weight('attention.value.weight'))),
  };
}

/** Output projection + residual, then RMSNorm → SwiGLU + residual, of `layer`. */
export function layerOutput(
  backend: TensorBackend,
  config: ModelConfig,
  parameters: ModelParameters,
  layer: number,
  hidden: Tensor,
  attended: Tensor,
): Tensor {
  const [batch, length] = hidden.shape as [number, number];
  const weight = (part: string) => parameter(parameters, layerParameterName(layer, part));
  const merged = backend.reshape(attended, [batch, length, config.dModel]);
  const afterAttention = backend.add(hidden, backend.linear(merged, weight('attention.output.weight')));
  const normed = backend.rmsNorm(afterAttention, weight('feed_forward_norm.weight'), config.normEpsilon);
  const feedForward = backend.swiGlu(normed, weight('feed_forward.gate.weight'), weight('feed_forward.up.weight'), weight('feed_forward.down.weight'));
  return backend.add(afterAttention, feedForward);
}

/** The last RMSNorm. */
export function finalNorm(backend: TensorBackend, config: ModelConfig, parameters: ModelParameters, hidden: Tensor): Tensor {
  return backend.rmsNorm(hidden, parameter(parameters, 'final_norm.weight'), config.normEpsilon);
}

/** Final hidden states `[B, T, dModel]` (after the last RMSNorm) for int32 `ids: [B, T]`. */
export function forwardHidden(
  backend: TensorBackend,
  config: ModelConfig,
  parameters: ModelParameters,
  ids: Tensor,
  options: ForwardOptions = {},
): Tensor {
  return backend.scope(() => {
    const positions = options.positions ?? backend.arange(ids.shape[1]!);
    let hidden = embedTokens(backend, parameters, ids, options.inference ?? false);
    for (let layer = 0; layer < config.layers; layer++) {
      const current = hidden;
      hidden = backend.scope(() => {
        const { query, key, value } = layerAttentionInputs(backend, config, parameters, layer, current, positions);
        return layerOutput(backend, config, parameters, layer, current, backend.causalAttention(query, key, value));
      });
    }
    return finalNorm(backend, config, parameters, hidden);
  });
}

/** Logits `[..., vocabSize]` of hidden states through the tied embedding. */
export function outputLogits(backend: TensorBackend, parameters: ModelParameters, hidden: Tensor): Tensor {
  return backend.scope(() => backend.matmul(hidden, backend.transpose(parameter(parameters, 'token_embedding.weight'), [1, 0])));
}

/** Logits `[B, T, vocabSize]` for int32 `ids: [B, T]`. */
export function forwardLogits(
  backend: TensorBackend,
  config: ModelConfig,
  parameters: ModelParameters,
  ids: Tensor,
  options: ForwardOptions = {},
): Tensor {
  return backend.scope(() => outputLogits(backend, parameters, forwardHidden(backend, config, parameters, ids, options)));
}
