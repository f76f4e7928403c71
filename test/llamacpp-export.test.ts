/**
 * The exported GGUF, run by llama.cpp (node-llama-cpp, an optional dependency), computes what
 * fate computes: the same next-token distributions at every position, the same greedy tokens as
 * fate's own sampler, and — through the `llamacpp` policy — the same sampled turns as the `tiny`
 * policy on the checkpoint. Skipped, with the reason printed, only where node-llama-cpp is not
 * installed; installed but broken fails.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyRequest } from '../src/agent/policy.js';
import { suiteMetricsSchema } from '../src/eval/metrics.js';
import { encodeLlamaGguf, exportGguf, readExportSource } from '../src/export/index.js';
import { randomCheckpointTexts, writeRandomCheckpoint } from '../src/export/testing/random-checkpoint.js';
import { createJaxBackend, forwardLogits, loadModel, parameterCount, Sampler, type ModelConfig, type ModelParameters, type TensorBackend } from '../src/nn/index.js';
import { tokenizerFromJson, type Tokenizer } from '../src/nn/tokenizer/index.js';
import { LlamaCppPolicy } from '../src/policies/llamacpp/index.js';
import { float32ContextOptions, llamaCppRuntime, LlamaCppUnavailableError, type LlamaCppRuntime, type LlamaCppSequence } from '../src/policies/llamacpp/node-llama-cpp-runtime.js';
import { createPolicy, UnknownPolicyError } from '../src/policies/registry.js';
import { loadTinyChatTemplate, renderPrompt } from '../src/policies/tiny/chat-template/index.js';
import { TinyPolicy } from '../src/policies/tiny/tiny-policy.js';
import type { ChatMessage, OpenAiTool } from '../src/trajectory/message.js';
import { runCli } from './support/run-cli.js';

let runtime: LlamaCppRuntime | undefined;
let unavailable: string | undefined;
try {
  runtime = await llamaCppRuntime();
} catch (error) {
  if (!(error instanceof LlamaCppUnavailableError) || error.reason !== 'not-installed') throw error;
  unavailable = error.message;
  console.warn(`llama.cpp export tests skipped: ${unavailable}`);
}

const baseCheckpoint = path.resolve('models/base');

/** A fate checkpoint loaded on the jax backend, and the same model exported and loaded by llama.cpp. */
interface ModelPair {
  directory: string;
  ggufPath: string;
  config: ModelConfig;
  parameters: ModelParameters;
  tokenizer: Tokenizer;
  release: () => Promise<void>;
  sequence: LlamaCppSequence;
}

