/**
 * Data-parallel training across processes. jax-js's wasm backend computes on one core per
 * process (its thread pool adds 10–15%), so on a machine with several cores a step's
 * micro-batches are shared out: this process computes the first share with its own
 * {@link Trainer}, each gradient worker process (`gradient-worker.ts`) the next ones, with the
 * parameters this process sends it before every step. The workers' gradients (weighted by the
 * whole step's scored tokens, as gradient accumulation weighs them) are added here before the
 * one AdamW update, so a step is the same update as {@link Trainer.train} over all its
 * micro-batches, up to the order of float additions.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { TensorBackend } from '../backend/tensor-backend.js';
import type { HostOptimizerState } from '../checkpoint/optimizer-state.js';
import type { ModelConfig } from '../model/model-config.js';
import { readParameterValues, type ModelParameters } from '../model/parameters.js';
import { workerLaunch } from '../process/worker-launch.js';
import type { GradientWorkerMessage, GradientWorkerRequest } from './gradient-worker-protocol.js';
import { Trainer, type HostGradient, type ObjectiveBatch, type TrainerOptions, type TrainingStepReport } from './trainer.js';

/** Options of {@link DataParallelTrainer}: the trainer's (default objective only) and the process count. */
export interface DataParallelTrainerOptions extends Omit<TrainerOptions, 'objective'> {
  /** Processes computing gradients, this one included (1: no worker processes). */
  processes: number;
}

/** One gradient worker process and its outstanding request. */
class GradientWorker {
  readonly #child: ChildProcess;
  #output = '';
  #pending: { resolve: (message: GradientWorkerMessage) => void; reject: (error: Error) => void } | undefined;
  #ready: Promise<void>;
  #exited: Error | undefined;

  constructor(number: number) {
    const launch = workerLaunch(import.meta.url, 'gradient-worker');
    this.#child = fork(launch.entry, [], { execArgv: launch.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-2000);
    };
    this.#child.stdout?.on('data', keep);
    this.#child.stderr?.on('data', keep);
    let markReady: () => void = () => undefined;
    this.#ready = new Promise((resolve) => (markReady = resolve));
    this.#child.on('message', (message: GradientWorkerMessage) => {
      if (message.type === 'ready') return markReady();
      const pending = this.#pending;
      this.#pending = undefined;
      if (message.type === 'failed') pending?.reject(new Error(`gradient worker ${number}: ${message.message}`));
      else pending?.resolve(message);
    });
    const onExit = (detail: string): void => {
      const lastLine = this.#output.trim().split('\n').at(-1);
      this.#exited = new Error(`gradient worker ${number} ${detail}${lastLine ? ` (${lastLine})` : ''}`);
      markReady();
      this.#pending?.reject(this.#exited);
      this.#pending = undefined;
    };
    this.#child.on('exit', (code, signal) => onExit(`exited with ${signal ? `signal ${signal}` : `code ${code}`}`));
    this.#child.on('error', (error) => onExit(`could not run (${error.message})`));
  }

  /**
   * Sends a request; `sent` resolves once the message is handed to the channel in full (a large
   * message is written over many event-loop turns, which a synchronous wasm computation in this
   * process would hold up), `answer` with the worker's answer.
   */
  send(request: GradientWorkerRequest): { sent: Promise<void>; answer: Promise<GradientWorkerMessage> } {
    let markSent: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const answer = (async () => {
      await this.#ready;
      if (this.#exited) {
        markSent();
        throw this.#exited;
      }
      return new Promise<GradientWorkerMessage>((resolve, reject) => {
        this.#pending = { resolve, reject };
        this.#child.send(request, undefined, {}, () => markSent());
      });
    })();
    answer.catch(() => markSent());
    return { sent, answer };
  }

  /** Sends a request and resolves with the worker's answer. */
  request(request: GradientWorkerRequest): Promise<GradientWorkerMessage> {
    return this.send(request).answer;
  }

  stop(): void {
    this.#pending = undefined;
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill();
  }
}

/** Trains a model's parameters in place, sharing each step's micro-batches among processes. */
export class DataParallelTrainer {
  readonly #backend: TensorBackend;
  readonly #trainer: Trainer;
  readonly #workers: GradientWorker[];

