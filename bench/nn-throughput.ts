/**
 * Throughput of the embedded decoder on this machine (jax-js, wasm device): training steps
 * (AdamW, batch 8 × 128), no-grad forward (8 × 128) and KV-cached sampling (16-token prompts,
 * 112 new tokens, batch 1 and 64). Each figure is the median of 5 runs after one warm-up run
 * (which compiles). Run: `npx tsx bench/nn-throughput.ts [--threads N] [--runs 5] [--no-workers]
 * [--sampling-only]`.
 */
import { availableParallelism } from 'node:os';
import { createJaxBackend } from '../src/nn/backend/jax-backend.js';
import type { Tensor } from '../src/nn/backend/tensor-backend.js';
import { parseModelConfig } from '../src/nn/model/model-config.js';
import { initializeParameters, parameterCount, type ModelParameters } from '../src/nn/model/parameters.js';
import { forwardLogits } from '../src/nn/model/transformer.js';
import { Sampler } from '../src/nn/sampler/sampler.js';
import { SeededRandom } from '../src/nn/seeded-random.js';
import { Trainer } from '../src/nn/train/trainer.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const threads = argument('threads', availableParallelism());
const runs = argument('runs', 5);
const trainingSteps = argument('steps', 4);

const config = parseModelConfig({ vocabSize: 2000, dModel: 128, layers: 4, heads: 4, ffHidden: 344, maxSequence: 128 });
const workers = !process.argv.includes('--no-workers');
const only = process.argv.includes('--sampling-only');
const backend = await createJaxBackend({ threads, workers });
const random = new SeededRandom(1);
const randomRows = (rows: number, length: number) =>
  Array.from({ length: rows }, () => Array.from({ length }, () => Math.floor(random.uniform() * config.vocabSize)));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rss = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;

async function measure(label: string, run: () => Promise<number>): Promise<number> {
  await run();
  const rates: number[] = [];
  for (let index = 0; index < runs; index++) rates.push(await run());
  const value = median(rates);
  console.log(`${label.padEnd(34)} ${value.toFixed(0).padStart(7)} tok/s   (runs: ${rates.map((rate) => rate.toFixed(0)).join(', ')}; RSS ${rss()})`);
  return value;
}

console.log(`model: ${JSON.stringify(config)}; ${parameterCount(config).toLocaleString('en')} parameters; ${workers ? `${threads} wasm threads` : 'no worker pool (main thread only)'}; Node ${process.versions.node}`);

// Training: batch 8 × 128, all positions scored.
const trainer = new Trainer(backend, config, initializeParameters(backend, config, 1), {
  schedule: { peak: 1e-3, warmupSteps: 10, totalSteps: 1000 },
  lengthBuckets: [128],
});
if (!only) await measure('training (8 × 128, AdamW)', async () => {
  const started = performance.now();
  for (let step = 0; step < trainingSteps; step++) {
    const rows = randomRows(8, 129);
    await trainer.train({ ids: rows.map((row) => row.slice(0, 128)), targets: rows.map((row) => row.slice(1)), mask: rows.map(() => new Array(128).fill(1)) });
  }
  return (trainingSteps * 8 * 128) / ((performance.now() - started) / 1000);
});
const parameters: ModelParameters = trainer.release();

// No-grad forward: 8 × 128 logits.
const forward = backend.compile((current: ModelParameters, ids: Tensor) => forwardLogits(backend, config, current, ids, { inference: true }));
if (!only) await measure('no-grad forward (8 × 128)', async () => {
  const ids = backend.intTensor(randomRows(8, 128).flat(), [8, 128]);
  const started = performance.now();
  const logits = forward(parameters, ids);
  await backend.read(logits);
  const seconds = (performance.now() - started) / 1000;
  backend.dispose([ids, logits]);
  return (8 * 128) / seconds;
});

// Sampling: 16-token prompts, 112 new tokens, KV cache of 128.
const sampler = new Sampler(backend, config, parameters, { cacheLength: 128, lengthBuckets: [16, 128] });
for (const rows of [1, 64]) {
  await measure(`sampling, batch ${rows} (16 + 112 tokens)`, async () => {
    const prompts = randomRows(rows, 16);
    const started = performance.now();
    const generated = await sampler.generate({ prompts, maxNewTokens: 112, temperature: 1, seed: 1 });
    const tokens = generated.reduce((total, row) => total + row.tokens.length, 0);
    return tokens / ((performance.now() - started) / 1000);
  });
}
sampler.release();
forward.release();
backend.dispose(parameters);
