/**
 * `npm run bench`: fate's model (jax-js, through src/nn) side by side with the same architecture
 * and shapes in PyTorch CPU (bench/torch_peer.py, Debian's python3-torch): training tokens/s
 * (batch 8 × 128), no-grad forward tokens/s, KV-cached sampling tokens/s at batch 1, 64 and 512,
 * and the peak RSS of each workload. Every (engine, workload) pair runs in a child process of its
 * own, one at a time, so peak RSS (VmHWM) is that workload's alone and the two engines never
 * compete for cores. Medians of `--runs` runs after one shortened warm-up run (same shapes);
 * ratios fate / PyTorch; the cores other processes kept busy during each measurement.
 * Checks: PyTorch loaded with fate's initial weights reproduces fate's logits (same function);
 * fate sampling a batch of 512 under 2 GiB RSS; fate training under 3 GiB.
 * PyTorch setup (see setUpTorch): Debian's python3-torch, installed with apt-get when missing,
 * on OpenBLAS rather than the reference BLAS, with OMP_WAIT_POLICY=PASSIVE.
 * Writes bench/results/latest.json.
 *
 *   npm run bench -- [--runs 5] [--workloads train,forward,sample1,sample64,sample512]
 *                    [--engines fate,torch] [--threads N] [--torch-threads N] [--steps 4] [--forward-reps 4]
 *                    [--fate-workers auto|on|off] [--no-check] [--no-install] [--out FILE]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_MODEL, median, WORKLOAD_LABELS, WORKLOADS, type Workload, type WorkerResult } from './workloads.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDirectory);
const PYTHON = '/usr/bin/python3'; // Debian's python: pyenv's python3 may come first on PATH
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const ENGINES = ['fate', 'torch'] as const;
type Engine = (typeof ENGINES)[number];

const HELP = `npm run bench -- [options]

Measures fate's model (jax-js) and the same model in PyTorch CPU, one child process per
(engine, workload), and prints medians, fate / PyTorch ratios and peak RSS.

  --runs N              timed runs per workload after one warm-up run (default 5)
  --workloads LIST      comma-separated subset of ${WORKLOADS.join(',')} (default: all)
  --engines LIST        fate,torch (default both)
  --threads N           threads for both engines (default: available cores, ${availableParallelism()})
  --torch-threads N     PyTorch's threads when they should differ from --threads
  --steps N             training steps per timed run (default 4)
  --forward-reps N      forward passes per timed run (default 4)
  --fate-workers MODE   jax-js wasm thread pool: auto (training/forward with it, sampling without,
                        as fate runs them), on, off (default auto)
  --no-check            skip the check that PyTorch reproduces fate's logits from fate's weights
  --no-install          do not apt-get install python3-torch (or OpenBLAS, when torch would
                        otherwise run on the reference BLAS) when missing
  --out FILE            results JSON (default bench/results/latest.json)
`;

// ---- options --------------------------------------------------------------------------------

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const known = new Set(['--runs', '--workloads', '--engines', '--threads', '--torch-threads', '--steps', '--forward-reps', '--fate-workers', '--out']);
for (let index = 0; index < argv.length; index++) {
  const flag = argv[index]!;
  if (flag === '--no-install' || flag === '--no-check') continue;
  if (!known.has(flag) || argv[index + 1] === undefined) fail(`unknown or incomplete option ${flag}\n\n${HELP}`);
  index++;
}
function option(name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}
function positive(name: string, fallback: number): number {
  const text = option(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a positive integer, got ${text}`);
  return value;
}
function list<T extends string>(name: string, allowed: readonly T[]): T[] {
  const text = option(name);
  if (text === undefined) return [...allowed];
  const chosen = text.split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of chosen) if (!allowed.includes(item as T)) fail(`--${name}: unknown ${item} (choose from ${allowed.join(', ')})`);
  return allowed.filter((item) => chosen.includes(item));
}
function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

const runs = positive('runs', 5);
const threads = positive('threads', availableParallelism());
const torchThreads = positive('torch-threads', threads);
const steps = positive('steps', 4);
const forwardReps = positive('forward-reps', 4);
const workloads = list<Workload>('workloads', WORKLOADS);
const engines = list<Engine>('engines', ENGINES);
const fateWorkers = option('fate-workers') ?? 'auto';
if (!['auto', 'on', 'off'].includes(fateWorkers)) fail(`--fate-workers must be auto, on or off, got ${fateWorkers}`);
const install = !argv.includes('--no-install');
const checkPeer = !argv.includes('--no-check');
const outFile = path.resolve(option('out') ?? path.join(benchDirectory, 'results', 'latest.json'));
const CHILD_TIMEOUT_MS = 20 * 60 * 1000;

// ---- PyTorch availability -------------------------------------------------------------------

/** What Debian's python reports about its torch and the BLAS that torch's matmuls load. */
interface TorchProbe {
  torch: string;
  /** Shared libraries with blas/mkl in their path mapped after a matmul. */
  blas: string[];
  /** OpenBLAS's kernel family (openblas_get_corename), when OpenBLAS is the BLAS. */
  openblasCore: string | null;
}
const PROBE = `
import ctypes, json, re, torch
torch.mm(torch.ones(64, 64), torch.ones(64, 64))
libs = sorted(set(re.findall(r'(/\\S*(?:blas|mkl)\\S*\\.so[.0-9]*)', open('/proc/self/maps').read())))
core = None
for lib in libs:
    if 'openblas' in lib:
        try:
            handle = ctypes.CDLL(lib)
            handle.openblas_get_corename.restype = ctypes.c_char_p
            core = handle.openblas_get_corename().decode()
        except Exception:
            pass
print(json.dumps({'torch': torch.__version__, 'blas': libs, 'openblasCore': core}))
`;
function probeTorch(environment: NodeJS.ProcessEnv = process.env): TorchProbe | undefined {
  if (!existsSync(PYTHON)) return undefined;
  const probe = spawnSync(PYTHON, ['-c', PROBE], { encoding: 'utf8', env: environment });
  if (probe.status !== 0) return undefined;
  try {
    return JSON.parse(probe.stdout.trim().split('\n').pop()!) as TorchProbe;
  } catch {
    return undefined;
  }
}
/** torch's matmuls run on the netlib reference BLAS (libblas3), ≈20× slower than OpenBLAS here. */
const usesReferenceBlas = (probe: TorchProbe) =>
  probe.openblasCore === null && !probe.blas.some((library) => /openblas|mkl|blis/.test(library));

