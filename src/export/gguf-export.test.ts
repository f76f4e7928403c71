import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../nn/index.js';
import type { Tokenizer } from '../nn/tokenizer/index.js';
import { parseArgumentKinds } from '../policies/tiny/argument-kinds.js';
import { loadTinyChatTemplate } from '../policies/tiny/chat-template/index.js';
import { ExportError } from './export-source.js';
import { argumentKindsMetadataKey, exportGguf } from './gguf-export.js';
import { decodeGgufHeader, ggufMetadataValue, ggufTensorData, readGgufHeader, type GgufHeader } from './gguf-reader.js';
import { tokenizerFromGguf } from './gguf-tokenizer.js';
import { ggufTokenTypes } from './gguf-types.js';
import { randomCheckpointTexts, writeRandomCheckpoint } from './testing/random-checkpoint.js';

describe('GGUF export of a checkpoint (llama architecture)', () => {
  let file = '';
  let bytes: Uint8Array;
  let header: GgufHeader;
  let config: ModelConfig;
  let values: Map<string, Float32Array>;
  let tokenizer: Tokenizer;

  beforeAll(async () => {
    const checkpoint = mkdtempSync(path.join(tmpdir(), 'fate-gguf-checkpoint-'));
    ({ config, values, tokenizer } = await writeRandomCheckpoint(checkpoint, { seed: 11, shape: { layers: 3, heads: 2, ffHidden: 48, maxSequence: 96, ropeTheta: 5000, normEpsilon: 1e-6 } }));
    file = path.join(mkdtempSync(path.join(tmpdir(), 'fate-gguf-')), 'nested', 'model.gguf');
    await exportGguf(checkpoint, file);
    bytes = new Uint8Array(readFileSync(file));
    header = decodeGgufHeader(bytes, file);
  });

  it('writes the llama hyper-parameters', async () => {
    expect(header.version).toBe(3);
    const expected: Record<string, unknown> = {
      'general.architecture': 'llama',
      'general.file_type': 0,
      'llama.context_length': 96,
      'llama.embedding_length': 32,
      'llama.block_count': 3,
      'llama.feed_forward_length': 48,
      'llama.attention.head_count': 2,
      'llama.attention.head_count_kv': 2,
      'llama.rope.dimension_count': 16,
      'llama.rope.freq_base': 5000,
      'llama.vocab_size': config.vocabSize,
    };
    for (const [key, value] of Object.entries(expected)) expect([key, ggufMetadataValue(header, key)]).toEqual([key, value]);
    expect(ggufMetadataValue(header, 'llama.attention.layer_norm_rms_epsilon')).toBeCloseTo(1e-6, 12);
    expect(header.metadata.get('llama.attention.layer_norm_rms_epsilon')?.type).toBe('float32');
    // Reading only the header of the file gives the same.
    expect((await readGgufHeader(file)).metadata).toEqual(header.metadata);
  });

  it('writes the tokenizer as gpt2 BPE with control tokens and role ids, and reads it back', () => {
    const template = loadTinyChatTemplate();
    expect(ggufMetadataValue(header, 'tokenizer.ggml.model')).toBe('gpt2');
    expect(ggufMetadataValue(header, 'tokenizer.ggml.pre')).toBe('gpt-2');
    expect(ggufMetadataValue(header, 'tokenizer.ggml.tokens')).toEqual(tokenizer.vocabulary);
    const types = ggufMetadataValue(header, 'tokenizer.ggml.token_type') as number[];
    expect(types.filter((type) => type === ggufTokenTypes.control)).toHaveLength(tokenizer.specialTokens.length);
    expect(types[tokenizer.specialTokenId(template.specialTokens.user)]).toBe(ggufTokenTypes.control);
    expect(ggufMetadataValue(header, 'tokenizer.ggml.merges')).toEqual(tokenizer.merges.map(([left, right]) => `${left} ${right}`));
    expect(ggufMetadataValue(header, 'tokenizer.ggml.bos_token_id')).toBe(tokenizer.specialTokenId(template.specialTokens.beginOfSequence));
    expect(ggufMetadataValue(header, 'tokenizer.ggml.eos_token_id')).toBe(tokenizer.specialTokenId(template.specialTokens.endOfSequence));
    expect(ggufMetadataValue(header, 'tokenizer.ggml.eot_token_id')).toBe(tokenizer.specialTokenId(template.specialTokens.endOfTurn));
    expect(ggufMetadataValue(header, 'tokenizer.ggml.padding_token_id')).toBe(tokenizer.specialTokenId(template.specialTokens.padding));
    expect(ggufMetadataValue(header, 'tokenizer.ggml.add_bos_token')).toBe(false);
    const reread = tokenizerFromGguf(header, file);
    const text = `${randomCheckpointTexts(21, 20).join('\n')}${template.specialTokens.toolCallStart}`;
    expect(reread.encodeWithSpecialTokens(text)).toEqual(tokenizer.encodeWithSpecialTokens(text));
    expect(reread.specialTokens).toEqual(tokenizer.specialTokens);
  });

  it('writes every tensor under its llama.cpp name, projections transposed to [out, in], no separate output head', () => {
    expect(header.tensors).toHaveLength(2 + 9 * config.layers);
    expect(header.tensors.some((tensor) => tensor.name === 'output.weight')).toBe(false);
    const shapes = Object.fromEntries(header.tensors.map((tensor) => [tensor.name, tensor.shape]));
    expect(shapes['token_embd.weight']).toEqual([config.vocabSize, 32]);
    expect(shapes['blk.2.attn_q.weight']).toEqual([32, 32]);
    expect(shapes['blk.2.ffn_gate.weight']).toEqual([48, 32]);
    expect(shapes['blk.2.ffn_down.weight']).toEqual([32, 48]);
    expect(shapes['output_norm.weight']).toEqual([32]);
    const data = (name: string) => ggufTensorData(bytes, header, name, file);
    expect(data('token_embd.weight')).toEqual(values.get('token_embedding.weight'));
    expect(data('blk.1.ffn_norm.weight')).toEqual(values.get('layers.1.feed_forward_norm.weight'));
    // Row o of a GGUF projection is column o of fate's [in, out] weight; q rows keep fate's order.
    const gate = data('blk.1.ffn_gate.weight');
    const fateGate = values.get('layers.1.feed_forward.gate.weight')!;
    const query = data('blk.0.attn_q.weight');
    const fateQuery = values.get('layers.0.attention.query.weight')!;
    for (const [row, column] of [[0, 0], [47, 31], [13, 5]] as const) expect(gate[row * 32 + column]).toBe(fateGate[column * 48 + row]);
    for (const [row, column] of [[0, 1], [31, 30], [17, 4]] as const) expect(query[row * 32 + column]).toBe(fateQuery[column * 32 + row]);
  });
});

