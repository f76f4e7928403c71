/**
 * Reading a fate checkpoint for export: its config, weights and tokenizer, all required, and its
 * argument kinds when it has them. Every
 * problem becomes an {@link ExportError} whose one-line message names the file.
 */
import { join } from 'node:path';
import { CHECKPOINT_FILES, CheckpointError, loadCheckpoint, type ModelConfig } from '../nn/index.js';
import { tokenizerFromJson, type Tokenizer } from '../nn/tokenizer/index.js';
import { readArgumentKinds, type ArgumentKinds } from '../policies/tiny/argument-kinds.js';
import { specialTokenRoles, type SpecialTokenRoles } from './special-token-roles.js';

/** A checkpoint that cannot be exported; the message is one line naming the file. */
export class ExportError extends Error {
  override name = 'ExportError';
}

/** Everything an exporter needs from a checkpoint. */
export interface ExportSource {
  /** Model configuration. */
  config: ModelConfig;
  /** Parameters by fate name (linear weights `[in, out]`). */
  values: Map<string, Float32Array>;
  /** The checkpoint's tokenizer. */
  tokenizer: Tokenizer;
  /** `tokenizer.json` as it is on disk. */
  tokenizerJson: string;
  /** Ids of the special tokens with a role. */
  roles: SpecialTokenRoles;
  /** The checkpoint's argument kinds (`argument-kinds.json`; empty when it has none), which the tool-call grammar decodes with. */
  argumentKinds: ArgumentKinds;
}

/** Loads and checks `directory` (config.json, model.safetensors, tokenizer.json). */
export async function readExportSource(directory: string): Promise<ExportSource> {
  let checkpoint;
  try {
    checkpoint = await loadCheckpoint(directory);
  } catch (error) {
    if (error instanceof CheckpointError) throw new ExportError(error.message);
    throw error;
  }
  const tokenizerPath = join(directory, CHECKPOINT_FILES.tokenizer);
  if (checkpoint.tokenizerJson === undefined) throw new ExportError(`${tokenizerPath}: file not found; an exported model needs the checkpoint's tokenizer`);
  let tokenizer: Tokenizer;
  try {
    tokenizer = tokenizerFromJson(JSON.parse(checkpoint.tokenizerJson));
  } catch (error) {
    throw new ExportError(`${tokenizerPath}: ${(error as Error).message.replace(/^tokenizer\.json: /, '')}`);
  }
  if (tokenizer.vocabularySize !== checkpoint.config.vocabSize) {
    throw new ExportError(`${tokenizerPath}: ${tokenizer.vocabularySize} tokens, ${CHECKPOINT_FILES.config} says vocabSize ${checkpoint.config.vocabSize}`);
  }
  let argumentKinds: ArgumentKinds;
  try {
    argumentKinds = readArgumentKinds(directory);
  } catch (error) {
    throw new ExportError((error as Error).message);
  }
  return { config: checkpoint.config, values: checkpoint.values, tokenizer, tokenizerJson: checkpoint.tokenizerJson, roles: specialTokenRoles(tokenizer), argumentKinds };
}