  private constructor(backend: TensorBackend, trainer: Trainer, workers: GradientWorker[]) {
    this.#backend = backend;
    this.#trainer = trainer;
    this.#workers = workers;
  }

  /**
   * Starts the worker processes (`options.processes − 1`) and builds their programs.
   * @param parameters initial parameters; the trainer takes ownership.
   */
  static async start(backend: TensorBackend, config: ModelConfig, parameters: ModelParameters, options: DataParallelTrainerOptions): Promise<DataParallelTrainer> {
    const { processes, ...trainerOptions } = options;
    if (!Number.isInteger(processes) || processes < 1) throw new Error(`data-parallel trainer: processes must be a positive integer, got ${processes}`);
    const trainer = new Trainer(backend, config, parameters, trainerOptions);
    const workers = Array.from({ length: processes - 1 }, (_, index) => new GradientWorker(index + 1));
    const started = new DataParallelTrainer(backend, trainer, workers);
    try {
      await Promise.all(
        workers.map((worker) =>
          worker.request({
            type: 'start',
            config,
            lengthBuckets: options.lengthBuckets,
            ...(options.rowsPerBatch !== undefined ? { rowsPerBatch: options.rowsPerBatch } : {}),
            ...(options.paddingId !== undefined ? { paddingId: options.paddingId } : {}),
          }),
        ),
      );
    } catch (error) {
      started.dispose();
      throw error;
    }
    return started;
  }

  /** Processes computing gradients, this one included. */
  get processes(): number {
    return this.#workers.length + 1;
  }

  /** Current parameters (owned by the trainer; valid until the next step). */
  get parameters(): ModelParameters {
    return this.#trainer.parameters;
  }

  /** Optimizer steps taken. */
  get step(): number {
    return this.#trainer.step;
  }

  /**
   * One optimizer step over the micro-batches: micro-batch i is computed by process
   * i mod {@link processes} (0 is this one).
   */
  async train(batches: ObjectiveBatch[]): Promise<TrainingStepReport> {
    if (batches.length === 0) throw new Error('train: no batches');
    if (this.#workers.length === 0) return this.#trainer.train(batches);
    const shares = Array.from({ length: this.processes }, (_, process) => batches.filter((_, index) => index % this.processes === process));
    const totals = {
      scoredTokens: batches.reduce((total, batch) => total + this.#trainer.pad(batch).scoredTokens, 0),
      batches: batches.length,
    };
    const parameters = await readParameterValues(this.#backend, this.#trainer.parameters);
    const requests = this.#workers.flatMap((worker, index) => {
      const share = shares[index + 1]!;
      if (share.length === 0) return [];
      const { sent, answer } = worker.send({ type: 'gradient', parameters, batches: share, totals });
      const gradient = answer.then((message): HostGradient => {
        if (message.type !== 'gradient') throw new Error(`gradient worker ${index + 1}: unexpected answer ${message.type}`);
        return message.gradient;
      });
      return [{ sent, gradient }];
    });
    const remote = Promise.all(requests.map((request) => request.gradient));
    // A rejection is taken by the trainer when it awaits the shares; this keeps an early one from being reported as unhandled.
    remote.catch(() => undefined);
    // The workers must have their requests before this process's own computation holds the event loop.
    await Promise.all(requests.map((request) => request.sent));
    return this.#trainer.train(shares[0]!, { ...totals, gradients: remote });
  }

  /** The optimizer's moments and step count on the host (see {@link Trainer.readOptimizerState}). */
  readOptimizerState(): Promise<HostOptimizerState> {
    return this.#trainer.readOptimizerState();
  }

  /** Continues from saved parameters and optimizer state (the workers get the parameters with each step). */
  restore(parameters: Map<string, Float32Array>, state: HostOptimizerState): void {
    this.#trainer.setParameters(parameters);
    this.#trainer.restoreOptimizerState(state);
  }

  /** Stops the workers and frees the parameters, optimizer state and programs. */
  dispose(): void {
    for (const worker of this.#workers) worker.stop();
    this.#trainer.dispose();
  }
}