/** A short conversation: a first turn and, after a tool call and its result, a second. */
const tools: OpenAiTool[] = [
  { type: 'function', function: { name: 'send_money', description: 'Send money to an account', parameters: { type: 'object', properties: { recipient: { type: 'string' }, amount: { type: 'number' } }, required: ['recipient', 'amount'] } } },
  { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
];
const entities = [
  { kind: 'iban' as const, value: 'DE89370400440532013000', role: 'payee' as const },
  { kind: 'file' as const, value: 'invoice.txt', role: 'other' as const },
];
const first: ChatMessage[] = [
  { role: 'system', content: 'You are a careful assistant.' },
  { role: 'user', content: 'Pay the invoice in invoice.txt to DE89370400440532013000.' },
];
const second: ChatMessage[] = [
  ...first,
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_0_0', type: 'function', function: { name: 'read_file', arguments: '{"name": "invoice.txt"}' } }] },
  { role: 'tool', tool_call_id: 'call_0_0', content: 'Amount due: 25 EUR to DE89370400440532013000.' },
];

let backend: TensorBackend;

async function loadPair(directory: string): Promise<ModelPair> {
  const ggufPath = path.join(mkdtempSync(path.join(tmpdir(), 'fate-gguf-')), 'model.gguf');
  await exportGguf(directory, ggufPath);
  backend ??= await createJaxBackend({ workers: false });
  const loaded = await loadModel(backend, directory);
  const model = await runtime!.loadModel({ modelPath: ggufPath, gpuLayers: 0 });
  const context = await model.createContext(float32ContextOptions(loaded.config.maxSequence, 1, parameterCount(loaded.config)));
  return {
    directory,
    ggufPath,
    config: loaded.config,
    parameters: loaded.parameters,
    tokenizer: tokenizerFromJson(JSON.parse(loaded.tokenizerJson!)),
    sequence: context.getSequence(),
    release: async () => {
      backend.dispose(Object.values(loaded.parameters));
      await context.dispose();
      await model.dispose();
    },
  };
}

/** Prompts of several lengths: the begin-of-sequence token, then encoded text. */
function prompts(tokenizer: Tokenizer, lengths: readonly number[]): number[][] {
  const text = randomCheckpointTexts(99, 40).join(' ');
  const ids = tokenizer.encode(text);
  const bos = tokenizer.specialTokenId(loadTinyChatTemplate().specialTokens.beginOfSequence);
  return lengths.map((length, index) => [bos, ...ids.slice(index * 37, index * 37 + length - 1)]);
}

async function clear(sequence: LlamaCppSequence): Promise<void> {
  if (sequence.nextTokenIndex > 0) await sequence.eraseContextTokenRanges([{ start: 0, end: sequence.nextTokenIndex }]);
}

/** llama.cpp's log-probabilities of the next token after every position of `prompt`. */
async function llamaLogProbabilities(pair: ModelPair, prompt: readonly number[]): Promise<Float64Array[]> {
  await clear(pair.sequence);
  const results = await pair.sequence.controlledEvaluate(prompt.map((token) => [token, { generateNext: { probabilities: true, options: { temperature: 0 } } }]));
  return results.map((result) => {
    const row = new Float64Array(pair.config.vocabSize).fill(-Infinity);
    for (const [token, probability] of result!.next.probabilities!) row[token] = Math.log(probability);
    return row;
  });
}

/** fate's log-probabilities of the next token after every position of `prompt` (full forward). */
async function fateLogProbabilities(pair: ModelPair, prompt: readonly number[]): Promise<Float64Array[]> {
  const ids = backend.intTensor(Int32Array.from(prompt), [1, prompt.length]);
  const logits = forwardLogits(backend, pair.config, pair.parameters, ids, { inference: true });
  const data = await backend.read(logits);
  backend.dispose([ids, logits]);
  const vocabulary = pair.config.vocabSize;
  return prompt.map((_token, position) => {
    const row = Float64Array.from(data.subarray(position * vocabulary, (position + 1) * vocabulary));
    const maximum = Math.max(...row);
    const logTotal = Math.log(row.reduce((total, value) => total + Math.exp(value - maximum), 0)) + maximum;
    return row.map((value) => value - logTotal);
  });
}

/** llama.cpp's own greedy choice (its sampler, temperature 0), token by token. */
async function llamaGreedy(pair: ModelPair, prompt: readonly number[], count: number): Promise<number[]> {
  await clear(pair.sequence);
  const generated: number[] = [];
  let input: readonly number[] = prompt;
  while (generated.length < count) {
    const last = input.length - 1;
    const results = await pair.sequence.controlledEvaluate(input.map((token, index) => (index === last ? [token, { generateNext: { token: true, options: { temperature: 0 } } }] : token)));
    const token = results[last]!.next.token;
    if (token === null || token === undefined) throw new Error('llama.cpp chose no token');
    generated.push(token);
    input = [token];
  }
  return generated;
}

/** Largest difference of log-probabilities over the tokens fate gives more than e^-12. */
function largestDifference(fate: Float64Array, llama: Float64Array): number {
  let largest = 0;
  fate.forEach((value, token) => {
    if (value > -12) largest = Math.max(largest, Math.abs(value - llama[token]!));
  });
  return largest;
}

describe.skipIf(unavailable !== undefined)('a GGUF export run by llama.cpp (node-llama-cpp)', () => {
  let pair: ModelPair;

  beforeAll(async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-export-random-'));
    await writeRandomCheckpoint(directory, { seed: 7, shape: { maxSequence: 256 } });
    pair = await loadPair(directory);
  });
  afterAll(async () => pair?.release());

  it('gives fate’s next-token distribution at every position of a prompt', async () => {
    for (const prompt of prompts(pair.tokenizer, [3, 29, 96])) {
      const fate = await fateLogProbabilities(pair, prompt);
      const llama = await llamaLogProbabilities(pair, prompt);
      const differences = fate.map((row, position) => largestDifference(row, llama[position]!));
      expect(Math.max(...differences)).toBeLessThan(5e-4);
      // The model is far from uniform, so agreement is not an accident of flat distributions.
      expect(Math.max(...fate.map((row) => Math.max(...row)))).toBeGreaterThan(Math.log(20 / pair.config.vocabSize));
    }
  });

  it('produces the same greedy tokens as fate’s sampler', async () => {
    const inputs = prompts(pair.tokenizer, [1, 8, 23, 60]);
    const sampler = new Sampler(backend, pair.config, pair.parameters);
    const rows = await sampler.generate({ prompts: inputs, maxNewTokens: 20, temperature: 0 });
    sampler.release();
    for (const [index, prompt] of inputs.entries()) expect(await llamaGreedy(pair, prompt, 20)).toEqual(rows[index]!.tokens);
    // Different prompts lead to different continuations: the comparison is not between constants.
    expect(new Set(rows.map((row) => row.tokens.join(','))).size).toBeGreaterThan(1);
  });

  it('samples, through the llamacpp policy, the turns the tiny policy samples on the checkpoint', async () => {
    const request = (episodeId: string, messages: ChatMessage[]): PolicyRequest => ({ episodeId, messages, tools, entities, task: undefined });
    const tiny = await TinyPolicy.load(pair.directory, { maxNewTokens: 40 });
    const llama = await LlamaCppPolicy.load(pair.ggufPath, { maxNewTokens: 40 });
    try {
      // The second call continues the conversations of the first: llama.cpp reuses the cached prefix.
      for (const batch of [
        [request('a', first), request('b', first), request('c', [first[1]!])],
        [request('a', second), request('b', first), request('d', second)],
      ]) {
        const expected = await tiny.generate(batch);
        const actual = await llama.generate(batch);
        expect(actual.map((response) => response.tokenIds)).toEqual(expected.map((response) => response.tokenIds));
        expect(actual.map((response) => response.message)).toEqual(expected.map((response) => response.message));
        actual.forEach((response, index) => {
          response.logProbs!.forEach((value, position) => expect(Math.abs(value - expected[index]!.logProbs![position]!)).toBeLessThan(2e-3));
        });
        // Temperature-1 sampling with per-episode streams: episodes differ.
        expect(new Set(actual.map((response) => response.tokenIds!.join(','))).size).toBeGreaterThan(1);
      }
    } finally {
      await llama.dispose();
    }
  });

  it('honours a request’s own sampling as the tiny policy does', async () => {
    const request = (episodeId: string, sampling?: PolicyRequest['sampling']): PolicyRequest => ({ episodeId, messages: first, tools, entities, task: undefined, ...(sampling ? { sampling } : {}) });
    const tiny = await TinyPolicy.load(pair.directory, { maxNewTokens: 40 });
    const llama = await LlamaCppPolicy.load(pair.ggufPath, { maxNewTokens: 40 });
    try {
      const batch = [request('a'), request('a', { temperature: 0 }), request('a', { temperature: 0.4, topP: 0.5 }), request('a', { maxNewTokens: 6 }), request('a', { maxNewTokens: 400 })];
      const expected = await tiny.generate(batch);
      const actual = await llama.generate(batch);
      expect(actual.map((response) => response.tokenIds)).toEqual(expected.map((response) => response.tokenIds));
      // The same episode and turn, so the same stream: only the sampling asked for tells them apart.
      const [plain, greedy, sharp, short, long] = actual.map((response) => response.tokenIds!);
      expect(greedy).not.toEqual(plain);
      expect(sharp).not.toEqual(plain);
      expect(short!.length).toBeLessThanOrEqual(6);
      // A budget above the policy's own is capped at it.
      expect(long!.length).toBeLessThanOrEqual(40);
    } finally {
      await llama.dispose();
    }
  });

  it('decodes with the argument kinds the export carries, as the tiny policy does with the checkpoint’s file', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-export-kinds-'));
    await writeRandomCheckpoint(directory, { seed: 7, shape: { maxSequence: 256 } });
    const kinds = { 'send_money.recipient': { kinds: ['iban'], share: 1, count: 20 }, 'read_file.name': { kinds: ['file'], share: 1, count: 20 } };
    writeFileSync(path.join(directory, 'argument-kinds.json'), JSON.stringify(kinds));
    const ggufPath = `${directory}.gguf`;
    await exportGguf(directory, ggufPath);
    const request = (episodeId: string, messages: ChatMessage[]): PolicyRequest => ({ episodeId, messages, tools, entities, task: undefined });
    // Greedy, so that the comparison is about what the grammar allows, not about sampling draws.
    const tiny = await TinyPolicy.load(directory, { maxNewTokens: 40, temperature: 0 });
    const llama = await LlamaCppPolicy.load(ggufPath, { maxNewTokens: 40, temperature: 0 });
    try {
      expect(llama.argumentKinds).toEqual(kinds);
      const batch = ['a', 'b', 'c', 'd', 'e', 'f'].map((episodeId, index) => request(episodeId, index % 2 === 0 ? first : second));
      const expected = await tiny.generate(batch);
      const actual = await llama.generate(batch);
      expect(actual.map((response) => response.tokenIds)).toEqual(expected.map((response) => response.tokenIds));
      expect(actual.map((response) => response.message)).toEqual(expected.map((response) => response.message));
    } finally {
      await llama.dispose();
    }
    // Malformed kinds in the metadata: one line naming the file and the key.
    const source = await readExportSource(directory);
    const broken = `${directory}-broken.gguf`;
    writeFileSync(broken, encodeLlamaGguf({ ...source, argumentKinds: { 'send_money.recipient': { share: 3, count: 1 } } }, 'broken'));
    const error = await LlamaCppPolicy.load(broken).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(`${broken}: fate.argument_kinds: send_money.recipient.share`);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });

  it('drives `fate eval` end to end', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-export-eval-'));
    await writeRandomCheckpoint(directory, { seed: 9, shape: { maxSequence: 4096 } });
    const ggufPath = `${directory}.gguf`;
    await exportGguf(directory, ggufPath);
    const runs = mkdtempSync(path.join(tmpdir(), 'fate-export-runs-'));
    const result = await runCli(['eval', '--policy', `llamacpp:${ggufPath}`, '--suite', 'all', '--split', 'dev', '--limit', '4', '--json', '--runs', runs]);
    expect(result.stderr).not.toContain('unexpected');
    expect(result.code).toBe(0);
    const summary = suiteMetricsSchema.parse(JSON.parse(result.stdout));
    expect(Object.keys(summary.suites).length).toBeGreaterThan(0);
    const [run] = readdirSync(runs);
    const lines = readFileSync(path.join(runs, run!, 'trajectories.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    // The model generated (its steps carry token ids), not only overflowed.
    expect(lines.some((line) => line.includes('"tokenIds"'))).toBe(true);
  });

  it('refuses a missing or foreign file with one line naming it', async () => {
    const missing = path.join(tmpdir(), 'fate-no-such-model.gguf');
    await expect(createPolicy(`llamacpp:${missing}`)).rejects.toThrow(new UnknownPolicyError(`${missing}: file not found`));
    const foreign = path.join(mkdtempSync(path.join(tmpdir(), 'fate-foreign-')), 'model.gguf');
    writeFileSync(foreign, 'not a model at all');
    await expect(createPolicy(`llamacpp:${foreign}`)).rejects.toThrow(`${foreign}: not a GGUF file (bad magic)`);
    const result = await runCli(['eval', '--policy', `llamacpp:${foreign}`, '--runs', path.dirname(foreign)]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(foreign);
  });
});

describe.skipIf(unavailable !== undefined || !existsSync(path.join(baseCheckpoint, 'config.json')))('the committed base checkpoint exported to GGUF', () => {
  it('produces the same greedy tokens in llama.cpp as fate’s sampler', async () => {
    const pair = await loadPair(baseCheckpoint);
    try {
      const inputs = [first, second].map((messages) => renderPrompt(messages, tools, entities, { tokenizer: pair.tokenizer }).tokenIds);
      const sampler = new Sampler(backend, pair.config, pair.parameters);
      const rows = await sampler.generate({ prompts: inputs, maxNewTokens: 20, temperature: 0 });
      sampler.release();
      for (const [index, prompt] of inputs.entries()) expect(await llamaGreedy(pair, prompt, 20)).toEqual(rows[index]!.tokens);
    } finally {
      await pair.release();
    }
  });

  it('plays the same episodes as the tiny policy in `fate eval`, many rows a call, argument kinds and all', async () => {
    const ggufPath = path.join(mkdtempSync(path.join(tmpdir(), 'fate-base-gguf-')), 'base.gguf');
    await exportGguf(baseCheckpoint, ggufPath);
    const trajectories = async (policy: string): Promise<string[]> => {
      const runs = mkdtempSync(path.join(tmpdir(), 'fate-base-eval-'));
      const result = await runCli(['eval', '--policy', policy, '--suite', 'injection', '--split', 'test', '--limit', '40', '--json', '--runs', runs]);
      expect(result.code).toBe(0);
      const [run] = readdirSync(runs);
      return readFileSync(path.join(runs, run!, 'trajectories.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.stringify((JSON.parse(line) as { messages: unknown }).messages));
    };
    const tiny = await trajectories('tiny');
    const llama = await trajectories(`llamacpp:${ggufPath}`);
    expect(tiny).toHaveLength(40);
    // Every episode, every turn, token for token: 40 episodes advance together, five llama.cpp
    // sequences' worth of rows per call, each sequence reused across episodes.
    expect(llama.filter((episode, index) => episode !== tiny[index])).toEqual([]);
  }, 300_000);
});
