/**
 * The training loop's engine: padded micro-batches → compiled value-and-gradient of an
 * objective → token-weighted gradient accumulation → compiled clipped AdamW step. Each length
 * bucket compiles the gradient program once; the update compiles once. Results are read back
 * every step, so queued work (and memory) stays bounded.
 *
 * Accumulation is exact for token means: a micro-batch with n_i scored tokens weighs n_i / N in
 * the step's gradient (N = Σ n_i), so splitting a batch does not change the update.
 */
import type { CompiledFunction, Tensor, TensorBackend, TensorRecord } from '../backend/tensor-backend.js';
import type { HostOptimizerState } from '../checkpoint/optimizer-state.js';
import { batchLoss, maskedNegativeLogLikelihood, type DeviceBatch, type Objective } from '../model/loss.js';
import type { ModelConfig } from '../model/model-config.js';
import type { ModelParameters } from '../model/parameters.js';
import { biasCorrections, createAdamWState, createAdamWUpdate, type AdamWState, type AdamWUpdate } from './adamw.js';
import { createMuonUpdate, type MuonOptions } from './muon.js';
import { warmupCosineLearningRate, type LearningRateSchedule } from './learning-rate-schedule.js';
import { padBatch, type PaddedBatch, type TrainingBatch } from './length-buckets.js';

/** Which update rule the trainer applies. */
export type OptimizerAlgorithm = 'adamw' | 'muon';

/** A training batch with optional extra per-token float inputs for the objective. */
export interface ObjectiveBatch extends TrainingBatch {
  /** Per-token float arrays by name (e.g. `advantages`, `oldLogProbabilities`), row-aligned with ids. */
  extra?: Record<string, ArrayLike<number>[]>;
}

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  /** Learning-rate schedule (warmup + cosine). */
  schedule: LearningRateSchedule;
  /** AdamW hyper-parameters (Muon's extras when `optimizerAlgorithm` is `muon`). */
  optimizer?: MuonOptions;
  /** `adamw` (default) for every parameter, or `muon` for the hidden matrices and AdamW for the rest. */
  optimizerAlgorithm?: OptimizerAlgorithm;
  /** Clip the gradient's global norm to this; 0 disables; default 1. */
  maximumGradientNorm?: number;
  /** Allowed sequence lengths; each batch is padded to the smallest that fits. */
  lengthBuckets: number[];
  /** Pad every micro-batch to this many rows (one shape per bucket); default: as given. */
  rowsPerBatch?: number;
  /** Id used for padding; default 0. */
  paddingId?: number;
  /** Objective; default masked mean negative log-likelihood. Receives `extra` as `[B, T]` tensors. */
  objective?: Objective<Record<string, Tensor>>;
}

/** What one optimizer step did. */
export interface TrainingStepReport {
  /** Optimizer steps taken so far (1 after the first). */
  step: number;
  /** Token-weighted mean loss over the step's micro-batches. */
  loss: number;
  /** Learning rate used. */
  learningRate: number;
  /** Gradient global norm before clipping. */
  gradientNorm: number;
  /** Scored (mask = 1) tokens. */
  scoredTokens: number;
  /** Positions processed, padding included (rows × bucket length, summed). */
  processedTokens: number;
  /** Wall time of the step. */
  seconds: number;
  /** processedTokens / seconds. */
  tokensPerSecond: number;
  /** Token-weighted means of the objective's scalar auxiliary metrics (`tokens` is summed). */
  metrics: Record<string, number>;
}

/** A gradient computed by {@link Trainer.gradientOnHost}, on the host. */
export interface HostGradient {
  /** Σ weight_i × gradient_i by parameter name. */
  gradients: Record<string, Float32Array>;
  /** Σ weight_i × loss_i. */
  loss: number;
  /** Weighted sums of the objective's scalar metrics (`tokens` summed). */
  metrics: Record<string, number>;
  /** Positions processed, padding included. */
  processedTokens: number;
  /** Scored positions (Σ mask). */
  scoredTokens: number;
}

