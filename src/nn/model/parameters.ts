/**
 * Parameter names, shapes and seeded initialisation. Parameters are a flat record keyed by their
 * checkpoint names; linear weights are stored `[in, out]` so a layer is `x @ W`.
 */
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import { SeededRandom } from '../seeded-random.js';
import type { ModelConfig } from './model-config.js';

/** Model parameters keyed by checkpoint name (see {@link parameterShapes}). */
export type ModelParameters = Record<string, Tensor>;

/** Name of a per-layer parameter. */
export function layerParameterName(layer: number, part: string): string {
  return `layers.${layer}.${part}`;
}

/** Every parameter's name and shape, in checkpoint order. */
export function parameterShapes(config: ModelConfig): Map<string, number[]> {
  const { vocabSize, dModel, ffHidden } = config;
  const shapes = new Map<string, number[]>();
  shapes.set('token_embedding.weight', [vocabSize, dModel]);
  for (let layer = 0; layer < config.layers; layer++) {
    shapes.set(layerParameterName(layer, 'attention_norm.weight'), [dModel]);
    shapes.set(layerParameterName(layer, 'attention.query.weight'), [dModel, dModel]);
    shapes.set(layerParameterName(layer, 'attention.key.weight'), [dModel, dModel]);
    shapes.set(layerParameterName(layer, 'attention.value.weight'), [dModel, dModel]);
    shapes.set(layerParameterName(layer, 'attention.output.weight'), [dModel, dModel]);
    shapes.set(layerParameterName(layer, 'feed_forward_norm.weight'), [dModel]);
    shapes.set(layerParameterName(layer, 'feed_forward.gate.weight'), [dModel, ffHidden]);
    shapes.set(layerParameterName(layer, 'feed_forward.up.weight'), [dModel, ffHidden]);
    shapes.set(layerParameterName(layer, 'feed_forward.down.weight'), [ffHidden, dModel]);
  }
  shapes.set('final_norm.weight', [dModel]);
  return shapes;
}

/** Total number of scalars in the model (the tied head counted once). */
export function parameterCount(config: ModelConfig): number {
  let total = 0;
  for (const shape of parameterShapes(config).values()) total += shape.reduce((product, size) => product * size, 1);
  return total;
}

/**
 * Host values of a fresh model: norms at 1, matrices normal(0, 0.02), the two projections that
 * write into the residual stream (attention output, feed-forward down) scaled by 1/√(2·layers)
 * as in GPT-2. Deterministic in `seed`.
 */
export function initialParameterValues(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const random = new SeededRandom(seed);
  const residualScale = 1 / Math.sqrt(2 * config.layers);
  const values = new Map<string, Float32Array>();
  for (const [name, shape] of parameterShapes(config)) {
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    const data = new Float32Array(size);
    if (name.endsWith('norm.weight')) data.fill(1);
    else {
      const scale = 0.02 * (name.endsWith('attention.output.weight') || name.endsWith('feed_forward.down.weight') ? residualScale : 1);
      for (let index = 0; index < size; index++) data[index] = random.normal() * scale;
    }
    values.set(name, data);
  }
  return values;
}

/** Uploads host values as model parameters (owned by the caller). */
export function parametersFromValues(backend: TensorBackend, config: ModelConfig, values: Map<string, Float32Array>): ModelParameters {
  const parameters: ModelParameters = {};
  for (const [name, shape] of parameterShapes(config)) {
    const data = values.get(name);
    if (data === undefined) throw new Error(`missing parameter ${name}`);
    parameters[name] = backend.floatTensor(data, shape);
  }
  return parameters;
}

/** A freshly initialised model, deterministic in `seed` (owned by the caller). */
export function initializeParameters(backend: TensorBackend, config: ModelConfig, seed: number): ModelParameters {
  return parametersFromValues(backend, config, initialParameterValues(config, seed));
}

/** Reads every parameter back to the host, in checkpoint order. */
export async function readParameterValues(backend: TensorBackend, parameters: ModelParameters): Promise<Map<string, Float32Array>> {
  const values = new Map<string, Float32Array>();
  for (const [name, tensor] of Object.entries(parameters)) {
    const data = await backend.read(tensor);
    values.set(name, data instanceof Float32Array ? data : Float32Array.from(data));
  }
  return values;
}

/** Fetches a parameter by name, failing with the name when it is absent. */
export function parameter(parameters: ModelParameters, name: string): Tensor {
  const tensor = parameters[name];
  if (tensor === undefined) throw new Error(`missing parameter ${name}`);
  return tensor;
}
