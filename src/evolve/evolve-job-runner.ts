import path from 'node:path';
import { z } from 'zod';
import { runEpisodes, type Episode } from '../agent/loop.js';
import { readDataFile } from '../envs/data-file.js';
import { Random } from '../envs/random.js';
import { suiteMetrics, type SuiteMetrics } from '../eval/metrics.js';
import { mineFailures } from '../fate/failure-mining.js';
import { defaultObjectiveThresholds } from '../fate/objective-thresholds.js';
import { repairFailures } from '../fate/repair-round.js';
import { replayBufferEntries, type ReplayBufferEntry } from '../fate/replay-buffer.js';
import { repairAttemptStatistics } from '../fate/repair-summary.js';
import { loadRepairTemplate } from '../fate/repair-template.js';
import { renderTrajectoryForRepair } from '../fate/trajectory-rendering.js';
import type { ModelParameters } from '../nn/index.js';
import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import type { ObjectiveVector } from '../pareto/dominance.js';
import { pfpoAdvantages, pfpoGroupStatistics, scalarAdvantages, type PfpoGroupResult } from '../pfpo/index.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { objectiveVector, type Verdict } from '../verifiers/score.js';
import { verify } from '../verifiers/verify.js';
import type { EvolvePreset } from './evolve-config.js';
import type { EvolveEvent } from './evolve-event.js';
import { usesPolicyOptimization, usesRepairs, usesRollouts, type EvolveJob } from './evolve-job.js';
import type { EvolveMethod, EvolveRound, FrontPoint, RepairExample } from './evolve-summary.js';
import { frontPoint } from './front-point.js';
import { passingRolloutConversations } from './passing-rollouts.js';
import { bufferConversations, diagnosisStratum } from './buffer-conversations.js';
import type { PhaseLedger } from './phase-ledger.js';
import { sampleGroups } from './group-rollouts.js';
import { policyGroupRecord, type PolicyGroup } from './policy-groups.js';
import { EvolveTaskSets } from './task-pools.js';
import { TinyLearner, type AdvantageConversation, type LearningConversation, type PhaseReport } from './tiny-learner.js';

/** What the jobs of an evolve run need to know: the same in the parent and in every worker process. */
export interface EvolveRunSettings {
  preset: EvolvePreset;
  /** Checkpoint directory of the starting policy. */
  policyDirectory: string;
  /** Name of the starting policy as given by the user (e.g. `tiny`). */
  policyName: string;
  /** Changes to the evaluation decoding the policy samples with (the config's `decoding` section the run started with; `{}`: none). */
  decoding: DecodingOverrides;
  /** Every method of the run (the shared job computes what any of them uses). */
  methods: readonly EvolveMethod[];
  /** `runs/<id>`. */
  runDirectory: string;
}

/** How an {@link EvolveJobRunner} behaves. */
export interface EvolveJobRunnerOptions {
  onEvent?: (event: EvolveEvent) => void;
  /** Test hook: stop (throw {@link EvolveInterrupted}) right after this many phases have run in this runner. */
  stopAfterPhases?: number;
  /** Test hook: fail as a full wasm heap does (see {@link isWasmHeapExhaustion}) right after this many phases. */
  heapFullAfterPhases?: number;
  /** Only read finished phases back from the ledger: a phase that has not finished is an error, and no model is loaded. */
  recordedOnly?: boolean;
  /** The run's tasks, when another runner of this process has them already. */
  tasks?: EvolveTaskSets;
}

/**
 * Whether an error is jax-js's wasm heap running out (its 32-bit heap holds at most 4 GiB and
 * never gives memory back): a fresh process continues where the job stopped.
 */
export function isWasmHeapExhaustion(message: string): boolean {
  return /4 GiB memory32 limit|WebAssembly\.Memory\(\): could not allocate|Out of memory: Cannot allocate Wasm memory/i.test(message);
}

/** Thrown by the `stopAfterPhases` test hook, to simulate a run killed between phases. */
export class EvolveInterrupted extends Error {
  override readonly name = 'EvolveInterrupted';
}

/** A dev or test evaluation. */
export interface EvaluationResult {
  metrics: SuiteMetrics;
  point: FrontPoint;
}

/** What one method's job gives the summary (the hypervolume is added with the base's dev point). */
export interface MethodOutcome {
  rounds: EvolveRound[];
  test: EvaluationResult;
  examples: RepairExample[];
}

