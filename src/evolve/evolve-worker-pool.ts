import { fork, type ChildProcess } from 'node:child_process';
import { workerLaunch, type WorkerLaunch } from '../nn/process/worker-launch.js';
import { TinyCheckpointError } from '../policies/tiny/tiny-policy.js';
import type { EvolveEvent } from './evolve-event.js';
import { jobPrerequisites, type EvolveJob } from './evolve-job.js';
import { EvolveInterrupted, isWasmHeapExhaustion, type EvolveRunSettings } from './evolve-job-runner.js';
import type { EvolveWorkerMessage, EvolveWorkerRequest } from './evolve-worker-protocol.js';
import { PhaseLedgerError } from './phase-ledger.js';

/** What {@link runEvolveJobsInWorkers} needs. */
export interface EvolveWorkerPoolOptions {
  /** The jobs, in the order they start (a job also waits for its prerequisites). */
  jobs: readonly EvolveJob[];
  /** Most worker processes at once. */
  workers: number;
  settings: EvolveRunSettings;
  /** Test hook: every worker stops (as if killed) after this many phases of its own. */
  stopAfterPhases?: number;
  /** Test hook: a job's first worker fails as a full wasm heap does after this many phases. */
  heapFullAfterPhases?: number;
  /** Times a job whose worker's wasm heap filled up is started again in a fresh process (default 2). */
  restarts?: number;
  /** Receives the events of every worker as they arrive. */
  onEvent?: (event: EvolveEvent) => void;
}

/** How a worker process is started: its entry module and node's flags for it. */
export type EvolveWorkerLaunch = WorkerLaunch;

/** The worker entry next to this module (`evolve-worker.js`, or `.ts` with tsx's loader from source). */
export function evolveWorkerLaunch(): EvolveWorkerLaunch {
  return workerLaunch(import.meta.url, 'evolve-worker');
}

const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A worker process and the job it runs now (`null` while it waits for one). */
interface WorkerSlot {
  readonly child: ChildProcess;
  /** 1 for the first process the run started, and so on. */
  readonly number: number;
  job: EvolveJob | null;
  /** Which attempt at its job this is (0 the first). */
  attempt: number;
  /** Whether it said it is listening for requests. */
  ready: boolean;
  /** The end of its output since its job started (a fatal wasm error is only seen there). */
  output: string;
  /** How its job ended, when it said so. */
  outcome: Extract<EvolveWorkerMessage, { type: 'done' | 'failed' }> | null;
}

/**
 * Runs evolve jobs in at most `workers` worker processes, each job as soon as a worker is free
 * and its prerequisites have finished; relays their events. A worker process runs one job after
 * another: jax-js compiles every program shape once per process (tens of seconds for a training
 * step's gradient), so a job that follows another in the same process finds most of its programs
 * compiled. When a worker fails (an error it reports, or an exit without finishing), the others
 * are killed and the promise rejects, once every worker has exited, with the worker's one-line
 * error (EvolveInterrupted, PhaseLedgerError and TinyCheckpointError keep their class) — except
 * when the worker's wasm heap filled up (jax-js's 32-bit heap never gives memory back, so a long
 * job can reach its 4 GiB): then the job starts again in a fresh process, from its last finished
 * phase, up to `restarts` times, and a `job-restarted` event says so. A signal that stops this
 * process (Ctrl-C) kills the workers first. Finished phases stay in the ledger, so the run
 * resumes from them.
 */
