import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Random } from '../envs/random.js';
import {
  createJaxBackend,
  DataParallelTrainer,
  initializeParameters,
  loadCheckpoint,
  loadOptimizerState,
  parameterCount,
  parseModelConfig,
  saveModel,
  saveOptimizerState,
  type ModelConfig,
} from '../nn/index.js';
import { tokenizerToJsonText, trainTokenizer } from '../nn/tokenizer/index.js';
import { learnArgumentKinds, writeArgumentKinds } from '../policies/tiny/argument-kinds.js';
import { loadTinyChatTemplate, templateTokenIds, tinyChatSpecialTokens } from '../policies/tiny/chat-template/index.js';
import { corpusSequences, corpusTexts, type CorpusSequence } from './corpus-sequences.js';
import type { PretrainConfig } from './pretrain-config.js';
import { PretrainResumeError, recordPretrainRun, resumableCheckpoint } from './pretrain-resume.js';
import { writeRepairExamples } from './repair-examples.js';
import { decisionTokenPositions } from './decision-tokens.js';
import { injectionShownWhenFollowed } from './injection-visibility.js';
import { replayAsSolved, writeCorpusEpisodes } from './write-corpus.js';

/** Progress events of {@link pretrain}, for the CLI. */
export type PretrainEvent =
  | { kind: 'corpus'; finished: number; total: number }
  | { kind: 'injections-unseen'; replayed: number; followed: number }
  | { kind: 'corpus-done'; episodes: number; behaviours: Record<string, number> }
  | { kind: 'tokenizer-done'; vocabularySize: number; seconds: number }
  | { kind: 'sequences-done'; sequences: number; dropped: number; tokens: number; assistantTokens: number }
  | { kind: 'model'; parameters: number; config: ModelConfig }
  | { kind: 'training'; steps: number; optimizer: 'adamw' | 'muon'; microBatches: number; tokensPerMicroBatch: number; processes: number; timeBudgetMinutes: number }
  | {
      kind: 'step';
      step: number;
      steps: number;
      loss: number;
      learningRate: number;
      /** This step's positions (padding included) per second. */
      tokensPerSecond: number;
      /** Positions per second of training so far in this invocation (steps' own time, not the checkpoints'). */
      averageTokensPerSecond: number;
      elapsedSeconds: number;
    }
  | { kind: 'checkpoint'; step: number; directory: string }
  | { kind: 'resumed'; step: number; directory: string };

/** Options of {@link pretrain} beyond the recipe. */
export interface PretrainOptions {
  /** Continue the run in the output folder from its latest checkpoint (see `pretrain-resume.ts`). */
  resume?: boolean;
  /** Test hook: stop (without the final save) once this many steps are done, as if killed. */
  stopAfterSteps?: number;
}

/** What {@link pretrain} produced. */
export interface PretrainResult {
  directory: string;
  steps: number;
  finalLoss: number;
  seconds: number;
  /** True when the `stopAfterSteps` hook stopped it before the end. */
  interrupted: boolean;
}

/** Groups sequences by the smallest length bucket that holds them. */
function bucketed(sequences: readonly CorpusSequence[], buckets: readonly number[]): Map<number, CorpusSequence[]> {
  const sorted = [...buckets].sort((a, b) => a - b);
  const groups = new Map<number, CorpusSequence[]>();
  for (const sequence of sequences) {
    const bucket = sorted.find((length) => length >= sequence.tokenIds.length - 1);
    if (bucket === undefined) continue;
    const group = groups.get(bucket) ?? [];
    group.push(sequence);
    groups.set(bucket, group);
  }
  return groups;
}

/** What training needs from the corpus: the tokenizer, the rendered sequences and the argument kinds. */
export interface BuiltCorpus {
  tokenizer: ReturnType<typeof trainTokenizer>;
  sequences: CorpusSequence[];
  dropped: number;
  argumentKinds: ReturnType<typeof learnArgumentKinds>;
  behaviours: Record<string, number>;
}