function aptInstall(packages: string[]): string | undefined {
  const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  process.stdout.write(`installing Debian's ${packages.join(' ')} (apt-get update && apt-get install -y ${packages.join(' ')}) …\n`);
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env: environment });
  if (update.error !== undefined || update.status !== 0)
    return `\`apt-get update\` failed (${update.error?.message ?? `exit ${update.status}`}): is a Debian mirror reachable? Install ${packages.join(' ')} by hand and rerun.`;
  const added = spawnSync('apt-get', ['install', '-y', ...packages], { stdio: 'inherit', env: environment });
  if (added.error !== undefined || added.status !== 0)
    return `\`apt-get install -y ${packages.join(' ')}\` failed (${added.error?.message ?? `exit ${added.status}`}): these are Debian bookworm packages; install them by hand and rerun.`;
  return undefined;
}
function cannotInstall(what: string, packages: string): string | undefined {
  if (!install) return `${what}, and --no-install was given: run \`apt-get update && apt-get install -y ${packages}\` as root.`;
  if (process.getuid?.() !== 0)
    return `${what}, and this process is not root, so it cannot install it: run \`sudo apt-get update && sudo apt-get install -y ${packages}\` (Debian's packages; the benchmark never uses pip).`;
  return undefined;
}

interface TorchSetup {
  probe?: TorchProbe;
  problem?: string;
  warning?: string;
  /** Environment of the PyTorch workers. */
  environment: NodeJS.ProcessEnv;
}

/**
 * Makes sure Debian's python3-torch is importable (installing it when missing) and that its
 * matmuls do not run on the reference BLAS (installing OpenBLAS, OpenMP build, when they do),
 * then chooses the PyTorch workers' environment: OMP_WAIT_POLICY=PASSIVE (spinning OpenMP
 * threads collapse 10–40× when other processes share the cores), OMP_NUM_THREADS, and an
 * OPENBLAS_CORETYPE when OpenBLAS 0.3.21 does not recognise the CPU and falls back to its
 * generic "Prescott" kernels. Variables already set in the environment are kept.
 */
