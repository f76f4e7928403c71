import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend, decodeSafetensors, forwardLogits, parametersFromValues, type ModelConfig, type SafetensorsEntry } from '../nn/index.js';
import { exportHuggingFace, HUGGING_FACE_FILES } from './huggingface-export.js';
import { loadTinyChatTemplate } from '../policies/tiny/chat-template/index.js';
import { consecutivePairsToHalves, halvesToConsecutivePairs } from './llama-weight-layout.js';
import { randomCheckpointTexts, writeRandomCheckpoint } from './testing/random-checkpoint.js';

/** The fields of a Hugging Face Llama `config.json` the reference forward reads. */
interface LlamaConfigJson {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  vocab_size: number;
  rms_norm_eps: number;
  rope_theta: number;
  tie_word_embeddings: boolean;
}

/**
 * Logits `[T][vocab]` of Hugging Face's `LlamaForCausalLM` for one sequence, written from its
 * definition in plain TypeScript (float64): `W x` with `[out, in]` weights, RoPE by `rotate_half`
 * (pairs `(i, i + headSize/2)`), causal softmax attention scaled by 1/√headSize, SwiGLU, tied head.
 */
function huggingFaceLlamaLogits(config: LlamaConfigJson, tensors: Map<string, SafetensorsEntry>, ids: readonly number[]): Float64Array[] {
  const d = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = d / heads;
  const half = headSize / 2;
  const weight = (name: string) => {
    const entry = tensors.get(name);
    if (entry === undefined) throw new Error(`missing ${name}`);
    return entry.data;
  };
  const linear = (matrix: ArrayLike<number>, input: Float64Array, outFeatures: number): Float64Array => {
    const output = new Float64Array(outFeatures);
    for (let row = 0; row < outFeatures; row++) {
      let total = 0;
      for (let column = 0; column < input.length; column++) total += matrix[row * input.length + column]! * input[column]!;
      output[row] = total;
    }
    return output;
  };
  const rmsNorm = (input: Float64Array, gain: ArrayLike<number>): Float64Array => {
    const meanSquare = input.reduce((total, value) => total + value * value, 0) / input.length;
    const scale = 1 / Math.sqrt(meanSquare + config.rms_norm_eps);
    return input.map((value, index) => value * scale * gain[index]!);
  };
  const rotateHalf = (vector: Float64Array, position: number): Float64Array => {
    const result = new Float64Array(vector.length);
    for (let head = 0; head < heads; head++) {
      for (let index = 0; index < half; index++) {
        const angle = position / config.rope_theta ** ((2 * index) / headSize);
        const first = vector[head * headSize + index]!;
        const second = vector[head * headSize + index + half]!;
        result[head * headSize + index] = first * Math.cos(angle) - second * Math.sin(angle);
        result[head * headSize + index + half] = second * Math.cos(angle) + first * Math.sin(angle);
      }
    }
    return result;
  };
  const embedding = weight('model.embed_tokens.weight');
  let hidden = ids.map((id) => Float64Array.from(embedding.subarray(id * d, (id + 1) * d)));
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const prefix = `model.layers.${layer}.`;
    const normed = hidden.map((vector) => rmsNorm(vector, weight(`${prefix}input_layernorm.weight`)));
    const queries = normed.map((vector, position) => rotateHalf(linear(weight(`${prefix}self_attn.q_proj.weight`), vector, d), position));
    const keys = normed.map((vector, position) => rotateHalf(linear(weight(`${prefix}self_attn.k_proj.weight`), vector, d), position));
    const values = normed.map((vector) => linear(weight(`${prefix}self_attn.v_proj.weight`), vector, d));
    hidden = hidden.map((vector, position) => {
      const attended = new Float64Array(d);
      for (let head = 0; head < heads; head++) {
        const scores = Array.from({ length: position + 1 }, (_, source) => {
          let total = 0;
          for (let index = 0; index < headSize; index++) total += queries[position]![head * headSize + index]! * keys[source]![head * headSize + index]!;
          return total / Math.sqrt(headSize);
        });
        const peak = Math.max(...scores);
        const exponentials = scores.map((score) => Math.exp(score - peak));
        const total = exponentials.reduce((sum, value) => sum + value, 0);
        exponentials.forEach((value, source) => {
          for (let index = 0; index < headSize; index++) attended[head * headSize + index]! += (value / total) * values[source]![head * headSize + index]!;
        });
      }
      const afterAttention = vector.map((value, index) => value + linear(weight(`${prefix}self_attn.o_proj.weight`), attended, d)[index]!);
      const normedAgain = rmsNorm(afterAttention, weight(`${prefix}post_attention_layernorm.weight`));
      const gate = linear(weight(`${prefix}mlp.gate_proj.weight`), normedAgain, config.intermediate_size);
      const up = linear(weight(`${prefix}mlp.up_proj.weight`), normedAgain, config.intermediate_size);
      const activated = gate.map((value, index) => (value / (1 + Math.exp(-value))) * up[index]!);
      const down = linear(weight(`${prefix}mlp.down_proj.weight`), activated, d);
      return afterAttention.map((value, index) => value + down[index]!);
    });
  }
  return hidden.map((vector) => linear(embedding, rmsNorm(vector, weight('model.norm.weight')), config.vocab_size));
}

