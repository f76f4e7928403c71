/**
 * A fate checkpoint as a GGUF file of llama.cpp's `llama` architecture, all tensors F32. fate's
 * model is that architecture (pre-RMSNorm blocks, RoPE on consecutive pairs, SwiGLU, tied
 * embedding), so the conversion is names, metadata and orientation only: projections are
 * transposed to `[out, in]` and query/key rows stay in fate's order, which is already the one
 * llama.cpp's rope expects (see `llama-weight-layout.ts`). No `output.weight` is written:
 * llama.cpp then uses `token_embd.weight` as the output head, as fate does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { headSize, type ModelConfig } from '../nn/index.js';
import { readExportSource, type ExportSource } from './export-source.js';
import { ggufTokenizerMetadata } from './gguf-tokenizer.js';
import type { GgufValue } from './gguf-types.js';
import { encodeGguf, type GgufTensor } from './gguf-writer.js';
import { transposeMatrix } from './llama-weight-layout.js';

/** fate parameter part → llama.cpp tensor part of a block, and whether it is a projection (transposed). */
const blockTensorNames: ReadonlyArray<[fatePart: string, ggufPart: string, projection: boolean]> = [
  ['attention_norm.weight', 'attn_norm.weight', false],
  ['attention.query.weight', 'attn_q.weight', true],
  ['attention.key.weight', 'attn_k.weight', true],
  ['attention.value.weight', 'attn_v.weight', true],
  ['attention.output.weight', 'attn_output.weight', true],
  ['feed_forward_norm.weight', 'ffn_norm.weight', false],
  ['feed_forward.gate.weight', 'ffn_gate.weight', true],
  ['feed_forward.up.weight', 'ffn_up.weight', true],
  ['feed_forward.down.weight', 'ffn_down.weight', true],
];

/** The `general.*` and `llama.*` metadata of a model. */
export function llamaGgufModelMetadata(config: ModelConfig, name: string): Array<[string, GgufValue]> {
  const uint32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const float32 = (value: number): GgufValue => ({ type: 'float32', value });
  return [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: name }],
    // llama_ftype ALL_F32
    ['general.file_type', uint32(0)],
    ['llama.vocab_size', uint32(config.vocabSize)],
    ['llama.context_length', uint32(config.maxSequence)],
    ['llama.embedding_length', uint32(config.dModel)],
    ['llama.block_count', uint32(config.layers)],
    ['llama.feed_forward_length', uint32(config.ffHidden)],
    ['llama.attention.head_count', uint32(config.heads)],
    ['llama.attention.head_count_kv', uint32(config.heads)],
    ['llama.rope.dimension_count', uint32(headSize(config))],
    ['llama.attention.layer_norm_rms_epsilon', float32(config.normEpsilon)],
    ['llama.rope.freq_base', float32(config.ropeTheta)],
  ];
}

/** The tensors of a model in llama.cpp's names and layout. */
export function llamaGgufTensors(config: ModelConfig, values: ReadonlyMap<string, Float32Array>): GgufTensor[] {
  const take = (name: string): Float32Array => {
    const data = values.get(name);
    if (data === undefined) throw new Error(`missing parameter ${name}`);
    return data;
  };
  const tensors: GgufTensor[] = [{ name: 'token_embd.weight', shape: [config.vocabSize, config.dModel], type: 'F32', data: take('token_embedding.weight') }];
  const projectionShape = (part: string): [number, number] => {
    if (part.startsWith('feed_forward.gate') || part.startsWith('feed_forward.up')) return [config.dModel, config.ffHidden];
    if (part.startsWith('feed_forward.down')) return [config.ffHidden, config.dModel];
    return [config.dModel, config.dModel];
  };
  for (let layer = 0; layer < config.layers; layer++) {
    for (const [fatePart, ggufPart, projection] of blockTensorNames) {
      const data = take(`layers.${layer}.${fatePart}`);
      const name = `blk.${layer}.${ggufPart}`;
      if (!projection) tensors.push({ name, shape: [config.dModel], type: 'F32', data });
      else {
        const [inFeatures, outFeatures] = projectionShape(fatePart);
        tensors.push({ name, shape: [outFeatures, inFeatures], type: 'F32', data: transposeMatrix(data, inFeatures, outFeatures) });
      }
    }
  }
  tensors.push({ name: 'output_norm.weight', shape: [config.dModel], type: 'F32', data: take('final_norm.weight') });
  return tensors;
}

/**
 * The metadata key holding a checkpoint's argument kinds as JSON text: fate's `llamacpp` policy
 * decodes tool calls with them, as the `tiny` policy does from `argument-kinds.json`; llama.cpp
 * itself ignores the key.
 */
export const argumentKindsMetadataKey = 'fate.argument_kinds';

/** The GGUF bytes of a loaded checkpoint. */
export function encodeLlamaGguf(source: ExportSource, name: string): Uint8Array {
  const metadata = new Map<string, GgufValue>([...llamaGgufModelMetadata(source.config, name), ...ggufTokenizerMetadata(source.tokenizer, source.roles)]);
  if (Object.keys(source.argumentKinds).length > 0) metadata.set(argumentKindsMetadataKey, { type: 'string', value: JSON.stringify(source.argumentKinds) });
  return encodeGguf(metadata, llamaGgufTensors(source.config, source.values));
}

/**
 * Exports the checkpoint in `checkpointDirectory` as one GGUF file at `outputPath`. Throws an
 * {@link ExportError} naming the file when the checkpoint cannot be read.
 */
export async function exportGguf(checkpointDirectory: string, outputPath: string): Promise<{ path: string; bytes: number }> {
  const source = await readExportSource(checkpointDirectory);
  const bytes = encodeLlamaGguf(source, basename(resolve(checkpointDirectory)));
  await mkdir(dirname(resolve(outputPath)), { recursive: true });
  await writeFile(outputPath, bytes);
  return { path: outputPath, bytes: bytes.length };
}
