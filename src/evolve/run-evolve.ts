import { hypervolume } from '../eval/hypervolume.js';
import { evaluationDecoding, type DecodingOverrides } from '../policies/tiny/decoding.js';
import type { EvolvePreset } from './evolve-config.js';
import type { EvolveEvent } from './evolve-event.js';
import { evolveJobs, workerJobOrder } from './evolve-job.js';
import { EvolveJobRunner, type EvolveRunSettings } from './evolve-job-runner.js';
import { evolveSummarySchema, type EvolveMethod, type EvolveSummary, type RepairExample } from './evolve-summary.js';
import { runEvolveJobsInWorkers } from './evolve-worker-pool.js';
import { PhaseLedger } from './phase-ledger.js';
import type { EvolveTaskSets } from './task-pools.js';

export type { EvolveEvent } from './evolve-event.js';
export { EvolveInterrupted } from './evolve-job-runner.js';
export { frontPoint } from './front-point.js';

/** What {@link runEvolve} needs. */
export interface EvolveOptions {
  presetName: string;
  preset: EvolvePreset;
  /** Checkpoint directory of the starting policy (the embedded base by default). */
  policyDirectory: string;
  /** Name of the starting policy as given by the user (e.g. `tiny`). */
  policyName: string;
  /**
   * Changes to the evaluation decoding the policy samples with, for every method (a config file's
   * `decoding` section; default none). A new run stores it in its ledger; on resume the caller
   * passes the stored one back.
   */
  decoding?: DecodingOverrides;
  methods: readonly EvolveMethod[];
  runId: string;
  /** `runs/<id>`. */
  runDirectory: string;
  /** Continue the run in `runDirectory` from its last finished phase. */
  resume: boolean;
  /**
   * Most worker processes at once, one per job (default 1: every job in this process). The
   * embedded model runs on one core per process, so N cores run up to N jobs at once.
   */
  workers?: number;
  onEvent?: (event: EvolveEvent) => void;
  /**
   * Test hook: stop (throw EvolveInterrupted) right after this many phases have run in this
   * process, or with workers > 1, in any one worker process.
   */
  stopAfterPhases?: number;
  /** Test hook (workers > 1): each job's first worker fails as a full wasm heap does after this many phases. */
  heapFullAfterPhases?: number;
}

/**
 * `fate evolve`: self-evolution rounds for every method from the same starting policy, with the
 * same rollouts and the same number of updates, evaluated on dev after every round and on test
 * at the end. The work is split in jobs (the base evaluations, round 1's rollouts and repairs
 * that the methods share, one job per method), run one after another in this process or, with
 * `workers` > 1, in worker processes, that many at once (methods start once the shared phases
 * are done, longest first). Every phase is recorded in the run's ledger as it finishes (checkpoints after
 * training phases), so a killed run resumes from its finished phases; the summary is then read
 * back from the ledger, the same whatever the number of workers and the interruptions.
 */
export async function runEvolve(options: EvolveOptions): Promise<EvolveSummary> {
  const started = Date.now();
  const { preset } = options;
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);
  const decoding = options.decoding ?? {};
  const ledger = options.resume
    ? PhaseLedger.open(options.runDirectory)
    : PhaseLedger.create(options.runDirectory, { preset: options.presetName, presetConfig: preset, methods: options.methods, policy: options.policyName, policyDirectory: options.policyDirectory, decoding });
  const settings: EvolveRunSettings = { preset, policyDirectory: options.policyDirectory, policyName: options.policyName, decoding, methods: options.methods, runDirectory: options.runDirectory };
  const jobs = evolveJobs(options.methods);
  let tasks: EvolveTaskSets | undefined;

  if (workers === 1) {
    const runner = new EvolveJobRunner(ledger, settings, {
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.stopAfterPhases !== undefined ? { stopAfterPhases: options.stopAfterPhases } : {}),
    });
    tasks = runner.tasks;
    try {
      for (const job of jobs) await runner.run(job);
    } finally {
      runner.dispose();
    }
  } else {
    await runEvolveJobsInWorkers({
      jobs: workerJobOrder(jobs),
      workers,
      settings,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.stopAfterPhases !== undefined ? { stopAfterPhases: options.stopAfterPhases } : {}),
      ...(options.heapFullAfterPhases !== undefined ? { heapFullAfterPhases: options.heapFullAfterPhases } : {}),
    });
  }

  // Every phase has finished: the summary is read back from the ledger, without the model.
  const recorded = new EvolveJobRunner(ledger, settings, { recordedOnly: true, ...(tasks ? { tasks } : {}) });
  const base = await recorded.baseEvaluations();
  const results: EvolveSummary['results'] = [];
  const examples: RepairExample[] = [];
  for (const method of options.methods) {
    const outcome = await recorded.method(method);
    results.push({
      method,
      rounds: outcome.rounds,
      test: outcome.test.metrics,
      testPoint: outcome.test.point,
      hypervolume: hypervolume([base.dev.point, ...outcome.rounds.map((round) => round.devPoint)]),
    });
    examples.push(...outcome.examples);
  }

  const summary: EvolveSummary = {
    kind: 'evolve',
    run: options.runId,
    preset: options.presetName,
    seed: preset.seed,
    policy: options.policyName,
    decoding: {
      temperature: decoding.temperature ?? evaluationDecoding.temperature,
      topP: decoding.topP ?? evaluationDecoding.topP,
      seed: decoding.seed ?? evaluationDecoding.seed,
      argumentTemperature: decoding.argumentTemperature ?? evaluationDecoding.argumentTemperature,
      maxNewTokens: decoding.maxNewTokens ?? evaluationDecoding.maxNewTokens,
    },
    methods: [...options.methods],
    rounds: preset.rounds,
    base: { dev: base.dev.metrics, devPoint: base.dev.point, test: base.test.metrics, testPoint: base.test.point },
    results,
    examples,
    finished: true,
    seconds: (Date.now() - started) / 1000,
    workSeconds: ledger.recordedSeconds(),
  };
  return evolveSummarySchema.parse(summary);
}