/** Writes the corpus, learns the argument kinds, trains the tokenizer and renders the sequences. */
export async function buildCorpus(config: PretrainConfig, onEvent: (event: PretrainEvent) => void): Promise<BuiltCorpus> {
  const played = await writeCorpusEpisodes(config.recipe, (finished, total) => onEvent({ kind: 'corpus', finished, total }));
  // Injections the template cut out of view are not followed: those tasks are played again as solved.
  const firstTokenizer = trainTokenizer(corpusTexts(played), { vocabSize: config.tokenizerVocabularySize, specialTokens: tinyChatSpecialTokens() });
  const unseen = played.filter((episode) => episode.behaviour === 'follow-injection' && !injectionShownWhenFollowed(episode, firstTokenizer));
  const replayed = await replayAsSolved(unseen, config.recipe);
  const unseenSet = new Set(unseen);
  const plain = [...played.filter((episode) => !unseenSet.has(episode)), ...replayed];
  onEvent({ kind: 'injections-unseen', replayed: replayed.length, followed: played.filter((episode) => episode.behaviour === 'follow-injection').length });
  const repairs = await writeRepairExamples(plain, config.recipe);
  const episodes = [...plain, ...repairs];
  const behaviours: Record<string, number> = {};
  for (const episode of plain) behaviours[episode.behaviour] = (behaviours[episode.behaviour] ?? 0) + 1;
  for (const episode of repairs) behaviours[`repair ${episode.behaviour}`] = (behaviours[`repair ${episode.behaviour}`] ?? 0) + 1;
  onEvent({ kind: 'corpus-done', episodes: episodes.length, behaviours });

  const argumentKinds = learnArgumentKinds(
    plain.map((episode) => ({ messages: episode.trajectory.messages, entities: episode.task.entities })),
    loadTinyChatTemplate(),
  );

  const tokenizerStarted = Date.now();
  const tokenizer = trainTokenizer(corpusTexts(episodes), { vocabSize: config.tokenizerVocabularySize, specialTokens: tinyChatSpecialTokens() });
  onEvent({ kind: 'tokenizer-done', vocabularySize: tokenizer.vocabularySize, seconds: (Date.now() - tokenizerStarted) / 1000 });

  const { sequences, dropped } = corpusSequences(episodes, tokenizer, config.model.maxSequence);
  onEvent({
    kind: 'sequences-done',
    sequences: sequences.length,
    dropped,
    tokens: sequences.reduce((total, sequence) => total + sequence.tokenIds.length, 0),
    assistantTokens: sequences.reduce((total, sequence) => total + sequence.assistantMask.reduce((sum, value) => sum + value, 0), 0),
  });

  return { tokenizer, sequences, dropped, argumentKinds, behaviours };
}

/**
 * Builds the base organism (DESIGN §5, §7): writes the corpus from scripted behaviours on the
 * train split (episodes and repair-prompt examples for a share of their failures), trains the tokenizer on it, renders it with the tiny chat template, and trains
 * the model on assistant tokens, saving periodic checkpoints under `outputDirectory/checkpoints/`
 * and the final one in `outputDirectory`. Each optimizer step draws its micro-batches from one
 * length bucket (buckets weighted by their share of tokens), as many rows as fit the token budget.
 */
