import { Random } from '../envs/random.js';
import type { Entity } from '../envs/entity.js';
import {
  loadModel,
  parametersFromValues,
  readParameterValues,
  saveModel,
  Trainer,
  type ModelParameters,
  type Objective,
  type Tensor,
  type TensorBackend,
} from '../nn/index.js';
import { tokenizerToJsonText } from '../nn/tokenizer/index.js';
import { epochBatches } from './epoch-batches.js';
import { stratifiedDraw } from './stratified-draw.js';
import { clippedPolicyObjective } from '../pfpo/policy-objective.js';
import { renderConversation } from '../policies/tiny/chat-template/index.js';
import { writeArgumentKinds } from '../policies/tiny/argument-kinds.js';
import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import { TinyPolicy, tinyBackend } from '../policies/tiny/tiny-policy.js';
import type { ChatMessage, OpenAiTool } from '../trajectory/message.js';

/** A conversation to learn from: messages with the tools and entities it was rendered with. */
export interface LearningConversation {
  messages: readonly ChatMessage[];
  tools: readonly OpenAiTool[];
  entities: readonly Entity[];
  /** The stratum it belongs to, when a supervised phase gives some strata a fixed share of its micro-batches. */
  stratum?: string;
}

/** A conversation with the advantage of its trajectory (policy optimization). */
export interface AdvantageConversation extends LearningConversation {
  advantage: number;
}

/** Options of a supervised phase. */
export interface SupervisedOptions {
  /** Optimizer steps. */
  steps: number;
  peakLearningRate: number;
  seed: number;
  /**
   * Share of the micro-batches drawn from each named stratum (the rest from the conversations
   * without one); absent: every micro-batch is drawn from all conversations alike.
   */
  strataShares?: Readonly<Record<string, number>>;
}

/** Options of a policy-optimization phase. */
export interface PolicyOptimizationOptions {
  /** Optimizer steps over the phase's sequences per epoch (they are split into this many mini-batches). */
  steps: number;
  /** Passes over the sequences (GRPO's μ); each pass reshuffles them. 1 when absent. */
  epochs?: number;
  peakLearningRate: number;
  clipEpsilon: number;
  klCoefficient: number;
  seed: number;
}

/** What a training phase did. */
export interface PhaseReport {
  steps: number;
  sequences: number;
  /** Sequences left out because they do not fit the context. */
  dropped: number;
  firstLoss: number | null;
  lastLoss: number | null;
  meanLoss: number | null;
  meanKl: number | null;
  meanClippedShare: number | null;
}

interface Sequence {
  tokenIds: number[];
  mask: number[];
  advantage: number;
  stratum?: string;
}

/**
 * Tokens per micro-batch (rows = this ÷ the length bucket), for training and scoring alike: one
 * row of the 1,024-token context. jax-js holds every intermediate of a compiled training step
 * until it has run, and the wasm heap keeps them as free lists per size that it never gives
 * back; at 6 layers one 2,048-token step already fills most of the 4 GiB.
 */
const tokensPerMicroBatch = 1024;

/** Micro-batches per supervised step (gradients accumulated): 2,048 tokens a step. */
const microBatchesPerSupervisedStep = 2;

/**
 * The embedded policy while it learns: one set of parameters that the sampling policy uses and
 * the supervised and policy-optimization phases update in place. Every phase runs its own
 * AdamW (state starts fresh) on fixed batch shapes, deterministically for its seed.
 */
export class TinyLearner {
  private constructor(
    readonly policy: TinyPolicy,
    private readonly backend: TensorBackend,
    private parameters: ModelParameters,
    private readonly buckets: number[],
  ) {}