interface StoredEpisode {
  taskId: string;
  trajectory: Trajectory;
  verdict: Verdict;
}

interface RepairPhaseResult {
  episodes: number;
  failures: number;
  repaired: { value: number; n: number; ci95: [number, number] };
  outcomes: Record<string, number>;
}

interface PolicyPhaseResult {
  report: PhaseReport;
  statistics: {
    groups: number;
    zeroVarianceShare: number;
    allInfeasibleShare: number;
    unscorableShare: number;
    meanFronts: number;
    singleFrontShare: number;
    infeasiblePositiveShare: number;
  };
}

const refusalSchema = z.object({ description: z.string().optional(), message: z.string().min(1) });

/** Round 1's rollouts on the train pools, from the base, shared by every method that rolls out. */
const sharedRolloutsKey = 'shared/round-1/rollouts';
/** Round 1's repairs of the shared rollouts, shared by every method that repairs. */
const sharedRepairsKey = 'shared/round-1/repairs';
/**
 * Round 1's supervised warmup on the shared repairs (and passing rollouts), from the base: the
 * same examples, steps and seed for every method that repairs, so it is trained once.
 */
const sharedSupervisedKey = 'shared/round-1/supervised';

/**
 * Runs the phases of evolve jobs against a run's ledger: a phase recorded there (by this process
 * or another) is read back, any other runs on the embedded policy (loaded on the first phase that
 * needs it) and is recorded as it finishes, with a checkpoint after training phases. Every phase
 * is deterministic for the preset's seed and starts from the base or from the checkpoint of the
 * method's previous training phase, so a job gives the same results in any process and after any
 * interruption.
 */
export class EvolveJobRunner {
  private learner: TinyLearner | null = null;
  private base: ModelParameters | null = null;
  /** Where the method's policy stands: the base or a checkpoint to load before the next phase that needs it. */
  private pending: 'base' | string | null = 'base';
  private phasesRun = 0;
  /** The run's tasks (each split selected on first use). */
  readonly tasks: EvolveTaskSets;
  private readonly refusal: string;
  private readonly thresholds = defaultObjectiveThresholds;

  constructor(
    private readonly ledger: PhaseLedger,
    private readonly settings: EvolveRunSettings,
    private readonly options: EvolveJobRunnerOptions = {},
  ) {
    this.tasks = options.tasks ?? new EvolveTaskSets(settings.preset);
    this.refusal = readDataFile('evolve/refusal.json', refusalSchema).message;
  }

  /** Runs (or reads back) every phase of `job`. */
  async run(job: EvolveJob): Promise<void> {
    this.tasks.select(job === 'base' ? ['dev', 'test'] : job === 'shared' ? ['train'] : ['train', 'dev', 'test']);
    if (job === 'base') await this.baseEvaluations();
    else if (job === 'shared') await this.sharedPhases();
    else await this.method(job);
  }

  /** Frees the model, if one was loaded (a later phase loads it again). */
  dispose(): void {
    if (this.learner && this.base) this.learner.release(this.base);
    this.learner?.dispose();
    this.learner = null;
    this.base = null;
    this.pending = 'base';
  }

  /** Job `base`: the starting policy on dev and on test (one batch of episodes for both). */
  async baseEvaluations(): Promise<{ dev: EvaluationResult; test: EvaluationResult }> {
    this.pending = 'base';
    const [dev, test] = await this.evaluationPhases([
      { key: 'base/dev', label: 'base · dev evaluation', tasks: this.tasks.devTasks },
      { key: 'base/test', label: 'base · test evaluation', tasks: this.tasks.testTasks },
    ], 'base · dev + test evaluation');
    return { dev: dev!, test: test! };
  }

  /**
   * Job `shared`: round 1's rollouts from the base, and, when a method repairs, their repairs and
   * the warmup on them (the same for every such method).
   */
  async sharedPhases(): Promise<void> {
    this.pending = 'base';
    await this.rolloutsPhase(sharedRolloutsKey, 'shared · round 1 · rollouts', 1);
    if (this.settings.methods.some(usesRepairs)) {
      const episodes = this.ledger.readData<StoredEpisode[]>(sharedRolloutsKey);
      await this.repairsPhase(sharedRepairsKey, 'shared · round 1 · repairs', episodes, 1);
      const buffer = new Map<string, ReplayBufferEntry>();
      const successes = new Map<string, LearningConversation>();
      this.addRound(buffer, successes, this.ledger.readData<ReplayBufferEntry[]>(sharedRepairsKey), episodes);
      await this.warmupPhase(sharedSupervisedKey, 'shared · round 1 · supervised warmup', this.warmupConversations(buffer, successes), 1, true);
    }
  }

