import path from 'node:path';
import { runEpisodes } from '../agent/loop.js';
import { readDataFile } from '../envs/data-file.js';
import { Random } from '../envs/random.js';
import { suiteMetrics, type SuiteMetrics } from '../eval/metrics.js';
import { hypervolume } from '../eval/hypervolume.js';
import { diagnosisExamplesFromRepair } from '../diagnosis/repair-examples.js';
import { withUserMessage } from '../fate/exports/conversation-split.js';
import { mineFailures } from '../fate/failure-mining.js';
import { defaultObjectiveThresholds } from '../fate/objective-thresholds.js';
import { repairFailures } from '../fate/repair-round.js';
import { replayBufferEntries, type ReplayBufferEntry } from '../fate/replay-buffer.js';
import { repairAttemptStatistics } from '../fate/repair-summary.js';
import { loadRepairTemplate } from '../fate/repair-template.js';
import { renderTrajectoryForRepair } from '../fate/trajectory-rendering.js';
import type { ObjectiveVector } from '../pareto/dominance.js';
import { pfpoAdvantages, pfpoGroupStatistics, scalarAdvantages, type PfpoGroupResult } from '../pfpo/index.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { objectiveVector, type Verdict } from '../verifiers/score.js';
import { verify } from '../verifiers/verify.js';
import { z } from 'zod';
import type { EvolvePreset } from './evolve-config.js';
import {
  evolveSummarySchema,
  type EvolveMethod,
  type EvolveRound,
  type EvolveSummary,
  type FrontPoint,
  type RepairExample,
} from './evolve-summary.js';
import { PhaseLedger } from './phase-ledger.js';
import { groupSampleTask, selectTasks } from './task-pools.js';
import { TinyLearner, type AdvantageConversation, type LearningConversation, type PhaseReport } from './tiny-learner.js';

/** Progress of {@link runEvolve}, for the CLI. */
export type EvolveEvent =
  | { kind: 'phase-start'; label: string }
  | { kind: 'phase-done'; label: string; seconds: number; detail: string }
  | { kind: 'phase-resumed'; label: string }
  | { kind: 'phase-shared'; label: string; from: string }
  | { kind: 'progress'; label: string; done: number; total: number };

/** What {@link runEvolve} needs. */
export interface EvolveOptions {
  presetName: string;
  preset: EvolvePreset;
  /** Checkpoint directory of the starting policy (the embedded base by default). */
  policyDirectory: string;
  /** Name of the starting policy as given by the user (e.g. `tiny`). */
  policyName: string;
  methods: readonly EvolveMethod[];
  runId: string;
  /** `runs/<id>`. */
  runDirectory: string;
  /** Continue the run in `runDirectory` from its last finished phase. */
  resume: boolean;
  onEvent?: (event: EvolveEvent) => void;
  /** Test hook: stop (throw) right after this many phases have run in this process. */
  stopAfterPhases?: number;
}

/** Thrown by the `stopAfterPhases` test hook, to simulate a run killed between phases. */
export class EvolveInterrupted extends Error {
  override readonly name = 'EvolveInterrupted';
}

interface StoredEpisode {
  taskId: string;
  trajectory: Trajectory;
  verdict: Verdict;
}