/** The rest of a step computed elsewhere, for {@link Trainer.train}. */
export interface StepShares {
  /** Scored tokens of the whole step, every process's micro-batches together. */
  scoredTokens: number;
  /** Micro-batches of the whole step. */
  batches: number;
  /** The other processes' gradients, weighted by the whole step's totals. */
  gradients: Promise<HostGradient[]>;
}

type GradientProgram = CompiledFunction<
  [ModelParameters, DeviceBatch, Record<string, Tensor>],
  [[Tensor, Record<string, Tensor>], ModelParameters]
>;

/** Trains a model's parameters in place (the trainer owns them until {@link Trainer.dispose}). */
export class Trainer {
  readonly #backend: TensorBackend;
  readonly #options: TrainerOptions;
  readonly #gradient: GradientProgram;
  readonly #accumulate: CompiledFunction<[TensorRecord, TensorRecord, Tensor], TensorRecord>;
  readonly #update: AdamWUpdate;
  #parameters: ModelParameters;
  #state: AdamWState;
  #step = 0;

  /**
   * @param parameters initial parameters; the trainer takes ownership and frees replaced ones.
   */
  constructor(backend: TensorBackend, config: ModelConfig, parameters: ModelParameters, options: TrainerOptions) {
    this.#backend = backend;
    this.#options = options;
    this.#parameters = parameters;
    this.#state = createAdamWState(backend, parameters);
    const objective = options.objective ?? (maskedNegativeLogLikelihood as Objective<Record<string, Tensor>>);
    const loss = batchLoss(backend, config, objective);
    const valueAndGradient = backend.valueAndGrad(loss);
    this.#gradient = backend.compile((current: ModelParameters, batch: DeviceBatch, extra: Record<string, Tensor>) =>
      valueAndGradient(current, batch, extra),
    );
    this.#accumulate = backend.compile((sum: TensorRecord, gradients: TensorRecord, weight: Tensor) => {
      const next: TensorRecord = {};
      for (const [name, gradient] of Object.entries(gradients)) next[name] = backend.add(sum[name]!, backend.multiply(gradient, weight));
      return next;
    });
    this.#update = options.optimizerAlgorithm === 'muon' ? createMuonUpdate(backend, options.optimizer) : createAdamWUpdate(backend, options.optimizer);
  }

  /** Current parameters (owned by the trainer; valid until the next step). */
  get parameters(): ModelParameters {
    return this.#parameters;
  }

  /** Optimizer steps taken. */
  get step(): number {
    return this.#step;
  }

  /** Pads a batch as the trainer would (bucket length, rows). */
  pad(batch: TrainingBatch): PaddedBatch {
    return padBatch(batch, this.#options.lengthBuckets, { rows: this.#options.rowsPerBatch, paddingId: this.#options.paddingId });
  }

  /**
   * One optimizer step over one batch or several micro-batches (gradient accumulation). With
   * `shares`, other processes computed the gradient of the step's other micro-batches
   * ({@link Trainer.gradientOnHost}, weighted by the same whole-step totals); they are added
   * before the update, so splitting a step across processes does not change it.
   */
  async train(batches: ObjectiveBatch | ObjectiveBatch[], shares?: StepShares): Promise<TrainingStepReport> {
    const started = performance.now();
    const backend = this.#backend;
    const microBatches = Array.isArray(batches) ? batches : [batches];
    if (microBatches.length === 0) throw new Error('train: no batches');
    const padded = microBatches.map((batch) => this.pad(batch));
    const localScored = padded.reduce((total, batch) => total + batch.scoredTokens, 0);
    const totals = { scoredTokens: shares?.scoredTokens ?? localScored, batches: shares?.batches ?? padded.length };
    let { accumulated, loss, metrics, processedTokens } = await this.#accumulateGradients(microBatches, padded, totals);
    let scoredTokens = localScored;
    for (const share of shares ? await shares.gradients : []) {
      const remote: TensorRecord = {};
      for (const [name, tensor] of Object.entries(accumulated)) {
        const values = share.gradients[name];
        if (values === undefined || values.length !== tensor.shape.reduce((product, size) => product * size, 1)) {
          throw new Error(`train: a shared gradient lacks parameter ${name} or has the wrong size`);
        }
        remote[name] = backend.floatTensor(values, tensor.shape);
      }
      const one = backend.scalar(1);
      const sum = this.#accumulate(accumulated, remote, one);
      backend.dispose([accumulated, remote, one]);
      accumulated = sum;
      loss += share.loss;
      for (const [name, value] of Object.entries(share.metrics)) metrics[name] = (metrics[name] ?? 0) + value;
      processedTokens += share.processedTokens;
      scoredTokens += share.scoredTokens;
    }

    const learningRate = warmupCosineLearningRate(this.#step, this.#options.schedule);
    const corrections = biasCorrections(this.#step + 1, this.#options.optimizer);
    const scalars = {
      learningRate: backend.scalar(learningRate),
      firstMomentCorrection: backend.scalar(corrections.first),
      secondMomentCorrection: backend.scalar(corrections.second),
      maximumGradientNorm: backend.scalar(this.#options.maximumGradientNorm ?? 1),
      gradientScale: backend.scalar(1),
    };
    const [parameters, state, norm] = this.#update(this.#parameters, this.#state, accumulated, scalars);
    backend.dispose([this.#parameters, this.#state, accumulated, scalars]);
    this.#parameters = parameters;
    this.#state = state;
    this.#step++;
    const gradientNorm = await backend.readNumber(norm);
    backend.dispose(norm);
    await backend.synchronize([parameters, state]);
    const seconds = (performance.now() - started) / 1000;
    return {
      step: this.#step,
      loss,
      learningRate,
      gradientNorm,
      scoredTokens,
      processedTokens,
      seconds,
      tokensPerSecond: processedTokens / seconds,
      metrics,
    };
  }

  /**
   * The gradient of some of a step's micro-batches with the current parameters, read back to
   * the host: each micro-batch weighs its scored tokens over the whole step's (`totals`), as in
   * {@link Trainer.train}, so the coordinating trainer only adds it. No update is made.
   */
  async gradientOnHost(batches: ObjectiveBatch[], totals: { scoredTokens: number; batches: number }): Promise<HostGradient> {
    const padded = batches.map((batch) => this.pad(batch));
    const { accumulated, loss, metrics, processedTokens } = await this.#accumulateGradients(batches, padded, totals);
    const gradients: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(accumulated)) {
      const data = await this.#backend.read(tensor);
      gradients[name] = data instanceof Float32Array ? data : Float32Array.from(data);
    }
    this.#backend.dispose(accumulated);
    return { gradients, loss, metrics, processedTokens, scoredTokens: padded.reduce((total, batch) => total + batch.scoredTokens, 0) };
  }

  /** Replaces the parameters (a data-parallel helper takes the coordinator's before each step). */
  setParameters(values: Map<string, Float32Array>): void {
    const next: ModelParameters = {};
    for (const [name, tensor] of Object.entries(this.#parameters)) {
      const data = values.get(name);
      if (data === undefined) throw new Error(`setParameters: missing parameter ${name}`);
      next[name] = this.#backend.floatTensor(data, tensor.shape);
    }
    this.#backend.dispose(this.#parameters);
    this.#parameters = next;
  }

  /** Σ weight_i × gradient_i over the micro-batches, weight_i = scored_i / totals.scoredTokens (or 1 / totals.batches when nothing is scored). */
  async #accumulateGradients(
    microBatches: ObjectiveBatch[],
    padded: PaddedBatch[],
    totals: { scoredTokens: number; batches: number },
  ): Promise<{ accumulated: TensorRecord; loss: number; metrics: Record<string, number>; processedTokens: number }> {
    const backend = this.#backend;
    let accumulated: TensorRecord | undefined;
    let loss = 0;
    const metrics: Record<string, number> = {};
    for (const [index, batch] of padded.entries()) {
      const weight = totals.scoredTokens > 0 ? batch.scoredTokens / totals.scoredTokens : 1 / totals.batches;
      const device: DeviceBatch = {
        ids: backend.intTensor(batch.ids, [batch.rows, batch.length]),
        targets: backend.intTensor(batch.targets, [batch.rows, batch.length]),
        mask: backend.floatTensor(batch.mask, [batch.rows, batch.length]),
      };
      const extra = this.#extraTensors(microBatches[index]!, batch);
      const [[value, auxiliary], gradients] = this.#gradient(this.#parameters, device, extra);
      loss += weight * (await backend.readNumber(value));
      for (const [name, metric] of Object.entries(auxiliary)) {
        const data = await backend.read(metric);
        if (data.length === 1) metrics[name] = (metrics[name] ?? 0) + (name === 'tokens' ? data[0]! : weight * data[0]!);
      }
      backend.dispose([device, extra, value, auxiliary]);
      if (padded.length === 1 && weight === 1) accumulated = gradients;
      else {
        const weightTensor = backend.scalar(weight);
        const previous = accumulated ?? this.#zerosLike(gradients);
        accumulated = this.#accumulate(previous, gradients, weightTensor);
        backend.dispose([previous, gradients, weightTensor]);
        await backend.synchronize(accumulated);
      }
    }
    return { accumulated: accumulated!, loss, metrics, processedTokens: padded.reduce((total, batch) => total + batch.rows * batch.length, 0) };
  }

  /** The optimizer's moments and step count, read back to the host (for a resumable checkpoint). */
  async readOptimizerState(): Promise<HostOptimizerState> {
    const read = async (record: TensorRecord): Promise<Map<string, Float32Array>> => {
      const values = new Map<string, Float32Array>();
      for (const [name, tensor] of Object.entries(record)) {
        const data = await this.#backend.read(tensor);
        values.set(name, data instanceof Float32Array ? data : Float32Array.from(data));
      }
      return values;
    };
    return { step: this.#step, firstMoment: await read(this.#state.firstMoment), secondMoment: await read(this.#state.secondMoment) };
  }

  /** Continues from a saved optimizer state: its moments and step count replace the current ones. */
  restoreOptimizerState(state: HostOptimizerState): void {
    const upload = (values: Map<string, Float32Array>): TensorRecord => {
      const record: TensorRecord = {};
      for (const [name, tensor] of Object.entries(this.#parameters)) {
        const data = values.get(name);
        if (data === undefined) throw new Error(`restoreOptimizerState: missing moment for ${name}`);
        record[name] = this.#backend.floatTensor(data, tensor.shape);
      }
      return record;
    };
    const next = { firstMoment: upload(state.firstMoment), secondMoment: upload(state.secondMoment) };
    this.#backend.dispose(this.#state);
    this.#state = next;
    this.#step = state.step;
  }

  /** Frees the parameters, optimizer state and compiled programs. */
  dispose(): void {
    this.#backend.dispose([this.#parameters, this.#state]);
    this.#gradient.release();
    this.#accumulate.release();
    this.#update.release();
  }

  /** Takes the parameters out (the caller owns them) and frees the rest. */
  release(): ModelParameters {
    const parameters = this.#parameters;
    this.#parameters = {};
    this.dispose();
    return parameters;
  }

  #zerosLike(record: TensorRecord): TensorRecord {
    const zeros: TensorRecord = {};
    for (const [name, tensor] of Object.entries(record)) zeros[name] = this.#backend.zeros(tensor.shape);
    return zeros;
  }

  #extraTensors(batch: ObjectiveBatch, padded: PaddedBatch): Record<string, Tensor> {
    const tensors: Record<string, Tensor> = {};
    for (const [name, rows] of Object.entries(batch.extra ?? {})) {
      const values = new Float32Array(padded.rows * padded.length);
      rows.forEach((row, rowIndex) => {
        for (let position = 0; position < row.length; position++) values[rowIndex * padded.length + position] = row[position]!;
      });
      tensors[name] = this.#backend.floatTensor(values, [padded.rows, padded.length]);
    }
    return tensors;
  }
}