  /** A method's job: its rounds from the base (round 1 takes the shared rollouts and repairs) and its test evaluation. */
  async method(method: EvolveMethod): Promise<MethodOutcome> {
    const { preset } = this.settings;
    const thresholds = this.thresholds;
    this.pending = 'base';
    const rounds: EvolveRound[] = [];
    const examples: RepairExample[] = [];
    const buffer = new Map<string, ReplayBufferEntry>();
    const refusals = new Map<string, LearningConversation>();
    /** The rollouts that passed every objective, by task (the latest round's), when the warmup takes them. */
    const successes = new Map<string, LearningConversation>();
    let test: EvaluationResult | undefined;
    for (let round = 1; round <= preset.rounds; round++) {
      const prefix = `${method} · round ${round}`;
      /** The round's own phases (not the shared ones), whose recorded times make the round's time. */
      const ownPhases: string[] = [];
      // Rollouts on the train pools (step 1); round 1 starts from the same base for every method.
      let episodes: StoredEpisode[] = [];
      if (usesRollouts(method)) {
        const key = round === 1 ? sharedRolloutsKey : `${method}/round-${round}/rollouts`;
        if (round === 1) this.shared(key, `${prefix} · rollouts`);
        else {
          ownPhases.push(key);
          await this.rolloutsPhase(key, `${prefix} · rollouts`, round);
        }
        episodes = this.ledger.readData<StoredEpisode[]>(key);
      }

      // Repairs (steps 2–3): failures → K candidates → selection → buffer.
      let repairs: EvolveRound['repairs'] = null;
      if (usesRepairs(method)) {
        const key = round === 1 ? sharedRepairsKey : `${method}/round-${round}/repairs`;
        let repairResult: RepairPhaseResult;
        if (round === 1) repairResult = this.shared<RepairPhaseResult>(key, `${prefix} · repairs`);
        else {
          ownPhases.push(key);
          repairResult = await this.repairsPhase(key, `${prefix} · repairs`, episodes, round);
        }
        const entries = this.ledger.readData<ReplayBufferEntry[]>(key);
        this.addRound(buffer, successes, entries, episodes);
        repairs = { ...repairResult, bufferSize: buffer.size };
        if (method === 'fate') examples.push(...entries.slice(0, 3).map((entry) => repairExample(method, round, entry)));
      }
      if (method === 'refusal-sft') {
        for (const episode of episodes) {
          const security = episode.verdict.scores.security.value;
          const task = this.tasks.trainById.get(episode.taskId)!;
          if (security !== null && security < thresholds.security && !refusals.has(task.id)) {
            refusals.set(task.id, {
              messages: [
                ...(task.system ? [{ role: 'system' as const, content: task.system }] : []),
                { role: 'user', content: task.prompt },
                { role: 'assistant', content: this.refusal },
              ],
              tools: episode.trajectory.tools,
              entities: task.entities,
            });
          }
        }
      }

      // Stage 1: supervised warmup on the buffer (FATE), or toward refusals (refusal-sft).
      let supervised: EvolveRound['supervised'] = null;
      if (usesRepairs(method) || method === 'refusal-sft') {
        const conversations = usesRepairs(method) ? this.warmupConversations(buffer, successes) : [...refusals.values()];
        const label = `${prefix} · supervised warmup`;
        let report: PhaseReport;
        if (round === 1 && usesRepairs(method)) report = this.shared<PhaseReport>(sharedSupervisedKey, label);
        else {
          const key = `${method}/round-${round}/supervised`;
          ownPhases.push(key);
          report = await this.warmupPhase(key, label, conversations, round, usesRepairs(method));
        }
        supervised = { examples: conversations.length, steps: report.steps, firstLoss: report.firstLoss, lastLoss: report.lastLoss };
      }

      // Stage 2: group rollouts and the method's advantages (PFPO or a scalar baseline).
      let policyOptimization: EvolveRound['policyOptimization'] = null;
      if (usesPolicyOptimization(method)) {
        const advantage = method === 'fate' ? 'pfpo' : method === 'scalar-grpo' ? 'scalar-grpo' : 'gdpo';
        const groupSize = preset.pfpo.groupSize;
        const key = `${method}/round-${round}/policy-optimization`;
        const label = `${prefix} · ${advantage === 'pfpo' ? 'PFPO' : advantage}`;
        ownPhases.push(key);
        const outcome = await this.phase(
          key,
          label,
          async (learner) => {
            const prompts = new Random(`${preset.seed}:prompts:${round}`).sample(this.tasks.trainPool, preset.policyOptimization.prompts);
            const groups = await sampleGroups(prompts, learner.policy, {
              preset,
              round,
              onEpisodeDone: (done, total) => this.emit({ kind: 'progress', label: `${label} (groups)`, done, total }),
            });
            const conversations: AdvantageConversation[] = [];
            const pfpoResults: PfpoGroupResult[] = [];
            let zeroVariance = 0;
            let infeasible = 0;
            let infeasiblePositive = 0;
            const records: PolicyGroup[] = [];
            prompts.forEach((task, group) => {
              const members = groups[group]!;
              const verdicts = members.map((episode) => verify(task, episode.trajectory, episode.before, episode.after));
              const vectors: ObjectiveVector[] = verdicts.map(objectiveVector);
              const structure = pfpoAdvantages(vectors, preset.pfpo);
              pfpoResults.push(structure);
              const advantages = advantage === 'pfpo' ? structure.advantages : scalarAdvantages(advantage, vectors, { epsilon: preset.pfpo.advantageEpsilon });
              records.push(policyGroupRecord({ method, round, group, advantage, task, members, verdicts, structure, advantages }));
              if (advantages.every((value) => Math.abs(value) < 1e-12)) zeroVariance += 1;
              members.forEach((episode, index) => {
                if (structure.diagnostics.feasible[index] === false) {
                  infeasible += 1;
                  if ((advantages[index] ?? 0) > 0) infeasiblePositive += 1;
                }
                conversations.push({ messages: episode.trajectory.messages, tools: episode.trajectory.tools, entities: task.entities, advantage: advantages[index] ?? 0 });
              });
            });
            this.ledger.writeData(key, records);
            const reference = await learner.snapshot();
            let report: PhaseReport;
            try {
              report = await learner.policyOptimization(
                conversations,
                reference,
                {
                  steps: preset.policyOptimization.steps,
                  epochs: preset.policyOptimization.epochs,
                  peakLearningRate: preset.policyOptimization.peakLearningRate,
                  clipEpsilon: preset.pfpo.clipEpsilon,
                  klCoefficient: preset.pfpo.klCoefficient,
                  seed: preset.seed * 1000 + round,
                },
                (step, steps) => this.emit({ kind: 'progress', label, done: step, total: steps }),
              );
            } finally {
              learner.release(reference);
            }
            const statistics = pfpoGroupStatistics(pfpoResults);
            const result: PolicyPhaseResult = {
              report,
              statistics: {
                groups: prompts.length,
                zeroVarianceShare: prompts.length === 0 ? 0 : zeroVariance / prompts.length,
                allInfeasibleShare: statistics.allInfeasibleGroupShare,
                unscorableShare: statistics.unscorableRowShare,
                meanFronts: statistics.meanFrontCount,
                singleFrontShare: statistics.singleFrontGroupShare,
                infeasiblePositiveShare: infeasible === 0 ? 0 : infeasiblePositive / infeasible,
              },
            };
            return { result, detail: `${prompts.length} groups × ${groupSize}, ${(result.statistics.zeroVarianceShare * 100).toFixed(0)}% zero-variance, ${report.steps} steps` };
          },
          true,
        );
        policyOptimization = {
          advantage,
          groups: outcome.statistics.groups,
          groupSize,
          steps: outcome.report.steps,
          meanLoss: outcome.report.meanLoss,
          meanKl: outcome.report.meanKl,
          meanClippedShare: outcome.report.meanClippedShare,
          zeroVarianceShare: outcome.statistics.zeroVarianceShare,
          allInfeasibleShare: outcome.statistics.allInfeasibleShare,
          unscorableShare: outcome.statistics.unscorableShare,
          meanFronts: outcome.statistics.meanFronts,
          singleFrontShare: outcome.statistics.singleFrontShare,
          infeasiblePositiveShare: outcome.statistics.infeasiblePositiveShare,
        };
      }

      // Dev evaluation; after the last round the test evaluation runs in the same batch of episodes.
      const devKey = `${method}/round-${round}/dev`;
      ownPhases.push(devKey);
      const evaluations = [{ key: devKey, label: `${prefix} · dev evaluation`, tasks: this.tasks.devTasks }];
      if (round === preset.rounds) evaluations.push({ key: `${method}/test`, label: `${method} · test evaluation`, tasks: this.tasks.testTasks });
      const [dev, last] = await this.evaluationPhases(evaluations, `${prefix} · dev + test evaluation`);
      if (last) test = last;
      const seconds = ownPhases.reduce((total, key) => total + this.ledger.get(key).seconds, 0);
      rounds.push({ round, repairs, supervised, policyOptimization, dev: dev!.metrics, devPoint: dev!.point, seconds });
    }
    if (!test) [test] = await this.evaluationPhases([{ key: `${method}/test`, label: `${method} · test evaluation`, tasks: this.tasks.testTasks }]);
    return { rounds, test: test!, examples };
  }