function setUpTorch(): TorchSetup {
  const environment: NodeJS.ProcessEnv = { ...process.env };
  environment.OMP_WAIT_POLICY ??= 'PASSIVE';
  environment.OMP_NUM_THREADS ??= String(torchThreads);
  if (!existsSync(PYTHON)) return { environment, problem: `${PYTHON} does not exist: install Debian's python3 and python3-torch (apt-get install -y python3-torch).` };
  let probe = probeTorch(environment);
  if (probe === undefined) {
    const refusal = cannotInstall(`${PYTHON} cannot import torch`, 'python3-torch');
    if (refusal !== undefined) return { environment, problem: refusal };
    process.stdout.write(`${PYTHON} cannot import torch.\n`);
    const failure = aptInstall(['python3-torch']);
    if (failure !== undefined) return { environment, problem: failure };
    probe = probeTorch(environment);
    if (probe === undefined) return { environment, problem: `python3-torch was installed but ${PYTHON} still cannot import torch.` };
  }
  let warning: string | undefined;
  if (usesReferenceBlas(probe)) {
    const what = `PyTorch's matmuls run on the reference BLAS (${probe.blas.join(', ') || 'libblas.so.3'}), about 20× slower than OpenBLAS`;
    const refusal = cannotInstall(what, 'libopenblas0-openmp');
    if (refusal === undefined) process.stdout.write(`${what}.\n`);
    const failure = refusal ?? aptInstall(['libopenblas0-openmp']);
    probe = probeTorch(environment) ?? probe;
    if (failure !== undefined || usesReferenceBlas(probe)) warning = `${failure ?? what}. The PyTorch column is measured on the reference BLAS.`;
  }
  if (probe.openblasCore !== null && /prescott/i.test(probe.openblasCore) && environment.OPENBLAS_CORETYPE === undefined) {
    const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/));
    const chosen = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'].every((flag) => flags.has(flag))
      ? 'SKYLAKEX'
      : ['avx2', 'fma'].every((flag) => flags.has(flag))
        ? 'HASWELL'
        : undefined;
    if (chosen !== undefined) {
      environment.OPENBLAS_CORETYPE = chosen;
      probe = probeTorch(environment) ?? probe;
    }
  }
  return { environment, probe, ...(warning === undefined ? {} : { warning }) };
}

// ---- machine load ---------------------------------------------------------------------------

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …
    const busy = fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]! + fields[7]!;
    return busy / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

// ---- children -------------------------------------------------------------------------------

interface ChildOutcome {
  result?: WorkerResult;
  error?: string;
  wallSeconds: number;
  /** Mean 1-minute load average sampled while the child ran. */
  loadAverage: number;
  /** Cores busy with other processes on average during the child's timed runs (machine busy − child CPU). */
  otherCores?: number;
}

function childCommand(engine: Engine, workload: Workload): [string, string[]] {
  const common = ['--workload', workload, '--runs', String(runs), '--steps', String(steps), '--forward-reps', String(forwardReps)];
  if (engine === 'fate')
    return [process.execPath, ['--import', 'tsx', path.join(benchDirectory, 'fate-peer.ts'), ...common, '--threads', String(threads), '--workers', fateWorkers]];
  return [PYTHON, [path.join(benchDirectory, 'torch_peer.py'), ...common, '--threads', String(torchThreads), '--config', JSON.stringify(BENCH_MODEL)]];
}

