import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../backend/jax-backend.js';
import type { TensorBackend } from '../backend/tensor-backend.js';
import { parseModelConfig } from '../model/model-config.js';
import { initialParameterValues, initializeParameters } from '../model/parameters.js';
import { forwardLogits } from '../model/transformer.js';
import { CheckpointError, loadCheckpoint, loadModel, saveModel } from './checkpoint.js';
import { loadOptimizerState, saveOptimizerState } from './optimizer-state.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

const config = parseModelConfig({ vocabSize: 20, dModel: 8, layers: 2, heads: 2, ffHidden: 16, maxSequence: 16 });
const tokenizerJson = '{"model":{"type":"BPE"},"added_tokens":[]}';

let backend: TensorBackend;
let root: string;
beforeAll(async () => {
  backend = await createJaxBackend();
  root = await mkdtemp(join(tmpdir(), 'fate-checkpoint-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function savedCopy(name: string): Promise<string> {
  const directory = join(root, name);
  const parameters = initializeParameters(backend, config, 4);
  await saveModel(backend, directory, config, parameters, tokenizerJson);
  backend.dispose(parameters);
  return directory;
}

describe('safetensors', () => {
  it('round-trips F32 and I32 tensors with metadata and an 8-byte aligned header', () => {
    const tensors = new Map([
      ['a', { dtype: 'F32' as const, shape: [2, 2], data: Float32Array.from([1, -2, 3.5, 4]) }],
      ['b', { dtype: 'I32' as const, shape: [3], data: Int32Array.from([7, 8, -9]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { note: 'x' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const decoded = decodeSafetensors(bytes, 'file.safetensors');
    expect(decoded.metadata).toEqual({ note: 'x' });
    expect(decoded.tensors.get('a')).toEqual(tensors.get('a'));
    expect(decoded.tensors.get('b')).toEqual(tensors.get('b'));
    // Bytes inside a larger buffer (as a Node Buffer from readFile often is) decode the same.
    const pooled = Buffer.concat([Buffer.from('padding!'), Buffer.from(bytes)]).subarray(8);
    expect(decodeSafetensors(pooled, 'file.safetensors').tensors.get('a')).toEqual(tensors.get('a'));
  });
});

describe('optimizer state', () => {
  it('round-trips the moments and the step, and names the file when it does not fit the model', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'fate-optimizer-'));
    const values = initialParameterValues(config, 2);
    const squares = new Map([...values].map(([name, data]) => [name, data.map((value) => value * value)]));
    await saveOptimizerState(directory, config, { step: 7, firstMoment: values, secondMoment: squares });
    const loaded = await loadOptimizerState(directory, config);
    expect(loaded.step).toBe(7);
    for (const [name, data] of values) {
      expect(loaded.firstMoment.get(name)).toEqual(data);
      expect(loaded.secondMoment.get(name)).toEqual(squares.get(name));
    }
    const other = { ...config, dModel: config.dModel * 2 };
    await expect(loadOptimizerState(directory, other)).rejects.toThrow(/optimizer\.safetensors: tensor first_moment\.\S+ is F32/);
    await expect(loadOptimizerState(join(directory, 'none'), config)).rejects.toThrow(/optimizer\.safetensors: not found/);
  });
});

describe('checkpoint', () => {
  it('save → load gives identical logits and copies tokenizer.json', async () => {
    const directory = await savedCopy('round-trip');
    const original = initializeParameters(backend, config, 4);
    const loaded = await loadModel(backend, directory);
    expect(loaded.config).toEqual(config);
    expect(loaded.tokenizerJson).toBe(tokenizerJson);
    const ids = backend.intTensor([1, 5, 9, 3, 0, 19, 2, 2], [2, 4]);
    const before = await backend.read(backend.scope(() => forwardLogits(backend, config, original, ids)));
    const after = await backend.read(backend.scope(() => forwardLogits(backend, config, loaded.parameters, ids)));
    expect(Array.from(after)).toEqual(Array.from(before));
    backend.dispose([original, loaded.parameters, ids]);
  });

  const corruptions: [string, (directory: string) => Promise<void>, RegExp][] = [
    ['bad header length', async (directory) => {
      const path = join(directory, 'model.safetensors');
      const bytes = await readFile(path);
      bytes.writeBigUInt64LE(BigInt(bytes.length * 2), 0);
      await writeFile(path, bytes);
    }, /model\.safetensors: bad header: header length \d+ exceeds/],
    ['header not JSON', async (directory) => {
      const path = join(directory, 'model.safetensors');
      const bytes = await readFile(path);
      bytes.write('#', 8);
      await writeFile(path, bytes);
    }, /model\.safetensors: bad header: not valid UTF-8 JSON/],
    ['truncated data', async (directory) => {
      const path = join(directory, 'model.safetensors');
      const bytes = await readFile(path);
      await writeFile(path, bytes.subarray(0, bytes.length - 10));
    }, /model\.safetensors: truncated data: tensor final_norm\.weight ends at byte/],
    ['truncated before the header', async (directory) => {
      await writeFile(join(directory, 'model.safetensors'), Buffer.from([1, 2, 3]));
    }, /model\.safetensors: truncated: 3 bytes/],
    ['wrong shapes vs config', async (directory) => {
      const path = join(directory, 'config.json');
      await writeFile(path, JSON.stringify({ ...config, ffHidden: 24 }));
    }, /model\.safetensors: tensor layers\.0\.feed_forward\.gate\.weight has shape \[8, 16\], config\.json implies \[8, 24\]/],
    ['missing tensor', async (directory) => {
      const path = join(directory, 'config.json');
      await writeFile(path, JSON.stringify({ ...config, layers: 3 }));
    }, /model\.safetensors: missing tensor layers\.2\.attention_norm\.weight/],
    ['unexpected tensor', async (directory) => {
      const path = join(directory, 'config.json');
      await writeFile(path, JSON.stringify({ ...config, layers: 1 }));
    }, /model\.safetensors: unexpected tensor layers\.1\./],
    ['invalid config', async (directory) => {
      await writeFile(join(directory, 'config.json'), JSON.stringify({ ...config, heads: 3 }));
    }, /config\.json: dModel \/ heads must be an even integer/],
    ['config not JSON', async (directory) => {
      await writeFile(join(directory, 'config.json'), '{');
    }, /config\.json: not valid JSON/],
    ['missing weights file', async (directory) => {
      await rm(join(directory, 'model.safetensors'));
    }, /model\.safetensors: file not found/],
  ];

  for (const [label, corrupt, message] of corruptions) {
    it(`${label} throws one line naming the file`, async () => {
      const directory = await savedCopy(label.replaceAll(' ', '-'));
      await corrupt(directory);
      const error = await loadCheckpoint(directory).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  }
});