  /** Adds a round's accepted repairs to the buffer and, when the warmup takes them, its passing rollouts to the successes. */
  private addRound(buffer: Map<string, ReplayBufferEntry>, successes: Map<string, LearningConversation>, entries: readonly ReplayBufferEntry[], episodes: readonly StoredEpisode[]): void {
    for (const entry of entries) buffer.set(`${entry.taskId}#${entry.taskSeed}#${entry.contentKey}`, entry);
    if (this.settings.preset.supervised.successes) {
      for (const [taskId, conversation] of passingRolloutConversations(episodes, this.tasks.trainById, this.thresholds)) successes.set(taskId, conversation);
    }
  }

  /** What the warmup of a repairing method trains on: the buffer's examples, then the passing rollouts. */
  private warmupConversations(buffer: ReadonlyMap<string, ReplayBufferEntry>, successes: ReadonlyMap<string, LearningConversation>): LearningConversation[] {
    return [...bufferConversations([...buffer.values()], this.settings.preset.repair, this.tasks.trainById), ...successes.values()];
  }

  /** Stage 1 as a phase: supervised steps on `conversations` (with the diagnosis quota when `repairs`), then a checkpoint. */
  private warmupPhase(key: string, label: string, conversations: readonly LearningConversation[], round: number, repairs: boolean): Promise<PhaseReport> {
    const { preset } = this.settings;
    return this.phase(
      key,
      label,
      async (learner) => {
        const result = await learner.supervised(
          conversations,
          {
            steps: conversations.length === 0 ? 0 : preset.supervised.steps,
            peakLearningRate: preset.supervised.peakLearningRate,
            seed: preset.seed * 1000 + round,
            ...(repairs && preset.repair.diagnosisShare !== null ? { strataShares: { [diagnosisStratum]: preset.repair.diagnosisShare } } : {}),
          },
          (step, steps) => this.emit({ kind: 'progress', label, done: step, total: steps }),
        );
        return { result, detail: `${conversations.length} examples, ${result.steps} steps, loss ${formatLoss(result.firstLoss)} → ${formatLoss(result.lastLoss)}` };
      },
      true,
    );
  }

