/**
 * One workload of `npm run bench` on fate's own engine (jax-js, wasm device, through the src/nn
 * API), in a process of its own so that its peak RSS is this workload's alone. Started by
 * bench/run.ts; prints progress on stderr and one `RESULT {json}` line on stdout.
 *
 *   node --import tsx bench/fate-peer.ts --workload train|forward|sample1|sample64|sample512
 *     [--runs 5] [--steps 4] [--forward-reps 4] [--threads N] [--workers on|off]
 *   node --import tsx bench/fate-peer.ts --export-reference DIR
 *
 * `--export-reference` writes the model's seed-1 initial weights (`parameters.f32`, float32 in
 * checkpoint order) and the logits of a fixed batch (`reference.json`), which
 * `bench/torch_peer.py --check-reference DIR` reproduces to show the PyTorch peer is the same
 * function.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import {
  createJaxBackend,
  forwardLogits,
  initialParameterValues,
  initializeParameters,
  parameterCount,
  parametersFromValues,
  parameterShapes,
  parseModelConfig,
  Sampler,
  SeededRandom,
  Trainer,
  type ModelParameters,
  type Tensor,
} from '../src/nn/index.js';
import {
  BATCH_LENGTH,
  BATCH_ROWS,
  BENCH_MODEL,
  median,
  NEW_TOKENS,
  PROMPT_LENGTH,
  samplingRows,
  WORKLOADS,
  type Workload,
  type WorkerResult,
} from './workloads.js';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
function numberOption(name: string, fallback: number): number {
  const text = option(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(value) || value < 1) throw new Error(`--${name} must be a positive number, got ${text}`);
  return Math.floor(value);
}

/** A line of /proc/self/status in bytes (VmHWM = peak RSS, VmRSS = current). */
function procStatusBytes(field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall back below
  }
  return field === 'VmHWM' ? process.resourceUsage().maxRSS * 1024 : process.memoryUsage().rss;
}

const exportDirectory = option('export-reference');
if (exportDirectory !== undefined) {
  const config = parseModelConfig(BENCH_MODEL);
  const values = initialParameterValues(config, 1);
  const backend = await createJaxBackend({ workers: false });
  const parameters = parametersFromValues(backend, config, values);
  const [rows, length, prefill] = [2, 24, 10];
  const random = new SeededRandom(7);
  const ids = Array.from({ length: rows * length }, () => Math.floor(random.uniform() * config.vocabSize));
  const logits = await backend.read(forwardLogits(backend, config, parameters, backend.intTensor(ids, [rows, length])));
  writeFileSync(path.join(exportDirectory, 'parameters.f32'), Buffer.concat([...values.values()].map((data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength))));
  writeFileSync(
    path.join(exportDirectory, 'reference.json'),
    JSON.stringify({ parameters: [...parameterShapes(config)], shape: [rows, length], prefill, ids, logits: Array.from(logits) }),
  );
  process.stdout.write(`RESULT ${JSON.stringify({ exported: exportDirectory })}\n`);
  process.exit(0);
}

const workload = option('workload') as Workload | undefined;
if (workload === undefined || !WORKLOADS.includes(workload)) throw new Error(`--workload must be one of ${WORKLOADS.join(', ')}`);
const runs = numberOption('runs', 5);
const trainingSteps = numberOption('steps', 4);
const forwardReps = numberOption('forward-reps', 4);
const threads = numberOption('threads', availableParallelism());
const rows = samplingRows(workload);
// Default as fate itself runs: training with the wasm thread pool, sampling without it (the tiny
// policy's choice, src/policies/tiny/tiny-policy.ts; see src/nn/README.md "Throughput").
const workersOption = option('workers') ?? 'auto';
const workers = workersOption === 'auto' ? rows === undefined : workersOption === 'on';

const config = parseModelConfig(BENCH_MODEL);
const backend = await createJaxBackend({ threads, workers });
const baselineRssBytes = procStatusBytes('VmRSS');
const random = new SeededRandom(1);
const randomRows = (count: number, length: number) =>
  Array.from({ length: count }, () => Array.from({ length }, () => Math.floor(random.uniform() * config.vocabSize)));

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]! + fields[7]!) / 100; // user nice system irq softirq steal; USER_HZ 100
  } catch {
    return undefined;
  }
}
const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/**
 * Runs `run(true)` once to warm up (a shortened run with the same shapes: it compiles every
 * program the timed runs use), then `run(false)` `runs` times; each call returns tokens/s.
 */