function runChild(engine: Engine, workload: Workload): Promise<ChildOutcome> {
  const [command, args] = childCommand(engine, workload);
  const started = performance.now();
  const busyBefore = machineBusySeconds();
  const loads: number[] = [loadavg()[0]!];
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: engine === 'torch' ? torch.environment : process.env });
    let stdout = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    const sampler = setInterval(() => loads.push(loadavg()[0]!), 5000);
    const timer = setTimeout(() => {
      killed = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, CHILD_TIMEOUT_MS);
    const finish = (error?: string) => {
      clearInterval(sampler);
      clearTimeout(timer);
      loads.push(loadavg()[0]!);
      const wallSeconds = (performance.now() - started) / 1000;
      const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
      const other = stdout.split('\n').filter((text) => text.trim() !== '' && !text.startsWith('RESULT '));
      if (other.length > 0) process.stdout.write(`${other.join('\n')}\n`);
      const outcome: ChildOutcome = { wallSeconds, loadAverage: median(loads) };
      if (line !== undefined && error === undefined) {
        outcome.result = JSON.parse(line.slice('RESULT '.length)) as WorkerResult;
        const busyAfter = machineBusySeconds();
        if (outcome.result.otherCores !== undefined) outcome.otherCores = outcome.result.otherCores;
        else if (busyBefore !== undefined && busyAfter !== undefined)
          outcome.otherCores = Math.max(0, (busyAfter - busyBefore - outcome.result.cpuSeconds) / wallSeconds);
      } else outcome.error = error ?? 'the worker printed no RESULT line';
      resolve(outcome);
    };
    child.on('error', (error) => finish(`could not start ${command}: ${error.message}`));
    child.on('close', (code, signal) => {
      if (killed) finish(`timed out after ${CHILD_TIMEOUT_MS / 60000} minutes`);
      else if (code !== 0) finish(`exited with ${signal ?? `code ${code}`}`);
      else finish();
    });
  });
}

/**
 * Same function check: fate exports its seed-1 weights and the logits of a fixed batch; the
 * PyTorch peer loads those weights and must reproduce the logits (full forward and KV-cached).
 */
function runPeerCheck(): { status: 'PASS' | 'FAIL'; maxAbsDiff?: number; cachedMaxAbsDiff?: number; error?: string } {
  const directory = mkdtempSync(path.join(tmpdir(), 'fate-bench-'));
  try {
    const exported = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDirectory, 'fate-peer.ts'), '--export-reference', directory], {
      cwd: root,
      encoding: 'utf8',
    });
    if (exported.status !== 0) return { status: 'FAIL', error: `fate export failed: ${exported.stderr.trim().split('\n').pop()}` };
    const checked = spawnSync(PYTHON, [path.join(benchDirectory, 'torch_peer.py'), '--check-reference', directory, '--config', JSON.stringify(BENCH_MODEL)], {
      cwd: root,
      encoding: 'utf8',
      env: torch.environment,
    });
    const line = checked.stdout.split('\n').find((text) => text.startsWith('RESULT '));
    if (checked.status !== 0 || line === undefined) return { status: 'FAIL', error: `PyTorch check failed: ${checked.stderr.trim().split('\n').pop()}` };
    const { maxAbsDiff, cachedMaxAbsDiff } = JSON.parse(line.slice('RESULT '.length)) as { maxAbsDiff: number; cachedMaxAbsDiff: number };
    return { status: Math.max(maxAbsDiff, cachedMaxAbsDiff) <= 1e-4 ? 'PASS' : 'FAIL', maxAbsDiff, cachedMaxAbsDiff };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

// ---- formatting -----------------------------------------------------------------------------

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const mebibytes = (bytes: number) => `${integer(bytes / MiB)} MiB`;
const ratio = (fate: number | undefined, torch: number | undefined) =>
  fate === undefined || torch === undefined || torch === 0 ? undefined : fate / torch;