  /**
   * Loads a checkpoint to learn from (the loaded parameters are copied, so the checkpoint's policy
   * stays as it was); its policy samples with the evaluation decoding changed by `decoding` (a
   * config file's `decoding` section).
   */
  static async load(directory: string, name = 'tiny', decoding: DecodingOverrides = {}): Promise<TinyLearner> {
    const policy = await TinyPolicy.load(directory, decoding, name);
    const backend = await tinyBackend();
    const loaded = policy.parameters;
    const parameters = await copyParameters(backend, loaded, policy);
    policy.useParameters(parameters);
    backend.dispose(loaded);
    const maximum = policy.config.maxSequence;
    const buckets = [...new Set([256, 512, maximum].filter((length) => length <= maximum))].sort((a, b) => a - b);
    return new TinyLearner(policy, backend, parameters, buckets);
  }

  /** A copy of the current parameters (the caller owns it; release with {@link TinyLearner.release}). */
  snapshot(): Promise<ModelParameters> {
    return copyParameters(this.backend, this.parameters, this.policy);
  }

  /** Makes a copy of `parameters` (e.g. a snapshot) the current parameters. */
  async restore(parameters: ModelParameters): Promise<void> {
    this.replace(await copyParameters(this.backend, parameters, this.policy));
  }

  /** Makes a saved checkpoint's weights (same model config) the current parameters. */
  async restoreCheckpoint(directory: string): Promise<void> {
    const { parameters } = await loadModel(this.backend, directory);
    this.replace(parameters);
  }

  private replace(parameters: ModelParameters): void {
    const previous = this.parameters;
    this.parameters = parameters;
    this.policy.useParameters(parameters);
    this.backend.dispose(previous);
  }

  /** Frees the current parameters and the policy's programs; the learner cannot be used afterwards. */
  dispose(): void {
    this.policy.release();
    this.backend.dispose(this.parameters);
    this.parameters = {};
  }

  /** Frees parameters obtained from {@link TinyLearner.snapshot}. */
  release(parameters: ModelParameters): void {
    this.backend.dispose(parameters);
  }

  /** Writes the current parameters as a checkpoint (config, weights, tokenizer). */
  async save(directory: string): Promise<void> {
    await saveModel(this.backend, directory, this.policy.config, this.parameters, tokenizerToJsonText(this.policy.tokenizer));
    await writeArgumentKinds(directory, this.policy.argumentKinds);
  }

  /** Renders conversations to training sequences (assistant tokens scored); too long ones are dropped. */
  sequences(conversations: readonly (LearningConversation & { advantage?: number })[]): { sequences: Sequence[]; dropped: number } {
    const limit = this.buckets[this.buckets.length - 1]! + 1;
    const sequences: Sequence[] = [];
    let dropped = 0;
    for (const conversation of conversations) {
      const rendered = renderConversation(conversation.messages, conversation.tools, conversation.entities, { tokenizer: this.policy.tokenizer });
      if (rendered.tokenIds.length > limit || !rendered.assistantMask.includes(1)) {
        dropped += 1;
        continue;
      }
      sequences.push({ tokenIds: rendered.tokenIds, mask: rendered.assistantMask, advantage: conversation.advantage ?? 0, ...(conversation.stratum !== undefined ? { stratum: conversation.stratum } : {}) });
    }
    return { sequences, dropped };
  }

  /** Stage 1: supervised fine-tuning on conversations (loss on assistant tokens only). */
  async supervised(conversations: readonly LearningConversation[], options: SupervisedOptions, onStep?: (step: number, steps: number, loss: number) => void): Promise<PhaseReport> {
    const { sequences, dropped } = this.sequences(conversations);
    if (sequences.length === 0 || options.steps === 0) return emptyReport(sequences.length, dropped);
    const random = new Random(options.seed).fork('supervised');
    const draw = stratifiedDraw(sequences, options.strataShares, random);
    const trainer = this.trainer(options.steps, options.peakLearningRate);
    const losses: number[] = [];
    try {
      for (let step = 0; step < options.steps; step++) {
        const batch = Array.from({ length: microBatchesPerSupervisedStep }, () => this.microBatch(draw(), random));
        const report = await trainer.train(batch);
        losses.push(report.loss);
        onStep?.(step + 1, options.steps, report.loss);
      }
    } finally {
      this.takeParameters(trainer);
    }
    return { steps: options.steps, sequences: sequences.length, dropped, firstLoss: losses[0] ?? null, lastLoss: losses.at(-1) ?? null, meanLoss: mean(losses), meanKl: null, meanClippedShare: null };
  }

