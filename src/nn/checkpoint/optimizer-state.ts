/**
 * The optimizer's side of a training checkpoint, so an interrupted training run can continue:
 * `optimizer.safetensors` beside a checkpoint's weights, with AdamW's first and second moments
 * (`first_moment.<parameter>`, `second_moment.<parameter>`, F32) and the step count in the
 * metadata. Loading checks every tensor against the model config; a bad file gives a one-line
 * {@link CheckpointError} naming it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '../model/model-config.js';
import { parameterShapes } from '../model/parameters.js';
import { CheckpointError } from './checkpoint.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsEntry } from './safetensors.js';

/** File name of the optimizer state inside a checkpoint directory. */
export const OPTIMIZER_STATE_FILE = 'optimizer.safetensors';

/** AdamW's state on the host. */
export interface HostOptimizerState {
  /** Optimizer steps taken. */
  step: number;
  /** First moments by parameter name. */
  firstMoment: Map<string, Float32Array>;
  /** Second moments by parameter name. */
  secondMoment: Map<string, Float32Array>;
}

const MOMENTS = [
  ['first_moment', 'firstMoment'],
  ['second_moment', 'secondMoment'],
] as const;

/** Writes `optimizer.safetensors` into `directory` (which must exist). */
export async function saveOptimizerState(directory: string, config: ModelConfig, state: HostOptimizerState): Promise<void> {
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [prefix, key] of MOMENTS) {
    for (const [name, shape] of parameterShapes(config)) {
      const data = state[key].get(name);
      if (data === undefined) throw new CheckpointError(`${OPTIMIZER_STATE_FILE}: no ${prefix} for tensor ${name}`);
      tensors.set(`${prefix}.${name}`, { dtype: 'F32', shape, data });
    }
  }
  await writeFile(join(directory, OPTIMIZER_STATE_FILE), encodeSafetensors(tensors, { step: String(state.step), producer: 'fate' }));
}

/** Reads `optimizer.safetensors` from `directory`, checked against `config`. */
export async function loadOptimizerState(directory: string, config: ModelConfig): Promise<HostOptimizerState> {
  const file = join(directory, OPTIMIZER_STATE_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CheckpointError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message}`);
  }
  let contents;
  try {
    contents = decodeSafetensors(bytes, file);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(error.message);
    throw error;
  }
  const step = Number(contents.metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new CheckpointError(`${file}: metadata "step" is not a step count`);
  const state: HostOptimizerState = { step, firstMoment: new Map(), secondMoment: new Map() };
  for (const [prefix, key] of MOMENTS) {
    for (const [name, shape] of parameterShapes(config)) {
      const entry = contents.tensors.get(`${prefix}.${name}`);
      if (entry === undefined) throw new CheckpointError(`${file}: missing tensor ${prefix}.${name}`);
      if (entry.dtype !== 'F32' || entry.shape.length !== shape.length || entry.shape.some((size, axis) => size !== shape[axis])) {
        throw new CheckpointError(`${file}: tensor ${prefix}.${name} is ${entry.dtype} [${entry.shape.join(', ')}], F32 [${shape.join(', ')}] expected`);
      }
      state[key].set(name, entry.data as Float32Array);
    }
  }
  return state;
}