  private emit(event: EvolveEvent): void {
    this.options.onEvent?.(event);
  }

  /**
   * A shared round-1 phase that a method's round 1 takes as it is (it must have finished); after
   * a shared training phase the method continues from its checkpoint.
   */
  private shared<T>(key: string, label: string): T {
    const recorded = this.ledger.get<T>(key);
    if (recorded.checkpoint) this.pending = recorded.checkpoint;
    this.emit({ kind: 'phase-shared', label, from: 'the base' });
    return recorded.result;
  }

  /** The learner with the parameters the next phase starts from (loaded on first use). */
  private async policyForPhase(): Promise<TinyLearner> {
    if (this.learner === null) {
      this.learner = await TinyLearner.load(this.settings.policyDirectory, this.settings.policyName, this.settings.decoding);
      this.base = await this.learner.snapshot();
      if (this.pending === 'base') this.pending = null;
    }
    if (this.pending === 'base') await this.learner.restore(this.base!);
    else if (this.pending !== null) await this.learner.restoreCheckpoint(this.pending);
    this.pending = null;
    return this.learner;
  }

  /** Reads a finished phase back, or runs and records it (saving a checkpoint after it when asked). */
  private async phase<T>(key: string, label: string, body: (learner: TinyLearner) => Promise<{ result: T; detail: string }>, checkpoint = false): Promise<T> {
    if (this.ledger.has(key)) {
      this.emit({ kind: 'phase-resumed', label });
      const recorded = this.ledger.get<T>(key);
      if (recorded.checkpoint) this.pending = recorded.checkpoint;
      return recorded.result;
    }
    if (this.options.recordedOnly) throw new Error(`phase ${key} has not finished`);
    const learner = await this.policyForPhase();
    this.emit({ kind: 'phase-start', label });
    const phaseStarted = Date.now();
    const { result, detail } = await body(learner);
    let checkpointDirectory: string | null = null;
    if (checkpoint) {
      checkpointDirectory = path.join(this.settings.runDirectory, 'checkpoints', key.replaceAll('/', '__'));
      await learner.save(checkpointDirectory);
    }
    const seconds = (Date.now() - phaseStarted) / 1000;
    this.ledger.record(key, result, checkpointDirectory, seconds);
    this.emit({ kind: 'phase-done', label, seconds, detail });
    this.phasesRun += 1;
    this.afterPhases();
    return result;
  }