describe('GGUF export of argument kinds', () => {
  const kinds = { 'send_money.recipient': { kinds: ['iban'], share: 1, count: 12 }, 'send_money.note': { share: 0.1, count: 9 } };

  it('carries the checkpoint’s argument kinds as JSON metadata, and none when it has none', async () => {
    const checkpoint = mkdtempSync(path.join(tmpdir(), 'fate-gguf-kinds-'));
    await writeRandomCheckpoint(checkpoint, { seed: 5, shape: { maxSequence: 64 } });
    const without = path.join(checkpoint, 'without.gguf');
    await exportGguf(checkpoint, without);
    expect(ggufMetadataValue(await readGgufHeader(without), argumentKindsMetadataKey)).toBeUndefined();
    writeFileSync(path.join(checkpoint, 'argument-kinds.json'), JSON.stringify(kinds));
    const withKinds = path.join(checkpoint, 'with.gguf');
    await exportGguf(checkpoint, withKinds);
    const text = ggufMetadataValue(await readGgufHeader(withKinds), argumentKindsMetadataKey);
    expect(typeof text).toBe('string');
    expect(parseArgumentKinds(text as string, withKinds)).toEqual(kinds);
  });

  it('refuses a malformed argument-kinds.json with one line naming it', async () => {
    const checkpoint = mkdtempSync(path.join(tmpdir(), 'fate-gguf-bad-kinds-'));
    await writeRandomCheckpoint(checkpoint, { seed: 5, shape: { maxSequence: 64 } });
    writeFileSync(path.join(checkpoint, 'argument-kinds.json'), JSON.stringify({ 'send_money.recipient': { share: 3, count: 1 } }));
    const error = await exportGguf(checkpoint, path.join(checkpoint, 'model.gguf')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as Error).message).toContain(path.join(checkpoint, 'argument-kinds.json'));
    expect((error as Error).message).toContain('send_money.recipient.share');
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });
});