export function runEvolveJobsInWorkers(options: EvolveWorkerPoolOptions): Promise<void> {
  const launch = evolveWorkerLaunch();
  const waiting = [...options.jobs];
  const finished = new Set<EvolveJob>();
  const slots = new Set<WorkerSlot>();
  const attempts = new Map<EvolveJob, number>();
  const restarts = options.restarts ?? 2;
  let failure: Error | null = null;
  let started = 0;

  return new Promise<void>((resolve, reject) => {
    const killAll = (): void => {
      for (const { child } of slots) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      killAll();
      removeListeners();
      process.kill(process.pid, signal);
    };
    const removeListeners = (): void => {
      for (const signal of stopSignals) process.removeListener(signal, onSignal);
      process.removeListener('exit', killAll);
    };
    for (const signal of stopSignals) process.on(signal, onSignal);
    process.on('exit', killAll);

    const busy = (): boolean => [...slots].some((slot) => slot.job !== null);
    const fail = (error: Error): void => {
      failure ??= error;
      killAll();
      settleWhenIdle();
    };
    /** Once no job runs and none can start: stop the idle workers, and settle when all have exited. */
    const settleWhenIdle = (): void => {
      if (busy()) return;
      if (slots.size > 0) {
        killAll();
        return;
      }
      removeListeners();
      if (failure) reject(failure);
      else resolve();
    };
    const startReady = (): void => {
      for (const job of [...waiting]) {
        if (failure) break;
        if (jobPrerequisites(job, options.jobs).some((prerequisite) => !finished.has(prerequisite))) continue;
        let slot = [...slots].find((candidate) => candidate.job === null);
        if (slot === undefined) {
          if (slots.size >= options.workers) break;
          slot = spawn();
        }
        waiting.splice(waiting.indexOf(job), 1);
        assign(slot, job);
      }
      if (!busy() && waiting.length > 0 && !failure) failure = new Error(`evolve jobs ${waiting.join(', ')} wait for jobs that are not in the run`);
      if (waiting.length === 0 || failure) settleWhenIdle();
    };
    const request = (slot: WorkerSlot): EvolveWorkerRequest => ({
      job: slot.job!,
      settings: options.settings,
      ...(options.stopAfterPhases !== undefined ? { stopAfterPhases: options.stopAfterPhases } : {}),
      ...(options.heapFullAfterPhases !== undefined && slot.attempt === 0 ? { heapFullAfterPhases: options.heapFullAfterPhases } : {}),
    });
    const assign = (slot: WorkerSlot, job: EvolveJob): void => {
      const attempt = attempts.get(job) ?? 0;
      attempts.set(job, attempt + 1);
      Object.assign(slot, { job, attempt, output: '', outcome: null });
      options.onEvent?.({ kind: 'job-started', job, worker: slot.number });
      if (slot.ready && slot.child.connected) slot.child.send(request(slot));
    };
    const spawn = (): WorkerSlot => {
      const child = fork(launch.entry, [], { execArgv: launch.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
      started += 1;
      const slot: WorkerSlot = { child, number: started, job: null, attempt: 0, ready: false, output: '', outcome: null };
      slots.add(slot);
      const keep = (chunk: Buffer): void => {
        slot.output = (slot.output + chunk.toString()).slice(-4000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('message', (message: EvolveWorkerMessage) => {
        if (message.type === 'ready') {
          slot.ready = true;
          if (slot.job !== null && !failure && child.connected) child.send(request(slot));
        } else if (message.type === 'event') options.onEvent?.(message.event);
        else if (message.type === 'done' && slot.job !== null) {
          finished.add(slot.job);
          slot.job = null;
          startReady();
        } else slot.outcome = message;
      });
      let closed = false;
      const onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (closed) return;
        closed = true;
        slots.delete(slot);
        const job = slot.job;
        slot.job = null;
        if (job === null) {
          // An idle worker stopped (the run is over, or it was killed): nothing was running in it.
          if (waiting.length > 0 && !failure) startReady();
          else settleWhenIdle();
          return;
        }
        const outcome = slot.outcome;
        if (heapFull(outcome, slot.output) && slot.attempt < restarts && !failure) {
          options.onEvent?.({ kind: 'job-restarted', job, attempt: slot.attempt + 1, reason: 'its worker process filled the 4 GiB wasm heap; a fresh process continues from the last finished phase' });
          waiting.unshift(job);
          startReady();
        } else if (outcome?.type === 'failed') {
          fail(workerError(job, outcome));
        } else {
          const lastLine = slot.output.trim().split('\n').at(-1);
          fail(new Error(`evolve job ${job}: its worker process exited with ${signal ? `signal ${signal}` : `code ${code}`} before finishing${lastLine ? ` (${lastLine})` : ''}`));
        }
      };
      child.on('error', (error) => {
        slot.outcome ??= { type: 'failed', name: 'Error', message: `cannot run its worker process (${error.message})` };
        // A process that never started emits no close.
        if (child.pid === undefined) onClose(null, null);
      });
      child.once('close', onClose);
      return slot;
    };
    startReady();
  });
}

/**
 * Whether a worker stopped because the wasm heap filled up: it reported so, or (V8 gives up on
 * wasm memory with a fatal error that ends the process) its last output says so.
 */
function heapFull(outcome: Extract<EvolveWorkerMessage, { type: 'done' | 'failed' }> | null, output: string): boolean {
  if (outcome?.type === 'failed') return isWasmHeapExhaustion(outcome.message);
  return outcome === null && isWasmHeapExhaustion(output);
}

/** The error a worker reported, as an error of this process. */
function workerError(job: EvolveJob, reported: Extract<EvolveWorkerMessage, { type: 'failed' }>): Error {
  if (reported.name === 'EvolveInterrupted') return new EvolveInterrupted(reported.message);
  if (reported.name === 'PhaseLedgerError') return new PhaseLedgerError(reported.message);
  if (reported.name === 'TinyCheckpointError') return new TinyCheckpointError(reported.message);
  const error = new Error(`evolve job ${job}: ${reported.message}`);
  const frames = reported.stack?.split('\n').filter((line) => line.trimStart().startsWith('at '));
  if (frames && frames.length > 0) error.stack = `${error.name}: ${error.message}\n    (in the worker process)\n${frames.join('\n')}`;
  return error;
}