const spellings = loadTinyChatTemplate().specialTokens;

describe('Hugging Face LlamaForCausalLM export', () => {
  let checkpoint = '';
  let output = '';
  let fateConfig: ModelConfig;
  let fateValues: Map<string, Float32Array>;
  let ids: number[] = [];
  let special: (spelling: string) => number;

  beforeAll(async () => {
    checkpoint = mkdtempSync(path.join(tmpdir(), 'fate-hf-checkpoint-'));
    const written = await writeRandomCheckpoint(checkpoint, { seed: 3, shape: { layers: 2, maxSequence: 64 } });
    fateConfig = written.config;
    fateValues = written.values;
    special = (spelling) => written.tokenizer.specialTokenId(spelling);
    ids = [written.tokenizer.specialTokenId(spellings.beginOfSequence), ...written.tokenizer.encode(randomCheckpointTexts(5, 3).join(' ')).slice(0, 23)];
    output = path.join(mkdtempSync(path.join(tmpdir(), 'fate-hf-')), 'model');
    await exportHuggingFace(checkpoint, output);
  });

  it('writes a LlamaForCausalLM config.json with the checkpoint’s shape and the tokenizer unchanged', () => {
    const config = JSON.parse(readFileSync(path.join(output, HUGGING_FACE_FILES.config), 'utf8'));
    expect(config).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      hidden_size: fateConfig.dModel,
      intermediate_size: fateConfig.ffHidden,
      num_hidden_layers: fateConfig.layers,
      num_attention_heads: fateConfig.heads,
      num_key_value_heads: fateConfig.heads,
      vocab_size: fateConfig.vocabSize,
      max_position_embeddings: fateConfig.maxSequence,
      rms_norm_eps: fateConfig.normEpsilon,
      rope_theta: fateConfig.ropeTheta,
      tie_word_embeddings: true,
      hidden_act: 'silu',
      bos_token_id: special(spellings.beginOfSequence),
      eos_token_id: special(spellings.endOfSequence),
      pad_token_id: special(spellings.padding),
    });
    expect(readFileSync(path.join(output, HUGGING_FACE_FILES.tokenizer), 'utf8')).toBe(readFileSync(path.join(checkpoint, 'tokenizer.json'), 'utf8'));
    const tokenizerConfig = JSON.parse(readFileSync(path.join(output, HUGGING_FACE_FILES.tokenizerConfig), 'utf8'));
    expect(tokenizerConfig).toMatchObject({ bos_token: spellings.beginOfSequence, eos_token: spellings.endOfSequence, pad_token: spellings.padding, clean_up_tokenization_spaces: false });
    const generation = JSON.parse(readFileSync(path.join(output, HUGGING_FACE_FILES.generationConfig), 'utf8'));
    expect(generation.eos_token_id).toEqual([special(spellings.endOfTurn), special(spellings.endOfSequence)]);
  });

  it('holds every weight under its Hugging Face name as [out, in], the head tied (no lm_head)', () => {
    const tensors = decodeSafetensors(new Uint8Array(readFileSync(path.join(output, HUGGING_FACE_FILES.weights))), 'model.safetensors').tensors;
    expect(tensors.size).toBe(2 + 9 * fateConfig.layers);
    expect(tensors.has('lm_head.weight')).toBe(false);
    expect(tensors.get('model.embed_tokens.weight')?.shape).toEqual([fateConfig.vocabSize, fateConfig.dModel]);
    expect(tensors.get('model.layers.1.mlp.down_proj.weight')?.shape).toEqual([fateConfig.dModel, fateConfig.ffHidden]);
    expect(tensors.get('model.layers.1.mlp.gate_proj.weight')?.shape).toEqual([fateConfig.ffHidden, fateConfig.dModel]);
    expect(tensors.get('model.norm.weight')?.data).toEqual(fateValues.get('final_norm.weight'));
    // up_proj[o][i] is fate's up[i][o].
    const up = tensors.get('model.layers.0.mlp.up_proj.weight')!.data;
    const fateUp = fateValues.get('layers.0.feed_forward.up.weight')!;
    expect(up[5 * fateConfig.dModel + 3]).toBe(fateUp[3 * fateConfig.ffHidden + 5]);
  });

  it('computes fate’s logits when run as Hugging Face’s Llama (rotate_half RoPE)', async () => {
    const config = JSON.parse(readFileSync(path.join(output, HUGGING_FACE_FILES.config), 'utf8')) as LlamaConfigJson;
    const tensors = decodeSafetensors(new Uint8Array(readFileSync(path.join(output, HUGGING_FACE_FILES.weights))), 'model.safetensors').tensors;
    const reference = huggingFaceLlamaLogits(config, tensors, ids);
    const backend = await createJaxBackend({ workers: false });
    const parameters = parametersFromValues(backend, fateConfig, fateValues);
    const input = backend.intTensor(Int32Array.from(ids), [1, ids.length]);
    const logits = forwardLogits(backend, fateConfig, parameters, input, { inference: true });
    const fate = await backend.read(logits);
    backend.dispose([input, logits, ...Object.values(parameters)]);
    let largest = 0;
    let spread = 0;
    reference.forEach((row, position) =>
      row.forEach((value, token) => {
        largest = Math.max(largest, Math.abs(value - fate[position * config.vocab_size + token]!));
        spread = Math.max(spread, Math.abs(value));
      }),
    );
    expect(spread).toBeGreaterThan(1);
    expect(largest).toBeLessThan(1e-3);

    // Without the query/key row permutation the same forward computes something else.
    const unpermuted = new Map(tensors);
    for (let layer = 0; layer < config.num_hidden_layers; layer++) {
      for (const part of ['q_proj', 'k_proj']) {
        const name = `model.layers.${layer}.self_attn.${part}.weight`;
        const entry = tensors.get(name)!;
        unpermuted.set(name, { ...entry, data: halvesToConsecutivePairs(entry.data as Float32Array, config.num_attention_heads, config.hidden_size / config.num_attention_heads, config.hidden_size) });
      }
    }
    const wrong = huggingFaceLlamaLogits(config, unpermuted, ids);
    const wrongDifference = Math.max(...wrong.flatMap((row, position) => Array.from(row, (value, token) => Math.abs(value - fate[position * config.vocab_size + token]!))));
    expect(wrongDifference).toBeGreaterThan(0.1);
  });

  it('permutes query/key rows so that the two RoPE pairings agree, and back', () => {
    const heads = 2;
    const headSize = 6;
    const inFeatures = 3;
    const weight = Float32Array.from({ length: heads * headSize * inFeatures }, (_, index) => index);
    const halves = consecutivePairsToHalves(weight, heads, headSize, inFeatures);
    // Hugging Face row j·3 + i of a head is fate's row 2i + j: fate's pair (2, 3) of head 1 lands on rows 1 and 4.
    expect(Array.from(halves.subarray((headSize + 1) * inFeatures, (headSize + 2) * inFeatures))).toEqual([24, 25, 26]);
    expect(Array.from(halves.subarray((headSize + 4) * inFeatures, (headSize + 5) * inFeatures))).toEqual([27, 28, 29]);
    expect(halvesToConsecutivePairs(halves, heads, headSize, inFeatures)).toEqual(weight);
  });
});
