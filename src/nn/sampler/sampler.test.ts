import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../backend/jax-backend.js';
import type { TensorBackend } from '../backend/tensor-backend.js';
import { parseModelConfig } from '../model/model-config.js';
import { initialParameterValues, parametersFromValues, type ModelParameters } from '../model/parameters.js';
import { forwardLogits } from '../model/transformer.js';
import { SeededRandom } from '../seeded-random.js';
import type { DecodeSession } from './decode-session.js';
import { Sampler } from './sampler.js';
import { chooseToken, logSoftmaxAt } from './token-choice.js';

const config = parseModelConfig({ vocabSize: 31, dModel: 16, layers: 2, heads: 2, ffHidden: 24, maxSequence: 24 });
let backend: TensorBackend;
let parameters: ModelParameters;
let sampler: Sampler;

beforeAll(async () => {
  backend = await createJaxBackend();
  // Weights scaled up from the 0.02 init so logits vary strongly with context.
  const values = initialParameterValues(config, 8);
  for (const [name, data] of values) if (!name.endsWith('norm.weight')) data.forEach((value, index) => (data[index] = value * 25));
  parameters = parametersFromValues(backend, config, values);
  sampler = new Sampler(backend, config, parameters, { lengthBuckets: [8, 16] });
});

async function fullLogits(sequence: readonly number[]): Promise<Float32Array> {
  const ids = backend.intTensor(sequence, [1, sequence.length]);
  const logits = backend.scope(() => forwardLogits(backend, config, parameters, ids));
  const data = (await backend.read(logits)) as Float32Array;
  backend.dispose([ids, logits]);
  return data;
}

type DecodeSessionStart = DecodeSession['start'];

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let largest = 0;
  for (let index = 0; index < a.length; index++) largest = Math.max(largest, Math.abs(a[index]! - b[index]!));
  return largest;
}

