/**
 * Checkpoint directories: `config.json` (the {@link ModelConfig}), `model.safetensors` (every
 * parameter as F32, names as in `parameterShapes`) and, when given, `tokenizer.json` (copied
 * verbatim). Loading checks the weights against the config: a corrupt or mismatched file throws
 * a {@link CheckpointError} whose one-line message names the file.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TensorBackend } from '../backend/tensor-backend.js';
import { ModelConfigSchema, type ModelConfig } from '../model/model-config.js';
import { parameterShapes, parametersFromValues, readParameterValues, type ModelParameters } from '../model/parameters.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsEntry } from './safetensors.js';

/** File names inside a checkpoint directory. */
export const CHECKPOINT_FILES = { config: 'config.json', weights: 'model.safetensors', tokenizer: 'tokenizer.json' } as const;

/** A checkpoint that cannot be read; the message is one line and names the file. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** A checkpoint held on the host. */
export interface HostCheckpoint {
  /** Model configuration. */
  config: ModelConfig;
  /** Parameter values by name, in checkpoint order. */
  values: Map<string, Float32Array>;
  /** Contents of `tokenizer.json`, when the directory has one. */
  tokenizerJson?: string;
}

/** Writes `config.json`, `model.safetensors` and optionally `tokenizer.json` into `directory`. */
export async function saveCheckpoint(
  directory: string,
  checkpoint: { config: ModelConfig; values: Map<string, Float32Array>; tokenizerJson?: string },
): Promise<void> {
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, shape] of parameterShapes(checkpoint.config)) {
    const data = checkpoint.values.get(name);
    if (data === undefined) throw new CheckpointError(`${CHECKPOINT_FILES.weights}: no values for tensor ${name}`);
    tensors.set(name, { dtype: 'F32', shape, data });
  }
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, CHECKPOINT_FILES.config), `${JSON.stringify(checkpoint.config, null, 2)}\n`);
  await writeFile(join(directory, CHECKPOINT_FILES.weights), encodeSafetensors(tensors, { format: 'pt', producer: 'fate' }));
  if (checkpoint.tokenizerJson !== undefined) await writeFile(join(directory, CHECKPOINT_FILES.tokenizer), checkpoint.tokenizerJson);
}

/** Reads device parameters back and saves them (see {@link saveCheckpoint}). */
export async function saveModel(
  backend: TensorBackend,
  directory: string,
  config: ModelConfig,
  parameters: ModelParameters,
  tokenizerJson?: string,
): Promise<void> {
  await saveCheckpoint(directory, { config, values: await readParameterValues(backend, parameters), tokenizerJson });
}

/** Reads and validates a checkpoint directory onto the host. */
export async function loadCheckpoint(directory: string): Promise<HostCheckpoint> {
  const configPath = join(directory, CHECKPOINT_FILES.config);
  const weightsPath = join(directory, CHECKPOINT_FILES.weights);
  const config = parseConfigFile(await readOrFail(configPath, 'utf8'), configPath);
  const weightsBytes = await readOrFail(weightsPath);
  let tensors: Map<string, SafetensorsEntry>;
  try {
    tensors = decodeSafetensors(weightsBytes, weightsPath).tensors;
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(error.message);
    throw error;
  }
  const expected = parameterShapes(config);
  const values = new Map<string, Float32Array>();
  for (const [name, shape] of expected) {
    const entry = tensors.get(name);
    if (entry === undefined) throw new CheckpointError(`${weightsPath}: missing tensor ${name}`);
    if (entry.dtype !== 'F32') throw new CheckpointError(`${weightsPath}: tensor ${name} is ${entry.dtype}, F32 expected`);
    if (entry.shape.length !== shape.length || entry.shape.some((size, axis) => size !== shape[axis])) {
      throw new CheckpointError(
        `${weightsPath}: tensor ${name} has shape [${entry.shape.join(', ')}], ${CHECKPOINT_FILES.config} implies [${shape.join(', ')}]`,
      );
    }
    values.set(name, entry.data as Float32Array);
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name)) throw new CheckpointError(`${weightsPath}: unexpected tensor ${name} for this ${CHECKPOINT_FILES.config}`);
  }
  const tokenizerJson = await readFile(join(directory, CHECKPOINT_FILES.tokenizer), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new CheckpointError(`${join(directory, CHECKPOINT_FILES.tokenizer)}: ${error.message}`);
  });
  return tokenizerJson === undefined ? { config, values } : { config, values, tokenizerJson };
}

/** Loads a checkpoint onto the device: its config, parameters (owned by the caller), tokenizer text. */
export async function loadModel(
  backend: TensorBackend,
  directory: string,
): Promise<{ config: ModelConfig; parameters: ModelParameters; tokenizerJson?: string }> {
  const checkpoint = await loadCheckpoint(directory);
  const parameters = parametersFromValues(backend, checkpoint.config, checkpoint.values);
  return { config: checkpoint.config, parameters, ...(checkpoint.tokenizerJson === undefined ? {} : { tokenizerJson: checkpoint.tokenizerJson }) };
}

function parseConfigFile(text: string, path: string): ModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${path}: not valid JSON`);
  }
  const parsed = ModelConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CheckpointError(`${path}: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  return parsed.data;
}

async function readOrFail(path: string): Promise<Uint8Array>;
async function readOrFail(path: string, encoding: 'utf8'): Promise<string>;
async function readOrFail(path: string, encoding?: 'utf8'): Promise<Uint8Array | string> {
  try {
    return encoding === undefined ? new Uint8Array(await readFile(path)) : await readFile(path, encoding);
  } catch (error) {
    throw new CheckpointError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
}