async function measure(run: (warmup: boolean) => Promise<number>): Promise<{ rates: number[]; warmupSeconds: number; otherCores?: number }> {
  const started = performance.now();
  await run(true);
  const warmupSeconds = (performance.now() - started) / 1000;
  const timedStart = performance.now();
  const busyBefore = machineBusySeconds();
  const ownBefore = ownCpuSeconds();
  const rates: number[] = [];
  for (let index = 0; index < runs; index++) {
    rates.push(await run(false));
    process.stderr.write(`  fate ${workload} run ${index + 1}/${runs}: ${rates[index]!.toFixed(0)} tok/s\n`);
  }
  const busyAfter = machineBusySeconds();
  const wall = (performance.now() - timedStart) / 1000;
  // Cores kept busy by other processes during the timed runs (machine busy time − ours).
  if (busyBefore === undefined || busyAfter === undefined) return { rates, warmupSeconds };
  return { rates, warmupSeconds, otherCores: Math.max(0, (busyAfter - busyBefore - (ownCpuSeconds() - ownBefore)) / wall) };
}

let measured: { rates: number[]; warmupSeconds: number; otherCores?: number };
const parameters: ModelParameters = initializeParameters(backend, config, 1);
if (workload === 'train') {
  // All positions scored, as in bench/nn-throughput.ts.
  const trainer = new Trainer(backend, config, parameters, {
    schedule: { peak: 1e-3, warmupSteps: 10, totalSteps: 1000 },
    lengthBuckets: [BATCH_LENGTH],
  });
  const mask = Array.from({ length: BATCH_ROWS }, () => new Array<number>(BATCH_LENGTH).fill(1));
  measured = await measure(async (warmup) => {
    const count = warmup ? 2 : trainingSteps;
    const batches = Array.from({ length: count }, () => randomRows(BATCH_ROWS, BATCH_LENGTH + 1));
    const started = performance.now();
    for (const batch of batches) {
      await trainer.train({ ids: batch.map((row) => row.slice(0, BATCH_LENGTH)), targets: batch.map((row) => row.slice(1)), mask });
    }
    return (count * BATCH_ROWS * BATCH_LENGTH) / ((performance.now() - started) / 1000);
  });
  trainer.dispose();
} else if (workload === 'forward') {
  const forward = backend.compile((current: ModelParameters, ids: Tensor) => forwardLogits(backend, config, current, ids, { inference: true }));
  measured = await measure(async (warmup) => {
    const count = warmup ? 1 : forwardReps;
    const batches = Array.from({ length: count }, () => backend.intTensor(randomRows(BATCH_ROWS, BATCH_LENGTH).flat(), [BATCH_ROWS, BATCH_LENGTH]));
    const started = performance.now();
    for (const ids of batches) {
      const logits = forward(parameters, ids);
      await backend.read(logits);
      backend.dispose(logits);
    }
    const seconds = (performance.now() - started) / 1000;
    backend.dispose(batches);
    return (count * BATCH_ROWS * BATCH_LENGTH) / seconds;
  });
  forward.release();
  backend.dispose(parameters);
} else {
  // KV-cached sampling: random prompts, temperature 1, no stop tokens, cache = maxSequence.
  const sampler = new Sampler(backend, config, parameters, { cacheLength: config.maxSequence, lengthBuckets: [PROMPT_LENGTH, config.maxSequence] });
  let seed = 1;
  measured = await measure(async (warmup) => {
    const prompts = randomRows(rows!, PROMPT_LENGTH);
    const started = performance.now();
    const generated = await sampler.generate({ prompts, maxNewTokens: warmup ? 8 : NEW_TOKENS, temperature: 1, seed: seed++ });
    const tokens = generated.reduce((total, row) => total + row.tokens.length, 0);
    return tokens / ((performance.now() - started) / 1000);
  });
  sampler.release();
  backend.dispose(parameters);
}

const jaxVersion = (JSON.parse(readFileSync(new URL('../node_modules/@jax-js/jax/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const result: WorkerResult = {
  engine: 'fate',
  workload,
  rates: measured.rates,
  median: median(measured.rates),
  warmupSeconds: measured.warmupSeconds,
  ...(measured.otherCores === undefined ? {} : { otherCores: measured.otherCores }),
  peakRssBytes: procStatusBytes('VmHWM'),
  baselineRssBytes,
  cpuSeconds: ownCpuSeconds(),
  details: {
    engine: `@jax-js/jax ${jaxVersion} (wasm)`,
    node: process.versions.node,
    parameters: parameterCount(config),
    workerPool: workers,
    threads: workers ? threads : 1,
    ...(workload === 'train' ? { stepsPerRun: trainingSteps } : {}),
    ...(workload === 'forward' ? { forwardsPerRun: forwardReps } : {}),
  },
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
// The worker pool's threads are unref'd while idle, but do not wait on them.
process.exit(0);
