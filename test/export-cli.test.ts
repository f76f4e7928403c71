import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeGgufHeader, ggufMetadataValue } from '../src/export/index.js';
import { writeRandomCheckpoint } from '../src/export/testing/random-checkpoint.js';
import { runCli } from './support/run-cli.js';

const temporary = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix));

describe('fate export', () => {
  let checkpoint = '';

  beforeAll(async () => {
    checkpoint = path.join(temporary('fate-export-cli-'), 'checkpoint');
    await writeRandomCheckpoint(checkpoint, { seed: 5, shape: { layers: 1, maxSequence: 32 } });
  });

  it('writes a GGUF file, by default beside the checkpoint', async () => {
    const out = path.join(temporary('fate-export-out-'), 'model.gguf');
    const result = await runCli(['export', '--checkpoint', checkpoint, '--format', 'gguf', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^gguf: .*model\.gguf \(\d+ bytes\)\n$/);
    const header = decodeGgufHeader(new Uint8Array(readFileSync(out)), out);
    expect(ggufMetadataValue(header, 'general.architecture')).toBe('llama');
    expect(ggufMetadataValue(header, 'general.name')).toBe('checkpoint');

    const byDefault = await runCli(['export', '--checkpoint', checkpoint, '--format', 'gguf']);
    expect(byDefault.code).toBe(0);
    expect(existsSync(`${checkpoint}.gguf`)).toBe(true);
  });

  it('writes a Hugging Face folder', async () => {
    const out = path.join(temporary('fate-export-out-'), 'hf');
    const result = await runCli(['export', '--checkpoint', checkpoint, '--format', 'safetensors', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('config.json, model.safetensors');
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) expect(existsSync(path.join(out, file))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')).architectures).toEqual(['LlamaForCausalLM']);
  });

  it.each([
    ['a missing checkpoint', (folder: string) => folder, 'config.json: file not found'],
    ['a broken config.json', (folder: string) => (writeFileSync(path.join(folder, 'config.json'), '{"vocabSize": "many"}'), folder), 'config.json: vocabSize'],
    ['truncated weights', (folder: string) => (writeFileSync(path.join(folder, 'model.safetensors'), readFileSync(path.join(folder, 'model.safetensors')).subarray(0, 200)), folder), 'model.safetensors: '],
    ['no tokenizer.json', (folder: string) => (rmSync(path.join(folder, 'tokenizer.json')), folder), 'tokenizer.json: file not found'],
    ['a foreign tokenizer.json', (folder: string) => (writeFileSync(path.join(folder, 'tokenizer.json'), '{"version": "1.0"}'), folder), 'tokenizer.json: field'],
  ])('refuses %s with one line naming the file and exit 2', async (_case, breakFolder, message) => {
    const folder = temporary('fate-export-bad-');
    if (message !== 'config.json: file not found') await writeRandomCheckpoint(folder, { seed: 1, shape: { layers: 1, maxSequence: 16 } });
    const broken = breakFolder(folder);
    for (const format of ['gguf', 'safetensors']) {
      const out = path.join(temporary('fate-export-out-'), 'out');
      const result = await runCli(['export', '--checkpoint', broken, '--format', format, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain(folder);
      expect(result.stderr).not.toContain('unexpected');
    }
  });

  it('refuses an unknown format', async () => {
    const result = await runCli(['export', '--checkpoint', checkpoint, '--format', 'onnx']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("argument 'onnx' is invalid");
  });
});