function rateCell(result: WorkerResult | undefined): string {
  if (result === undefined) return 'n/a';
  return `${integer(result.median)} (${integer(Math.min(...result.rates))}–${integer(Math.max(...result.rates))})`;
}
function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `-${'-'.repeat(width)}-` : `-${'-'.repeat(width)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

// ---- main -----------------------------------------------------------------------------------

const benchStarted = performance.now();
const startedAt = new Date();
const loadAtStart = loadavg();
const torch: TorchSetup = engines.includes('torch') ? setUpTorch() : { environment: process.env };
if (engines.includes('torch') && torch.problem !== undefined)
  process.stdout.write(`\n*** PyTorch column unavailable: ${torch.problem}\n*** Continuing with fate only.\n\n`);
if (torch.warning !== undefined) process.stdout.write(`\n*** ${torch.warning}\n\n`);
const torchVersion = torch.probe?.torch;
const torchBlas =
  torch.probe === undefined
    ? undefined
    : torch.probe.openblasCore !== null
      ? `OpenBLAS (${torch.probe.openblasCore} kernels${torch.environment.OPENBLAS_CORETYPE !== undefined ? `, OPENBLAS_CORETYPE=${torch.environment.OPENBLAS_CORETYPE}` : ''})`
      : torch.probe.blas.map((library) => path.basename(path.dirname(library)) + '/' + path.basename(library)).join(', ') || 'unknown BLAS';
const torchSettings = `${torchThreads} threads, OMP_WAIT_POLICY=${torch.environment.OMP_WAIT_POLICY}`;
const activeEngines = engines.filter((engine) => engine === 'fate' || torchVersion !== undefined);
const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `fate bench: ${cpuModel}, ${availableParallelism()} cores, ${integer(totalmem() / GiB)} GiB; load average ${loadAtStart.map((value) => value.toFixed(2)).join(' ')}\n` +
    `fate: Node ${process.versions.node}, @jax-js/jax wasm, ${fateWorkers === 'auto' ? `training/forward on a ${threads}-thread worker pool, sampling on the main thread` : fateWorkers === 'on' ? `${threads}-thread worker pool` : 'main thread only'}\n` +
    (torchVersion !== undefined ? `PyTorch ${torchVersion} (${PYTHON}), ${torchBlas}, ${torchSettings}\n` : '') +
    `model ${JSON.stringify(BENCH_MODEL)}; ${runs} timed runs per workload after a shortened warm-up\n`,
);
if (runs < 5) process.stdout.write(`note: --runs ${runs} is below the 5 runs the recorded results use\n`);

let failures = 0;
const peerCheck = checkPeer && activeEngines.length === 2 ? runPeerCheck() : undefined;
if (peerCheck !== undefined) {
  process.stdout.write(
    peerCheck.error !== undefined
      ? `same-model check FAILED: ${peerCheck.error}\n`
      : `same-model check ${peerCheck.status}: PyTorch with fate's initial weights reproduces fate's logits to ${peerCheck.maxAbsDiff!.toExponential(1)} (KV-cached: ${peerCheck.cachedMaxAbsDiff!.toExponential(1)}; limit 1e-4)\n`,
  );
  if (peerCheck.status === 'FAIL') failures++;
}

const outcomes: Partial<Record<Workload, Partial<Record<Engine, ChildOutcome>>>> = {};
for (const workload of workloads) {
  outcomes[workload] = {};
  for (const engine of activeEngines) {
    process.stdout.write(`\n[${engine}] ${WORKLOAD_LABELS[workload]} …\n`);
    const outcome = await runChild(engine, workload);
    outcomes[workload]![engine] = outcome;
    if (outcome.result === undefined) {
      failures++;
      process.stdout.write(`[${engine}] ${workload} FAILED: ${outcome.error}\n`);
    } else {
      const result = outcome.result;
      process.stdout.write(
        `[${engine}] ${workload}: median ${integer(result.median)} tok/s (runs ${result.rates.map(integer).join(', ')}), ` +
          `peak RSS ${mebibytes(result.peakRssBytes)}, warm-up ${result.warmupSeconds.toFixed(1)} s, ` +
          `${outcome.wallSeconds.toFixed(0)} s in all, load ${outcome.loadAverage.toFixed(2)}` +
          `${outcome.otherCores !== undefined ? `, other processes ${outcome.otherCores.toFixed(2)} cores` : ''}\n`,
      );
    }
  }
}

// Memory checks on fate's model.
interface Check {
  name: string;
  limitBytes: number;
  peakRssBytes?: number;
  status: 'PASS' | 'FAIL' | 'NOT RUN';
}
const checks: Check[] = [
  { name: 'fate sampling, batch 512: peak RSS < 2 GiB', workload: 'sample512' as Workload, limitBytes: 2 * GiB },
  { name: 'fate training 8 × 128: peak RSS < 3 GiB', workload: 'train' as Workload, limitBytes: 3 * GiB },
].map(({ name, workload, limitBytes }) => {
  const peak = outcomes[workload]?.fate?.result?.peakRssBytes;
  return { name, limitBytes, ...(peak === undefined ? {} : { peakRssBytes: peak }), status: peak === undefined ? 'NOT RUN' : peak < limitBytes ? 'PASS' : 'FAIL' };
});

const elapsedSeconds = (performance.now() - benchStarted) / 1000;
const loadAtEnd = loadavg();
const rows = workloads.map((workload) => {
  const fate = outcomes[workload]?.fate;
  const peer = outcomes[workload]?.torch;
  const speed = ratio(fate?.result?.median, peer?.result?.median);
  const memory = ratio(fate?.result?.peakRssBytes, peer?.result?.peakRssBytes);
  const load = (outcome: ChildOutcome | undefined) => (outcome?.otherCores === undefined ? '–' : outcome.otherCores.toFixed(2));
  return [
    WORKLOAD_LABELS[workload],
    rateCell(fate?.result),
    rateCell(peer?.result),
    speed === undefined ? 'n/a' : `${speed.toFixed(2)}×`,
    fate?.result === undefined ? 'n/a' : mebibytes(fate.result.peakRssBytes),
    peer?.result === undefined ? 'n/a' : mebibytes(peer.result.peakRssBytes),
    memory === undefined ? 'n/a' : `${memory.toFixed(2)}×`,
    `${load(fate)} / ${load(peer)}`,
  ];
});
const table = markdownTable(
  ['workload (tokens/s: median (min–max))', 'fate (jax-js)', 'PyTorch CPU', 'fate / PyTorch', 'fate peak RSS', 'PyTorch peak RSS', 'RSS ratio', 'other load (cores) fate / PyTorch'],
  rows,
);
process.stdout.write(`\n${table}\n\n`);
if (peerCheck !== undefined) process.stdout.write(`${peerCheck.status.padEnd(7)} same model: PyTorch reproduces fate's logits from fate's weights\n`);
for (const check of checks)
  process.stdout.write(`${check.status.padEnd(7)} ${check.name}${check.peakRssBytes === undefined ? ' (workload not run)' : `: ${mebibytes(check.peakRssBytes)}`}\n`);
process.stdout.write(
  `\n${elapsedSeconds.toFixed(0)} s in all; load average at start ${loadAtStart.map((value) => value.toFixed(2)).join(' ')}, at end ${loadAtEnd.map((value) => value.toFixed(2)).join(' ')}. ` +
    `"other load" = cores kept busy by processes other than the measured one during its timed runs, from /proc/stat (${availableParallelism()} cores here).\n`,
);

mkdirSync(path.dirname(outFile), { recursive: true });
const report = {
  startedAt: startedAt.toISOString(),
  elapsedSeconds,
  command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
  machine: {
    cpu: cpuModel,
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.versions.node,
    python: PYTHON,
    torch: torchVersion ?? null,
    torchBlas: torchBlas ?? null,
    torchBlasLibraries: torch.probe?.blas ?? null,
    torchEnvironment: torchVersion === undefined ? null : { OMP_WAIT_POLICY: torch.environment.OMP_WAIT_POLICY, OMP_NUM_THREADS: torch.environment.OMP_NUM_THREADS, OPENBLAS_CORETYPE: torch.environment.OPENBLAS_CORETYPE ?? null },
    torchProblem: torch.problem ?? null,
    torchWarning: torch.warning ?? null,
    loadAverageStart: loadAtStart,
    loadAverageEnd: loadAtEnd,
  },
  options: { runs, threads, torchThreads, steps, forwardReps, fateWorkers, workloads, engines },
  model: BENCH_MODEL,
  results: Object.fromEntries(
    workloads.map((workload) => {
      const entry = outcomes[workload] ?? {};
      const describe = (outcome: ChildOutcome | undefined) =>
        outcome === undefined
          ? null
          : { ...(outcome.result ?? {}), error: outcome.error ?? null, wallSeconds: outcome.wallSeconds, loadAverage: outcome.loadAverage, otherCores: outcome.otherCores ?? null };
      return [
        workload,
        {
          label: WORKLOAD_LABELS[workload],
          fate: describe(entry.fate),
          torch: describe(entry.torch),
          speedRatio: ratio(entry.fate?.result?.median, entry.torch?.result?.median) ?? null,
          rssRatio: ratio(entry.fate?.result?.peakRssBytes, entry.torch?.result?.peakRssBytes) ?? null,
        },
      ];
    }),
  ),
  checks,
  peerCheck: peerCheck ?? null,
};
writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`results: ${path.relative(process.cwd(), outFile) || outFile}\n`);

const torchMissing = engines.includes('torch') && torchVersion === undefined;
if (torchMissing) process.stdout.write(`\nThe PyTorch column is missing: ${torch.problem}\n`);
process.exitCode = failures > 0 || checks.some((check) => check.status === 'FAIL') ? 1 : torchMissing ? 2 : 0;
