/**
 * A fate checkpoint as a Hugging Face `LlamaForCausalLM` folder: `config.json`,
 * `model.safetensors` (F32, Hugging Face names, projections `[out, in]`, query/key rows in the
 * half-split RoPE order of Hugging Face's Llama), `generation_config.json`, `tokenizer.json`
 * and `tokenizer_config.json`. The embedding is tied to the output head
 * (`tie_word_embeddings: true`, no `lm_head.weight`), as in fate.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSafetensors, headSize, type ModelConfig, type SafetensorsEntry } from '../nn/index.js';
import { tokenizerConfigJson } from '../nn/tokenizer/index.js';
import { readExportSource, type ExportSource } from './export-source.js';
import { consecutivePairsToHalves, transposeMatrix } from './llama-weight-layout.js';
import type { SpecialTokenRoles } from './special-token-roles.js';

/** fate parameter part → Hugging Face module of a decoder layer, and whether it is a projection. */
const layerTensorNames: ReadonlyArray<[fatePart: string, huggingFacePart: string, projection: boolean]> = [
  ['attention_norm.weight', 'input_layernorm.weight', false],
  ['attention.query.weight', 'self_attn.q_proj.weight', true],
  ['attention.key.weight', 'self_attn.k_proj.weight', true],
  ['attention.value.weight', 'self_attn.v_proj.weight', true],
  ['attention.output.weight', 'self_attn.o_proj.weight', true],
  ['feed_forward_norm.weight', 'post_attention_layernorm.weight', false],
  ['feed_forward.gate.weight', 'mlp.gate_proj.weight', true],
  ['feed_forward.up.weight', 'mlp.up_proj.weight', true],
  ['feed_forward.down.weight', 'mlp.down_proj.weight', true],
];

/** The files of an exported folder. */
export const HUGGING_FACE_FILES = {
  config: 'config.json',
  weights: 'model.safetensors',
  generationConfig: 'generation_config.json',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
} as const;

/** `config.json` of a `LlamaForCausalLM` with fate's shape. */
export function huggingFaceConfig(config: ModelConfig, roles: SpecialTokenRoles): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: config.dModel,
    intermediate_size: config.ffHidden,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.heads,
    head_dim: headSize(config),
    vocab_size: config.vocabSize,
    max_position_embeddings: config.maxSequence,
    rms_norm_eps: config.normEpsilon,
    rope_theta: config.ropeTheta,
    rope_scaling: null,
    hidden_act: 'silu',
    attention_bias: false,
    attention_dropout: 0,
    mlp_bias: false,
    pretraining_tp: 1,
    tie_word_embeddings: true,
    initializer_range: 0.02,
    use_cache: true,
    torch_dtype: 'float32',
    bos_token_id: roles.beginOfSequence ?? null,
    eos_token_id: roles.endOfSequence ?? null,
    pad_token_id: roles.padding ?? null,
  };
}

/** `generation_config.json`: generation stops at the end of a turn or of the sequence. */
export function huggingFaceGenerationConfig(roles: SpecialTokenRoles): Record<string, unknown> {
  const stops = [roles.endOfTurn, roles.endOfSequence].filter((id): id is number => id !== undefined);
  return {
    bos_token_id: roles.beginOfSequence ?? null,
    eos_token_id: stops.length === 1 ? stops[0] : stops,
    pad_token_id: roles.padding ?? null,
  };
}

/** The weights in Hugging Face's names and layout, in file order. */
export function huggingFaceTensors(config: ModelConfig, values: ReadonlyMap<string, Float32Array>): Map<string, SafetensorsEntry> {
  const take = (name: string): Float32Array => {
    const data = values.get(name);
    if (data === undefined) throw new Error(`missing parameter ${name}`);
    return data;
  };
  const { dModel, ffHidden, heads } = config;
  const tensors = new Map<string, SafetensorsEntry>();
  tensors.set('model.embed_tokens.weight', { dtype: 'F32', shape: [config.vocabSize, dModel], data: take('token_embedding.weight') });
  for (let layer = 0; layer < config.layers; layer++) {
    for (const [fatePart, huggingFacePart, projection] of layerTensorNames) {
      const data = take(`layers.${layer}.${fatePart}`);
      const name = `model.layers.${layer}.${huggingFacePart}`;
      if (!projection) {
        tensors.set(name, { dtype: 'F32', shape: [dModel], data });
        continue;
      }
      const inFeatures = fatePart.startsWith('feed_forward.down') ? ffHidden : dModel;
      const outFeatures = fatePart.startsWith('feed_forward.gate') || fatePart.startsWith('feed_forward.up') ? ffHidden : dModel;
      let weight = transposeMatrix(data, inFeatures, outFeatures);
      if (fatePart === 'attention.query.weight' || fatePart === 'attention.key.weight') weight = consecutivePairsToHalves(weight, heads, headSize(config), inFeatures);
      tensors.set(name, { dtype: 'F32', shape: [outFeatures, inFeatures], data: weight });
    }
  }
  tensors.set('model.norm.weight', { dtype: 'F32', shape: [dModel], data: take('final_norm.weight') });
  return tensors;
}

/** `tokenizer_config.json`: exact decoding, the special tokens with a role by name. */
function huggingFaceTokenizerConfig(source: ExportSource): Record<string, unknown> {
  const spelling = (id: number | undefined) => (id === undefined ? null : source.tokenizer.idToToken(id) ?? null);
  return {
    ...tokenizerConfigJson(),
    bos_token: spelling(source.roles.beginOfSequence),
    eos_token: spelling(source.roles.endOfSequence),
    pad_token: spelling(source.roles.padding),
    add_bos_token: false,
    add_eos_token: false,
    model_max_length: source.config.maxSequence,
  };
}

/**
 * Exports the checkpoint in `checkpointDirectory` as a Hugging Face folder `outputDirectory`.
 * Throws an {@link ExportError} naming the file when the checkpoint cannot be read.
 */
export async function exportHuggingFace(checkpointDirectory: string, outputDirectory: string): Promise<{ path: string; files: string[] }> {
  const source = await readExportSource(checkpointDirectory);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await mkdir(outputDirectory, { recursive: true });
  await writeFile(join(outputDirectory, HUGGING_FACE_FILES.config), json(huggingFaceConfig(source.config, source.roles)));
  await writeFile(join(outputDirectory, HUGGING_FACE_FILES.generationConfig), json(huggingFaceGenerationConfig(source.roles)));
  await writeFile(join(outputDirectory, HUGGING_FACE_FILES.weights), encodeSafetensors(huggingFaceTensors(source.config, source.values), { format: 'pt' }));
  await writeFile(join(outputDirectory, HUGGING_FACE_FILES.tokenizer), source.tokenizerJson);
  await writeFile(join(outputDirectory, HUGGING_FACE_FILES.tokenizerConfig), json(huggingFaceTokenizerConfig(source)));
  return { path: outputDirectory, files: Object.values(HUGGING_FACE_FILES) };
}