  /**
   * Stage 2: policy optimization on sampled trajectories with their advantages: the token-level
   * clipped ratio objective minus β·KL to `reference` (π_SFT), on assistant tokens. π_old is the
   * policy as it was when the phase began (the one that sampled the groups).
   */
  async policyOptimization(
    conversations: readonly AdvantageConversation[],
    reference: ModelParameters,
    options: PolicyOptimizationOptions,
    onStep?: (step: number, steps: number, loss: number) => void,
  ): Promise<PhaseReport> {
    const { sequences: all, dropped } = this.sequences(conversations);
    const sequences = all.filter((sequence) => sequence.advantage !== 0);
    if (sequences.length === 0 || options.steps === 0) return emptyReport(sequences.length, dropped);
    const oldLogProbabilities = await this.scoreWith(this.parameters, sequences);
    const referenceLogProbabilities = await this.scoreWith(reference, sequences);
    const random = new Random(options.seed).fork('policy-optimization');
    const batches = epochBatches(sequences.length, options.steps, options.epochs ?? 1, random);
    const objective = clippedPolicyObjective({ clipEpsilon: options.clipEpsilon, klCoefficient: options.klCoefficient }) as unknown as Objective<Record<string, Tensor>>;
    const steps = batches.length;
    const trainer = this.trainer(steps, options.peakLearningRate, objective);
    const losses: number[] = [];
    const kls: number[] = [];
    const clipped: number[] = [];
    try {
      for (let step = 0; step < steps; step++) {
        const indices = batches[step]!;
        const microBatches = this.groupByBucket(indices.map((index) => ({ sequence: sequences[index]!, old: oldLogProbabilities[index]!, reference: referenceLogProbabilities[index]! })));
        const report = await trainer.train(microBatches);
        losses.push(report.loss);
        if (report.metrics['kl'] !== undefined) kls.push(report.metrics['kl']);
        if (report.metrics['clipped'] !== undefined) clipped.push(report.metrics['clipped']);
        onStep?.(step + 1, steps, report.loss);
      }
    } finally {
      this.takeParameters(trainer);
    }
    return { steps, sequences: sequences.length, dropped, firstLoss: losses[0] ?? null, lastLoss: losses.at(-1) ?? null, meanLoss: mean(losses), meanKl: mean(kls), meanClippedShare: mean(clipped) };
  }

  private trainer(steps: number, peak: number, objective?: Objective<Record<string, Tensor>>): Trainer {
    // The trainer takes ownership of what it is given: hand it a copy-free reference and take the
    // updated parameters back at the end (the sampling policy points at them meanwhile).
    return new Trainer(this.backend, this.policy.config, this.parameters, {
      schedule: { peak, warmupSteps: Math.min(10, Math.floor(steps / 10)), totalSteps: steps },
      optimizer: { weightDecay: 0 },
      maximumGradientNorm: 1,
      lengthBuckets: this.buckets,
      ...(objective ? { objective } : {}),
    });
  }

  private takeParameters(trainer: Trainer): void {
    this.parameters = trainer.release();
    this.policy.useParameters(this.parameters);
  }