  /** The test hooks, checked once phases have been recorded. */
  private afterPhases(): void {
    if (this.options.stopAfterPhases !== undefined && this.phasesRun >= this.options.stopAfterPhases) throw new EvolveInterrupted(`stopped after ${this.phasesRun} phases`);
    if (this.options.heapFullAfterPhases !== undefined && this.phasesRun >= this.options.heapFullAfterPhases) throw new RangeError('Allocation exceeds the 4 GiB memory32 limit (simulated by a test hook)');
  }

  /**
   * Evaluations of the current policy, each its own phase (read back when recorded). Those not yet
   * recorded run as one batch of episodes — a dev and a test evaluation of the same policy cost
   * little more than the longer one, since the agent loop advances every episode of a batch
   * together — and each records its share of the time, by task count. Each episode samples from
   * its own seeded stream, so batching them together changes no result.
   */
  private async evaluationPhases(evaluations: readonly { key: string; label: string; tasks: readonly Task[] }[], batchLabel?: string): Promise<EvaluationResult[]> {
    const missing = evaluations.filter((evaluation) => !this.ledger.has(evaluation.key));
    if (missing.length > 0) {
      if (this.options.recordedOnly) throw new Error(`phase ${missing[0]!.key} has not finished`);
      const learner = await this.policyForPhase();
      const label = missing.length > 1 && batchLabel !== undefined ? batchLabel : missing.map((evaluation) => evaluation.label).join(' + ');
      const tasks = missing.flatMap((evaluation) => evaluation.tasks);
      for (const evaluation of missing) this.emit({ kind: 'phase-start', label: evaluation.label });
      const started = Date.now();
      const episodes = await runEpisodes(tasks, learner.policy, { batchSize: 64, onEpisodeDone: (done) => this.emit({ kind: 'progress', label, done, total: tasks.length }) });
      const seconds = (Date.now() - started) / 1000;
      let offset = 0;
      for (const evaluation of missing) {
        const { result, detail } = evaluationResult(episodes.slice(offset, offset + evaluation.tasks.length));
        offset += evaluation.tasks.length;
        const share = tasks.length === 0 ? 0 : (seconds * evaluation.tasks.length) / tasks.length;
        this.ledger.record(evaluation.key, result, null, share);
        this.emit({ kind: 'phase-done', label: evaluation.label, seconds: share, detail: missing.length > 1 ? `${detail} (one batch: ${label}, ${seconds.toFixed(1)} s)` : detail });
        this.phasesRun += 1;
      }
      this.afterPhases();
    }
    return evaluations.map((evaluation) => {
      if (!missing.includes(evaluation)) this.emit({ kind: 'phase-resumed', label: evaluation.label });
      return this.ledger.get<EvaluationResult>(evaluation.key).result;
    });
  }