describe('KV-cached decoding', () => {
  it('gives the full forward logits at every step, rows of different prompt lengths (1e-4)', async () => {
    const prompts = [[3, 7, 1], [5, 2, 9, 9, 4, 30, 11, 0, 6, 2]];
    const continuations = [[4, 8, 15, 16, 23, 1, 2, 3], [12, 13, 14, 0, 29, 17, 1, 5]];
    const session = sampler.startSession();
    const stepLogits = [await session.start(prompts)];
    const lengths = [session.cacheLength];
    for (let step = 0; step < continuations[0]!.length; step++) {
      stepLogits.push(await session.step(continuations.map((row) => row[step]!)));
      lengths.push(session.cacheLength);
    }
    session.close();
    // The cache starts at the 16-slot bucket that holds the 10-token prompt and grows to 24 when
    // the longer row needs slot 16.
    expect(lengths[0]).toBe(16);
    expect(lengths[lengths.length - 1]).toBe(24);
    expect(session.maximumLength).toBe(24);
    let largest = 0;
    for (const [row, prompt] of prompts.entries()) {
      const sequence = [...prompt, ...continuations[row]!];
      const reference = await fullLogits(sequence);
      for (let step = 0; step < stepLogits.length; step++) {
        const position = prompt.length - 1 + step;
        const expected = reference.subarray(position * config.vocabSize, (position + 1) * config.vocabSize);
        largest = Math.max(largest, largestDifference(stepLogits[step]![row]!, expected));
      }
    }
    console.log(`largest |cached − full| logit difference: ${largest.toExponential(2)}`);
    expect(largest).toBeLessThan(1e-4);
  });

  it('temperature 0 is greedy: each token is the arg-max of the full forward', async () => {
    const prompts = [[1, 2, 3], [7]];
    const rows = await sampler.generate({ prompts, maxNewTokens: 6, temperature: 0 });
    for (const [row, result] of rows.entries()) {
      expect(result.tokens).toHaveLength(6);
      const sequence = [...prompts[row]!];
      for (const [index, token] of result.tokens.entries()) {
        const logits = await fullLogits(sequence);
        const last = logits.subarray((sequence.length - 1) * config.vocabSize);
        const argmax = last.indexOf(Math.max(...last));
        expect(token).toBe(argmax);
        expect(result.logProbabilities[index]).toBeCloseTo(logSoftmaxAt(last, token), 4);
        sequence.push(token);
      }
    }
  });

  it('samples reproducibly by seed, stops at stop tokens, honours max tokens and the cache', async () => {
    const request = { prompts: [[1, 2], [3], [4, 5, 6]], maxNewTokens: 10, temperature: 1, topP: 0.9, seed: 5 };
    const first = await sampler.generate(request);
    const second = await sampler.generate(request);
    expect(second).toEqual(first);
    const other = await sampler.generate({ ...request, seed: 6 });
    expect(other.map((row) => row.tokens)).not.toEqual(first.map((row) => row.tokens));
    for (const row of first) {
      expect(row.tokens).toHaveLength(10);
      expect(row.finishReason).toBe('length');
      for (const value of row.logProbabilities) expect(value).toBeLessThanOrEqual(0);
    }
    const stopAt = first[0]!.tokens[3]!;
    const stopped = await sampler.generate({ ...request, stopTokens: [stopAt] });
    const firstStop = first[0]!.tokens.indexOf(stopAt);
    expect(stopped[0]!.tokens).toEqual(first[0]!.tokens.slice(0, firstStop + 1));
    expect(stopped[0]!.finishReason).toBe('stop');
    const full = await sampler.generate({ prompts: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]], maxNewTokens: 10 });
    expect(full[0]!.tokens).toHaveLength(4);
    expect(full[0]!.finishReason).toBe('cache-full');
  });

  it('samples the same tokens whether the cache starts short and grows or starts long', async () => {
    const request = { prompts: [[1, 2], [3, 4, 5, 6, 7, 8, 9], [4]], maxNewTokens: 15, temperature: 1, seed: 3 };
    const growing = new Sampler(backend, config, parameters, { lengthBuckets: [8, 16], cacheReserve: 0 });
    const whole = new Sampler(backend, config, parameters, { lengthBuckets: [8, 16], cacheLengths: [24] });
    const grown = await growing.generate(request);
    const long = await whole.generate(request);
    expect(grown.map((row) => row.tokens)).toEqual(long.map((row) => row.tokens));
    expect(grown.map((row) => row.finishReason)).toEqual(long.map((row) => row.finishReason));
    grown.forEach((row, index) => row.logProbabilities.forEach((value, position) => expect(value).toBeCloseTo(long[index]!.logProbabilities[position]!, 4)));
    growing.release();
    whole.release();
  });

  it('continues from a cached prefix with the full forward logits, prefill and decode (1e-4)', async () => {
    const first = [[3, 7, 1, 4, 8], [5, 2, 9]];
    const session = sampler.startSession();
    await session.start(first);
    await session.step([15, 16]);
    // Row 0 keeps its 6 fed tokens; row 1 keeps only 2 of its 4, as when a later prompt differs
    // from the earlier sequence after its second token.
    const prefixes = await session.exportRows([6, 2]);
    session.close();
    expect(prefixes.map((prefix) => prefix.length)).toEqual([6, 2]);
    const prompts = [[3, 7, 1, 4, 8, 15, 20, 21, 22], [5, 2, 30, 1, 0, 4]];
    const continuations = [[4, 8, 15, 16, 23, 1, 2, 3], [12, 13, 14, 0, 29, 17, 1, 5]];
    const resumed = sampler.startSession();
    const stepLogits = [await resumed.start(prompts, 0, prefixes)];
    expect(resumed.prefixTokensReused).toBe(8);
    for (let step = 0; step < continuations[0]!.length; step++) stepLogits.push(await resumed.step(continuations.map((row) => row[step]!)));
    resumed.close();
    let largest = 0;
    for (const [row, prompt] of prompts.entries()) {
      const reference = await fullLogits([...prompt, ...continuations[row]!]);
      for (let step = 0; step < stepLogits.length; step++) {
        const position = prompt.length - 1 + step;
        largest = Math.max(largest, largestDifference(stepLogits[step]![row]!, reference.subarray(position * config.vocabSize, (position + 1) * config.vocabSize)));
      }
    }
    console.log(`largest |prefix-cached − full| logit difference: ${largest.toExponential(2)}`);
    expect(largest).toBeLessThan(1e-4);
  });

  it('samples the same next turn from a kept cache as from the whole prompt', async () => {
    const seeds = [11, 12, 13];
    const turn = { prompts: [[1, 2], [3, 4, 5, 6, 7], [4]], maxNewTokens: 5, temperature: 1, rowSeeds: seeds, stopTokens: [9], keepCache: true };
    const firstTurn = await sampler.generate(turn);
    for (const [index, row] of firstTurn.entries()) expect(row.cache?.length).toBe(turn.prompts[index]!.length + row.tokens.length - 1);
    // The next prompts: each conversation so far, then a few new tokens (a tool result).
    const prompts = firstTurn.map((row, index) => [...turn.prompts[index]!, ...row.tokens, 17, 18]);
    const next = { prompts, maxNewTokens: 6, temperature: 1, rowSeeds: seeds.map((seed) => seed + 100) };
    const reusedBefore = sampler.promptTokenCounts.reused;
    const cached = await sampler.generate({ ...next, prefixes: firstTurn.map((row) => row.cache) });
    expect(sampler.promptTokenCounts.reused - reusedBefore).toBe(firstTurn.reduce((total, row) => total + row.cache!.length, 0));
    const whole = await sampler.generate(next);
    expect(cached.map((row) => row.tokens)).toEqual(whole.map((row) => row.tokens));
    cached.forEach((row, index) => row.logProbabilities.forEach((value, position) => expect(value).toBeCloseTo(whole[index]!.logProbabilities[position]!, 4)));
  });

  it('runs prompts in row blocks within the attention budget with the same logits, prefill and extend (1e-5)', async () => {
    // A budget of one row's attention: every prompt-processing program runs one row at a time.
    const blocked = new Sampler(backend, config, parameters, { lengthBuckets: [8, 16], attentionBudget: config.heads * 16 * 16 });
    const prompts = [[3, 7, 1], [5, 2, 9, 9, 4, 30, 11, 0, 6, 2], [8, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]];
    const startBoth = async (prefixes?: Parameters<DecodeSessionStart>[2], rows = prompts) => {
      const whole = sampler.startSession();
      const split = blocked.startSession();
      const logits = [await whole.start(rows, 0, prefixes), await split.start(rows, 0, prefixes)];
      const reused = [whole.prefixTokensReused, split.prefixTokensReused];
      const next = [await whole.step(rows.map(() => 4)), await split.step(rows.map(() => 4))];
      const exported = await split.exportRows(rows.map((row) => row.length + 1));
      whole.close();
      split.close();
      return { logits, reused, next, exported };
    };
    const first = await startBoth();
    let largest = 0;
    for (const pair of [first.logits, first.next]) pair[0]!.forEach((row, index) => (largest = Math.max(largest, largestDifference(row, pair[1]![index]!))));
    // Continue every conversation from the blocked session's cache (the extend program).
    const continued = prompts.map((prompt) => [...prompt, 4, 12, 13]);
    const second = await startBoth(first.exported, continued);
    expect(second.reused).toEqual([first.exported.reduce((total, prefix) => total + prefix.length, 0), first.exported.reduce((total, prefix) => total + prefix.length, 0)]);
    for (const pair of [second.logits, second.next]) pair[0]!.forEach((row, index) => (largest = Math.max(largest, largestDifference(row, pair[1]![index]!))));
    expect(first.logits[1]).toHaveLength(prompts.length);
    expect(largest).toBeLessThan(1e-5);
    blocked.release();
  });

  it('constrains choices with allowedTokens', async () => {
    const rows = await sampler.generate({
      prompts: [[1], [2]],
      maxNewTokens: 8,
      seed: 3,
      allowedTokens: (row, generated) => (row === 0 ? [10, 11, 12] : generated.length % 2 === 0 ? [20] : undefined),
    });
    expect(rows[0]!.tokens.every((token) => token >= 10 && token <= 12)).toBe(true);
    expect(rows[1]!.tokens.filter((_, index) => index % 2 === 0).every((token) => token === 20)).toBe(true);
  });

  it('samples with a per-token temperature from temperatureAt: 0 where it says so is the greedy token', async () => {
    const prompts = [[1, 2, 3], [7]];
    const greedy = await sampler.generate({ prompts, maxNewTokens: 6, temperature: 0 });
    const hot = await sampler.generate({ prompts, maxNewTokens: 6, temperature: 50, seed: 4 });
    // Row 0 is greedy at every position; row 1 only at odd positions.
    const mixed = await sampler.generate({ prompts, maxNewTokens: 6, temperature: 50, seed: 4, temperatureAt: (row, generated) => (row === 0 || generated.length % 2 === 1 ? 0 : undefined) });
    expect(mixed[0]!.tokens).toEqual(greedy[0]!.tokens);
    expect(hot[0]!.tokens).not.toEqual(greedy[0]!.tokens);
    const sequence = [...prompts[1]!];
    for (const [index, token] of mixed[1]!.tokens.entries()) {
      if (index % 2 === 1) {
        const logits = await fullLogits(sequence);
        const last = logits.subarray((sequence.length - 1) * config.vocabSize);
        expect(token).toBe(last.indexOf(Math.max(...last)));
      }
      sequence.push(token);
    }
  });

  it('scores given sequences in a batch like the full forward', async () => {
    const sequences = [[1, 2, 3, 4, 5], [9, 8], [30, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]];
    const scores = await sampler.score(sequences);
    for (const [row, sequence] of sequences.entries()) {
      expect(scores[row]).toHaveLength(sequence.length - 1);
      const logits = await fullLogits(sequence);
      for (let position = 0; position + 1 < sequence.length; position++) {
        const expected = logSoftmaxAt(logits.subarray(position * config.vocabSize, (position + 1) * config.vocabSize), sequence[position + 1]!);
        expect(scores[row]![position]).toBeCloseTo(expected, 4);
      }
    }
  });

  it('scores many long rows in blocks within the attention budget, with the same values', async () => {
    // 2 heads × 16² = 512 scores a row at the 16-token bucket: a budget of 1,024 allows blocks of 2.
    const blocked = new Sampler(backend, config, parameters, { lengthBuckets: [8, 16], attentionBudget: 1024 });
    const sequences = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0], [30, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], [4, 5]];
    const shapes: number[][] = [];
    const intTensor = backend.intTensor.bind(backend);
    backend.intTensor = (data, shape) => {
      shapes.push([...shape]);
      return intTensor(data, shape);
    };
    let scores: number[][];
    try {
      scores = await blocked.score(sequences);
    } finally {
      backend.intTensor = intTensor;
      blocked.release();
    }
    // Three blocks of 2 rows (the last padded), ids and targets each.
    expect(shapes).toEqual(Array.from({ length: 6 }, () => [2, 16]));
    const whole = await sampler.score(sequences);
    expect(scores.map((row) => row.length)).toEqual(sequences.map((sequence) => sequence.length - 1));
    for (const [row, values] of scores.entries()) values.forEach((value, position) => expect(value).toBeCloseTo(whole[row]![position]!, 4));
  });

  it('useParameters switches weights without recompiling', async () => {
    const other = parametersFromValues(backend, config, initialParameterValues(config, 99));
    const fresh = new Sampler(backend, config, other, { lengthBuckets: [8, 16] });
    const sequences = [[1, 2, 3, 4], [5, 6]];
    const expected = await fresh.score(sequences);
    const before = await sampler.score(sequences);
    sampler.useParameters(other);
    expect(await sampler.score(sequences)).toEqual(expected);
    sampler.useParameters(parameters);
    expect(await sampler.score(sequences)).toEqual(before);
    fresh.release();
    backend.dispose(other);
  });

  it('keeps RSS flat over 50 decoding calls (printed)', async () => {
    const samples: number[] = [];
    for (let call = 0; call < 50; call++) {
      await sampler.generate({ prompts: [[1, 2, 3], [4, 5]], maxNewTokens: 4, seed: call });
      if (call % 10 === 9) samples.push(process.memoryUsage().rss / 2 ** 20);
    }
    console.log(`sampler RSS (MiB) after calls 10..50: ${samples.map((value) => value.toFixed(0)).join(', ')}`);
    expect(samples[samples.length - 1]! - samples[0]!).toBeLessThan(100);
  });
});

describe('token choice', () => {
  it('greedy, top-p truncation and allowed tokens on fixed logits', () => {
    const logits = Float32Array.from([0, 3, 1, 2.9]);
    const random = new SeededRandom(1);
    expect(chooseToken(logits, { temperature: 0, topP: 1 }, random).token).toBe(1);
    expect(chooseToken(logits, { temperature: 0, topP: 1, allowedTokens: [0, 2] }, random).token).toBe(2);
    const seen = new Set<number>();
    for (let draw = 0; draw < 200; draw++) seen.add(chooseToken(logits, { temperature: 1, topP: 0.5, allowedTokens: undefined }, random).token);
    expect([...seen].sort()).toEqual([1, 3]);
  });
});