  /** One supervised micro-batch: a random bucket (weighted by tokens), rows drawn from it. */
  private microBatch(sequences: readonly Sequence[], random: Random): { ids: number[][]; targets: number[][]; mask: number[][] } {
    const byBucket = new Map<number, Sequence[]>();
    for (const sequence of sequences) {
      const bucket = this.buckets.find((length) => length >= sequence.tokenIds.length - 1)!;
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), sequence]);
    }
    const groups = [...byBucket.entries()];
    const weights = groups.map(([length, group]) => length * group.length);
    let draw = random.next() * weights.reduce((total, weight) => total + weight, 0);
    let index = 0;
    while (index < groups.length - 1 && draw >= weights[index]!) draw -= weights[index++]!;
    const [length, group] = groups[index]!;
    const rows = Math.max(1, Math.floor(tokensPerMicroBatch / length));
    const picked = Array.from({ length: rows }, () => random.pick(group));
    return {
      ids: picked.map((sequence) => sequence.tokenIds.slice(0, -1)),
      targets: picked.map((sequence) => sequence.tokenIds.slice(1)),
      mask: picked.map((sequence) => sequence.mask.slice(1)),
    };
  }

  /** Micro-batches of one optimizer step, one or more per bucket, rows padded with empty (unscored) rows. */
  private groupByBucket(items: readonly { sequence: Sequence; old: number[]; reference: number[] }[]) {
    const byBucket = new Map<number, typeof items[number][]>();
    for (const item of items) {
      const bucket = this.buckets.find((length) => length >= item.sequence.tokenIds.length - 1)!;
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), item]);
    }
    const batches = [];
    for (const [length, group] of byBucket) {
      const rows = Math.max(1, Math.floor(tokensPerMicroBatch / length));
      for (let start = 0; start < group.length; start += rows) {
        const chunk = group.slice(start, start + rows);
        const padded = [...chunk];
        while (padded.length < rows) padded.push({ sequence: { tokenIds: [0, 0], mask: [0, 0], advantage: 0 }, old: [0], reference: [0] });
        batches.push({
          ids: padded.map((item) => item.sequence.tokenIds.slice(0, -1)),
          targets: padded.map((item) => item.sequence.tokenIds.slice(1)),
          mask: padded.map((item) => item.sequence.mask.slice(1)),
          extra: {
            advantages: padded.map((item) => item.old.map(() => item.sequence.advantage)),
            oldLogProbabilities: padded.map((item) => item.old),
            referenceLogProbabilities: padded.map((item) => item.reference),
          },
        });
      }
    }
    return batches;
  }

  /** Log-probs of every sequence under `parameters`, scored in fixed-size row blocks. */
  private async scoreWith(parameters: ModelParameters, sequences: readonly Sequence[]): Promise<number[][]> {
    const current = this.parameters;
    this.policy.useParameters(parameters);
    const scores: number[][] = [];
    try {
      for (const bucket of this.buckets) {
        // As many tokens per block as a training micro-batch: long buckets take few rows, so the
        // wasm heap (which never returns memory) holds blocks of one size.
        const rows = Math.max(1, Math.floor(tokensPerMicroBatch / bucket));
        const members = sequences.map((sequence, index) => ({ sequence, index })).filter(({ sequence }) => this.buckets.find((length) => length >= sequence.tokenIds.length - 1) === bucket);
        for (let start = 0; start < members.length; start += rows) {
          const chunk = members.slice(start, start + rows);
          const batch = chunk.map(({ sequence }) => sequence.tokenIds);
          // Pad to a fixed row count, and make the block as long as its bucket, so shapes repeat.
          while (batch.length < rows) batch.push(chunk[0]!.sequence.tokenIds);
          const result = await this.policy.score(batch);
          chunk.forEach(({ index }, position) => {
            scores[index] = result[position]!;
          });
        }
      }
    } finally {
      this.policy.useParameters(current);
    }
    return scores;
  }
}

async function copyParameters(backend: TensorBackend, parameters: ModelParameters, policy: TinyPolicy): Promise<ModelParameters> {
  return parametersFromValues(backend, policy.config, await readParameterValues(backend, parameters));
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((total, value) => total + value, 0) / values.length;
}

function emptyReport(sequences: number, dropped: number): PhaseReport {
  return { steps: 0, sequences, dropped, firstLoss: null, lastLoss: null, meanLoss: null, meanKl: null, meanClippedShare: null };
}