  /** Rollouts of the policy on the train pools (their episodes go to the phase's data file). */
  private async rolloutsPhase(key: string, label: string, round: number): Promise<{ episodes: number }> {
    return this.phase(key, label, async (learner) => {
      const tasks = this.tasks.trainPool.map((task) => ({ ...task, id: `${task.id}~round~${round}` }));
      const episodes = await runEpisodes(tasks, learner.policy, { batchSize: 64, onEpisodeDone: (done) => this.emit({ kind: 'progress', label, done, total: tasks.length }) });
      const stored = episodes.map((episode, index): StoredEpisode => {
        const original = this.tasks.trainPool[index]!;
        return { taskId: original.id, trajectory: episode.trajectory, verdict: verify(original, episode.trajectory, episode.before, episode.after) };
      });
      const failures = stored.filter(
        (episode) => mineFailures([{ task: this.tasks.trainById.get(episode.taskId)!, trajectory: episode.trajectory, verdict: episode.verdict, sample: 0 }], this.thresholds).length > 0,
      ).length;
      this.ledger.writeData(key, stored);
      return { result: { episodes: stored.length }, detail: `${stored.length} episodes, ${failures} failures` };
    });
  }

  /** Repairs of the failures among `episodes` (the replay-buffer entries go to the phase's data file). */
  private async repairsPhase(key: string, label: string, episodes: readonly StoredEpisode[], round: number): Promise<RepairPhaseResult> {
    const { preset } = this.settings;
    return this.phase(key, label, async (learner) => {
      const failures = mineFailures(
        episodes.map((episode) => ({ task: this.tasks.trainById.get(episode.taskId)!, trajectory: episode.trajectory, verdict: episode.verdict, sample: 0 })),
        this.thresholds,
      );
      const attempts = await repairFailures(failures, learner.policy, {
        candidatesPerFailure: preset.repair.candidates,
        promptStyle: preset.repair.promptStyle,
        batchSize: 64,
        ...(preset.repair.temperature !== null ? { sampling: { temperature: preset.repair.temperature } } : {}),
        onCandidateDone: (done, total) => this.emit({ kind: 'progress', label, done, total }),
      });
      const statistics = repairAttemptStatistics(attempts);
      this.ledger.writeData(key, replayBufferEntries(attempts, round));
      const result: RepairPhaseResult = { episodes: episodes.length, failures: failures.length, repaired: statistics.repaired, outcomes: statistics.candidates.outcomes };
      return { result, detail: `${failures.length} failures, ${(statistics.repaired.value * 100).toFixed(0)}% repaired` };
    });
  }
}

function evidenceOf(verdict: Verdict): Record<string, string> {
  const evidence: Record<string, string> = {};
  for (const [objective, score] of Object.entries(verdict.scores)) {
    if (score.value === null) continue;
    evidence[objective] = `${score.value.toFixed(2)}${score.evidence.step !== null ? ` (step ${score.evidence.step + 1})` : ''}: ${score.evidence.reason}`;
  }
  return evidence;
}

function repairExample(method: EvolveMethod, round: number, entry: ReplayBufferEntry): RepairExample {
  const format = loadRepairTemplate('plain').trajectory;
  return {
    method,
    round,
    taskId: entry.taskId,
    failureType: entry.failureType,
    failure: renderTrajectoryForRepair(entry.failure, format),
    repair: renderTrajectoryForRepair(entry.repair, format),
    failureEvidence: evidenceOf(entry.failureVerdict),
    repairEvidence: evidenceOf(entry.repairVerdict),
  };
}

function formatLoss(loss: number | null): string {
  return loss === null ? '–' : loss.toFixed(3);
}

/** An evaluation's metrics and front point from its episodes, each scored by the verifiers. */
function evaluationResult(episodes: readonly Episode[]): { result: EvaluationResult; detail: string } {
  const scored = episodes.map((episode) => ({ task: episode.task, verdict: verify(episode.task, episode.trajectory, episode.before, episode.after) }));
  const metrics = suiteMetrics(scored);
  const point = frontPoint(metrics);
  return { result: { metrics, point }, detail: `security ${point.security.toFixed(2)}, utility ${point.utility.toFixed(2)}, 1−BRR ${point.notOverRefusing.toFixed(2)}` };
}