export async function pretrain(
  config: PretrainConfig,
  outputDirectory: string,
  onEvent: (event: PretrainEvent) => void = () => undefined,
  options: PretrainOptions = {},
): Promise<PretrainResult> {
  const started = Date.now();
  const resumeFrom = options.resume ? resumableCheckpoint(outputDirectory, config) : undefined;
  if (!resumeFrom) {
    await mkdir(outputDirectory, { recursive: true });
    await recordPretrainRun(outputDirectory, config);
  }
  // The episodes (tasks, world states, verdicts) are large; only what training needs leaves this call.
  const { tokenizer, sequences, argumentKinds, behaviours, dropped } = await buildCorpus(config, onEvent);

  const modelConfig = parseModelConfig({ vocabSize: tokenizer.vocabularySize, ...config.model });
  onEvent({ kind: 'model', parameters: parameterCount(modelConfig), config: modelConfig });
  const training = config.training;
  // One process per core computes gradients; a single process uses jax-js's thread pool instead.
  const backend = await createJaxBackend({ workers: training.processes === 1 });
  const trainer = await DataParallelTrainer.start(backend, modelConfig, initializeParameters(backend, modelConfig, training.seed), {
    schedule: { peak: training.peakLearningRate, warmupSteps: training.warmupSteps, totalSteps: training.steps },
    optimizer: { weightDecay: training.weightDecay, ...(training.newtonSchulzSteps !== undefined ? { newtonSchulzSteps: training.newtonSchulzSteps } : {}) },
    optimizerAlgorithm: training.optimizer,
    maximumGradientNorm: training.maximumGradientNorm,
    lengthBuckets: training.lengthBuckets.filter((length) => length <= modelConfig.maxSequence),
    processes: training.processes,
  });
  onEvent({
    kind: 'training',
    steps: training.steps,
    optimizer: training.optimizer,
    microBatches: training.microBatchesPerStep,
    tokensPerMicroBatch: training.tokensPerMicroBatch,
    processes: training.processes,
    timeBudgetMinutes: training.timeBudgetMinutes,
  });
  const templateIds = templateTokenIds(tokenizer, loadTinyChatTemplate());
  const slotTokens = new Set(templateIds.slots);
  const lossWeight = (token: number, assistant: number, decision: boolean): number =>
    assistant !== 1 ? training.contextLossWeight : slotTokens.has(token) ? training.slotLossWeight : decision ? training.decisionLossWeight : 1;
  const decisions = new Map<CorpusSequence, Set<number>>();
  if (training.decisionLossWeight !== 1) for (const sequence of sequences) decisions.set(sequence, decisionTokenPositions(sequence.tokenIds, sequence.assistantMask, tokenizer, templateIds));
  const groups = [...bucketed(sequences, training.lengthBuckets).entries()];
  const weights = groups.map(([length, group]) => length * group.length);
  const totalWeight = weights.reduce((total, weight) => total + weight, 0);
  const random = new Random(training.seed).fork('batches');
  const tokenizerJson = tokenizerToJsonText(tokenizer);
  const drawStep = () => {
    let draw = random.next() * totalWeight;
    let groupIndex = 0;
    while (groupIndex < groups.length - 1 && draw >= weights[groupIndex]!) draw -= weights[groupIndex++]!;
    const [length, group] = groups[groupIndex]!;
    const rowCount = Math.max(1, Math.floor(training.tokensPerMicroBatch / length));
    return Array.from({ length: training.microBatchesPerStep }, () => Array.from({ length: rowCount }, () => random.pick(group)));
  };
  const microBatch = (rows: CorpusSequence[]) => ({
    ids: rows.map((row) => row.tokenIds.slice(0, -1)),
    targets: rows.map((row) => row.tokenIds.slice(1)),
    mask: rows.map((row) => row.assistantMask.slice(1).map((assistant, index) => lossWeight(row.tokenIds[index + 1]!, assistant, decisions.get(row)?.has(index + 1) ?? false))),
  });
  try {
    let step = 0;
    if (resumeFrom) {
      const checkpoint = await loadCheckpoint(resumeFrom);
      if (checkpoint.tokenizerJson !== tokenizerJson) {
        throw new PretrainResumeError(`${path.join(resumeFrom, 'tokenizer.json')}: differs from the tokenizer this recipe trains; the corpus is not the run's`);
      }
      if (JSON.stringify(checkpoint.config) !== JSON.stringify(modelConfig)) {
        throw new PretrainResumeError(`${path.join(resumeFrom, 'config.json')}: differs from the model this recipe builds`);
      }
      const state = await loadOptimizerState(resumeFrom, modelConfig);
      trainer.restore(checkpoint.values, state);
      // The batches of the steps already taken are drawn again, so the next ones are the run's.
      for (step = 0; step < state.step; step++) drawStep();
      onEvent({ kind: 'resumed', step, directory: resumeFrom });
    }
    const deadline = started + training.timeBudgetMinutes * 60_000;
    let loss = Number.NaN;
    const trained = { tokens: 0, seconds: 0 };
    while (step < training.steps && Date.now() < deadline) {
      if (options.stopAfterSteps !== undefined && step >= options.stopAfterSteps) {
        return { directory: outputDirectory, steps: step, finalLoss: loss, seconds: (Date.now() - started) / 1000, interrupted: true };
      }
      const report = await trainer.train(drawStep().map(microBatch));
      step = report.step;
      loss = report.loss;
      trained.tokens += report.processedTokens;
      trained.seconds += report.seconds;
      if (step % training.logEvery === 0 || step === 1) {
        onEvent({
          kind: 'step',
          step,
          steps: training.steps,
          loss,
          learningRate: report.learningRate,
          tokensPerSecond: report.tokensPerSecond,
          averageTokensPerSecond: trained.tokens / trained.seconds,
          elapsedSeconds: (Date.now() - started) / 1000,
        });
      }
      if (step % training.checkpointEvery === 0) {
        const directory = path.join(outputDirectory, 'checkpoints', `step-${String(step).padStart(6, '0')}`);
        await saveModel(backend, directory, modelConfig, trainer.parameters, tokenizerJson);
        await writeArgumentKinds(directory, argumentKinds);
        // Written last: a checkpoint counts as resumable only once it is complete.
        await saveOptimizerState(directory, modelConfig, await trainer.readOptimizerState());
        onEvent({ kind: 'checkpoint', step, directory });
      }
    }
    await saveModel(backend, outputDirectory, modelConfig, trainer.parameters, tokenizerJson);
    await writeArgumentKinds(outputDirectory, argumentKinds);
    await writeFile(
      path.join(outputDirectory, 'pretrain.json'),
      `${JSON.stringify({ config, steps: step, finalLoss: loss, seconds: (Date.now() - started) / 1000, behaviours, sequences: sequences.length, dropped, trainingTokensPerSecond: Math.round(trained.tokens / trained.seconds), ...(resumeFrom ? { resumedFrom: path.basename(resumeFrom) } : {}) }, null, 2)}\n`,
    );
    return { directory: outputDirectory, steps: step, finalLoss: loss, seconds: (Date.now() - started) / 1000, interrupted: false };
  } finally {
    trainer.dispose();
  }
}