interface EvaluationResult {
  metrics: SuiteMetrics;
  point: FrontPoint;
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

/** The point of a metrics summary on the safety/utility plane (DESIGN §4). */
export function frontPoint(metrics: SuiteMetrics): FrontPoint {
  const injection = metrics.suites.injection;
  const harm = metrics.suites.harm;
  const average = (values: (number | undefined)[]): number => {
    const present = values.filter((value): value is number => value !== undefined);
    return present.length === 0 ? 0 : present.reduce((total, value) => total + value, 0) / present.length;
  };
  return {
    security: average([injection ? 1 - injection.asr.value : undefined, harm ? 1 - harm.hcr.value : undefined]),
    utility: average([injection?.benignUtility.value, harm?.benignUtility.value]),
    notOverRefusing: harm ? 1 - harm.brr.value : 1,
  };
}

const usesRollouts = (method: EvolveMethod): boolean => method === 'fate' || method === 'fate-sft-only' || method === 'refusal-sft';
const usesRepairs = (method: EvolveMethod): boolean => method === 'fate' || method === 'fate-sft-only';
const usesPolicyOptimization = (method: EvolveMethod): boolean => method === 'fate' || method === 'scalar-grpo' || method === 'gdpo';

/**
 * `fate evolve`: self-evolution rounds for every method from the same starting policy, with the
 * same rollouts and the same number of updates, evaluated on dev after every round and on test
 * at the end. Every phase is recorded in the run's ledger as it finishes (checkpoints after
 * training phases), so a killed run resumes from its last finished phase to the same result.
 */
export async function runEvolve(options: EvolveOptions): Promise<EvolveSummary> {
  const started = Date.now();
  const { preset } = options;
  const ledger = options.resume
    ? PhaseLedger.open(options.runDirectory)
    : PhaseLedger.create(options.runDirectory, { preset: options.presetName, presetConfig: preset, methods: options.methods, policy: options.policyName, policyDirectory: options.policyDirectory });
  const emit = options.onEvent ?? (() => undefined);
  const learner = await TinyLearner.load(options.policyDirectory, options.policyName);
  const base = await learner.snapshot();
  const thresholds = defaultObjectiveThresholds;
  const refusal = readDataFile('evolve/refusal.json', refusalSchema).message;

  const trainPool = selectTasks('train', preset.pools, preset.seed, 'pool');
  const devTasks = selectTasks('dev', preset.dev, preset.seed, 'dev');
  const testTasks = selectTasks('test', preset.test, preset.seed, 'test');
  const trainById = new Map(trainPool.map((task) => [task.id, task]));
  let phasesRun = 0;

  /** Where the method's policy stands: a checkpoint to load before the next phase that needs it. */
  let pending: 'base' | string | null = null;
  const ensurePolicy = async (): Promise<void> => {
    if (pending === 'base') await learner.restore(base);
    else if (pending !== null) await learner.restoreCheckpoint(pending);
    pending = null;
  };

  async function phase<T>(key: string, label: string, body: () => Promise<{ result: T; detail: string }>, checkpoint = false): Promise<T> {
    if (ledger.has(key)) {
      emit({ kind: 'phase-resumed', label });
      const recorded = ledger.get<{ result: T; checkpoint: string | null }>(key);
      if (recorded.checkpoint) pending = recorded.checkpoint;
      return recorded.result;
    }
    await ensurePolicy();
    emit({ kind: 'phase-start', label });
    const phaseStarted = Date.now();
    const { result, detail } = await body();
    let checkpointDirectory: string | null = null;
    if (checkpoint) {
      checkpointDirectory = path.join(options.runDirectory, 'checkpoints', key.replaceAll('/', '__'));
      await learner.save(checkpointDirectory);
    }
    const seconds = (Date.now() - phaseStarted) / 1000;
    ledger.record(key, { result, checkpoint: checkpointDirectory, seconds });
    emit({ kind: 'phase-done', label, seconds, detail });
    phasesRun += 1;
    if (options.stopAfterPhases !== undefined && phasesRun >= options.stopAfterPhases) throw new EvolveInterrupted(`stopped after ${phasesRun} phases`);
    return result;
  }

  async function evaluate(tasks: readonly Task[], label: string): Promise<{ result: EvaluationResult; detail: string }> {
    const episodes = await runEpisodes(tasks, learner.policy, { batchSize: 64, onEpisodeDone: (done) => emit({ kind: 'progress', label, done, total: tasks.length }) });
    const scored = episodes.map((episode) => ({ task: episode.task, verdict: verify(episode.task, episode.trajectory, episode.before, episode.after) }));
    const metrics = suiteMetrics(scored);
    const point = frontPoint(metrics);
    return { result: { metrics, point }, detail: `security ${point.security.toFixed(2)}, utility ${point.utility.toFixed(2)}, 1−BRR ${point.notOverRefusing.toFixed(2)}` };
  }

  async function rollouts(label: string, round: number): Promise<{ result: { episodes: number }; detail: string; episodes: StoredEpisode[] }> {
    const tasks = trainPool.map((task) => ({ ...task, id: `${task.id}~round~${round}` }));
    const episodes = await runEpisodes(tasks, learner.policy, { batchSize: 64, onEpisodeDone: (done) => emit({ kind: 'progress', label, done, total: tasks.length }) });
    const stored = episodes.map((episode, index): StoredEpisode => {
      const original = trainPool[index]!;
      return { taskId: original.id, trajectory: episode.trajectory, verdict: verify(original, episode.trajectory, episode.before, episode.after) };
    });
    const failures = stored.filter((episode) => mineFailures([{ task: trainById.get(episode.taskId)!, trajectory: episode.trajectory, verdict: episode.verdict, sample: 0 }], thresholds).length > 0).length;
    return { result: { episodes: stored.length }, detail: `${stored.length} episodes, ${failures} failures`, episodes: stored };
  }

  const baseDev = await phase('base/dev', 'base · dev evaluation', () => evaluate(devTasks, 'base · dev evaluation'));
  const baseTest = await phase('base/test', 'base · test evaluation', () => evaluate(testTasks, 'base · test evaluation'));

  const results: EvolveSummary['results'] = [];
  const examples: RepairExample[] = [];
  for (const method of options.methods) {
    pending = 'base';
    const rounds: EvolveRound[] = [];
    const buffer = new Map<string, ReplayBufferEntry>();
    const refusals = new Map<string, LearningConversation>();
    for (let round = 1; round <= preset.rounds; round++) {
      const roundStarted = Date.now();
      const prefix = `${method} · round ${round}`;
      // Rollouts on the train pools (step 1); round 1 starts from the same base for every method.
      let episodes: StoredEpisode[] = [];
      if (usesRollouts(method)) {
        const key = round === 1 ? 'shared/round-1/rollouts' : `${method}/round-${round}/rollouts`;
        if (round === 1 && ledger.has(key) && pending === 'base') {
          emit({ kind: 'phase-shared', label: `${prefix} · rollouts`, from: 'the base' });
        } else {
          await phase(key, `${prefix} · rollouts`, async () => {
            const { result, detail, episodes: stored } = await rollouts(`${prefix} · rollouts`, round);
            ledger.writeData(key, stored);
            return { result, detail };
          });
        }
        episodes = ledger.readData<StoredEpisode[]>(key);
      }

      // Repairs (steps 2–3): failures → K candidates → selection → buffer.
      let repairs: EvolveRound['repairs'] = null;
      if (usesRepairs(method)) {
        const key = round === 1 ? 'shared/round-1/repairs' : `${method}/round-${round}/repairs`;
        let repairResult: RepairPhaseResult;
        if (round === 1 && ledger.has(key) && pending === 'base') {
          emit({ kind: 'phase-shared', label: `${prefix} · repairs`, from: 'the base' });
          repairResult = ledger.get<{ result: RepairPhaseResult }>(key).result;
        } else {
          repairResult = await phase(key, `${prefix} · repairs`, async () => {
            const failures = mineFailures(
              episodes.map((episode) => ({ task: trainById.get(episode.taskId)!, trajectory: episode.trajectory, verdict: episode.verdict, sample: 0 })),
              thresholds,
            );
            const attempts = await repairFailures(failures, learner.policy, {
              candidatesPerFailure: preset.repair.candidates,
              promptStyle: preset.repair.promptStyle,
              batchSize: 64,
              onCandidateDone: (done, total) => emit({ kind: 'progress', label: `${prefix} · repairs`, done, total }),
            });
            const statistics = repairAttemptStatistics(attempts);
            ledger.writeData(key, replayBufferEntries(attempts, round));
            const result: RepairPhaseResult = { episodes: episodes.length, failures: failures.length, repaired: statistics.repaired, outcomes: statistics.candidates.outcomes };
            return { result, detail: `${failures.length} failures, ${(statistics.repaired.value * 100).toFixed(0)}% repaired` };
          });
        }
        const entries = ledger.readData<ReplayBufferEntry[]>(key);
        for (const entry of entries) buffer.set(`${entry.taskId}#${entry.taskSeed}#${entry.contentKey}`, entry);
        repairs = { ...repairResult, bufferSize: buffer.size };
        if (method === 'fate') examples.push(...entries.slice(0, 3).map((entry) => repairExample(method, round, entry)));
      }
      if (method === 'refusal-sft') {
        for (const episode of episodes) {
          const security = episode.verdict.scores.security.value;
          const task = trainById.get(episode.taskId)!;
          if (security !== null && security < thresholds.security && !refusals.has(task.id)) {
            refusals.set(task.id, {
              messages: [
                ...(task.system ? [{ role: 'system' as const, content: task.system }] : []),
                { role: 'user', content: task.prompt },
                { role: 'assistant', content: refusal },
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
        const conversations = usesRepairs(method) ? bufferConversations([...buffer.values()], preset, trainById) : [...refusals.values()];
        const report = await phase(
          `${method}/round-${round}/supervised`,
          `${prefix} · supervised warmup`,
          async () => {
            const result = await learner.supervised(conversations, { steps: conversations.length === 0 ? 0 : preset.supervised.steps, peakLearningRate: preset.supervised.peakLearningRate, seed: preset.seed * 1000 + round }, (step, steps) =>
              emit({ kind: 'progress', label: `${prefix} · supervised warmup`, done: step, total: steps }),
            );
            return { result, detail: `${conversations.length} examples, ${result.steps} steps, loss ${formatLoss(result.firstLoss)} → ${formatLoss(result.lastLoss)}` };
          },
          true,
        );
        supervised = { examples: conversations.length, steps: report.steps, firstLoss: report.firstLoss, lastLoss: report.lastLoss };
      }

      // Stage 2: group rollouts and the method's advantages (PFPO or a scalar baseline).
      let policyOptimization: EvolveRound['policyOptimization'] = null;
      if (usesPolicyOptimization(method)) {
        const advantage = method === 'fate' ? 'pfpo' : method === 'scalar-grpo' ? 'scalar-grpo' : 'gdpo';
        const groupSize = preset.pfpo.groupSize;
        const outcome = await phase(
          `${method}/round-${round}/policy-optimization`,
          `${prefix} · ${advantage === 'pfpo' ? 'PFPO' : advantage}`,
          async () => {
            const label = `${prefix} · ${advantage === 'pfpo' ? 'PFPO' : advantage}`;
            const prompts = new Random(`${preset.seed}:prompts:${round}`).sample(trainPool, preset.policyOptimization.prompts);
            const tasks = prompts.flatMap((task) => Array.from({ length: groupSize }, (_, sample) => groupSampleTask(task, round, sample)));
            const sampled = await runEpisodes(tasks, learner.policy, { batchSize: 64, onEpisodeDone: (done) => emit({ kind: 'progress', label: `${label} (groups)`, done, total: tasks.length }) });
            const conversations: AdvantageConversation[] = [];
            const pfpoResults: PfpoGroupResult[] = [];
            let zeroVariance = 0;
            let infeasible = 0;
            let infeasiblePositive = 0;
            prompts.forEach((task, group) => {
              const members = sampled.slice(group * groupSize, (group + 1) * groupSize);
              const vectors: ObjectiveVector[] = members.map((episode) => objectiveVector(verify(task, episode.trajectory, episode.before, episode.after)));
              const structure = pfpoAdvantages(vectors, preset.pfpo);
              pfpoResults.push(structure);
              const advantages = advantage === 'pfpo' ? structure.advantages : scalarAdvantages(advantage, vectors, { epsilon: preset.pfpo.advantageEpsilon });
              if (advantages.every((value) => Math.abs(value) < 1e-12)) zeroVariance += 1;
              members.forEach((episode, index) => {
                if (structure.diagnostics.feasible[index] === false) {
                  infeasible += 1;
                  if ((advantages[index] ?? 0) > 0) infeasiblePositive += 1;
                }
                conversations.push({ messages: episode.trajectory.messages, tools: episode.trajectory.tools, entities: task.entities, advantage: advantages[index] ?? 0 });
              });
            });
            const reference = await learner.snapshot();
            let report: PhaseReport;
            try {
              report = await learner.policyOptimization(
                conversations,
                reference,
                {
                  steps: preset.policyOptimization.steps,
                  peakLearningRate: preset.policyOptimization.peakLearningRate,
                  clipEpsilon: preset.pfpo.clipEpsilon,
                  klCoefficient: preset.pfpo.klCoefficient,
                  seed: preset.seed * 1000 + round,
                },
                (step, steps) => emit({ kind: 'progress', label, done: step, total: steps }),
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

      const dev = await phase(`${method}/round-${round}/dev`, `${prefix} · dev evaluation`, () => evaluate(devTasks, `${prefix} · dev evaluation`));
      rounds.push({ round, repairs, supervised, policyOptimization, dev: dev.metrics, devPoint: dev.point, seconds: (Date.now() - roundStarted) / 1000 });
    }
    const test = await phase(`${method}/test`, `${method} · test evaluation`, () => evaluate(testTasks, `${method} · test evaluation`));
    results.push({
      method,
      rounds,
      test: test.metrics,
      testPoint: test.point,
      hypervolume: hypervolume([baseDev.point, ...rounds.map((round) => round.devPoint)]),
    });
  }
  learner.release(base);

  const summary: EvolveSummary = {
    kind: 'evolve',
    run: options.runId,
    preset: options.presetName,
    seed: preset.seed,
    policy: options.policyName,
    methods: [...options.methods],
    rounds: preset.rounds,
    base: { dev: baseDev.metrics, devPoint: baseDev.point, test: baseTest.metrics, testPoint: baseTest.point },
    results,
    examples,
    finished: true,
    seconds: (Date.now() - started) / 1000,
  };
  return evolveSummarySchema.parse(summary);
}

/** The supervised conversations of the repair buffer: (p_f, a*) and (x, a*), each when switched on. */
function bufferConversations(entries: readonly ReplayBufferEntry[], preset: EvolvePreset, tasks: ReadonlyMap<string, Task>): LearningConversation[] {
  return entries.flatMap((entry) => {
    const task = tasks.get(entry.taskId);
    if (!task) return [];
    const conversations: LearningConversation[] = [];
    if (preset.repair.repairPrompt) conversations.push({ messages: withUserMessage(entry.repair.messages, entry.repairPrompt), tools: entry.repair.tools, entities: task.entities });
    if (preset.repair.originalPrompt) conversations.push({ messages: withUserMessage(entry.repair.messages, entry.originalPrompt), tools: entry.repair.tools, entities: task.entities });
    if (preset.repair.diagnosisExamples) {
      const [failure] = mineFailures([{ task, trajectory: entry.failure, verdict: entry.failureVerdict, sample: 0 }]);
      if (failure) {
        for (const example of diagnosisExamplesFromRepair(failure, { trajectory: entry.repair, verdict: entry.repairVerdict }, { style: 'compact' })) {
          conversations.push({ messages: example.messages, tools: example.tools, entities: example.entities });
        }
      }
    }
    return conversations;
  });
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

