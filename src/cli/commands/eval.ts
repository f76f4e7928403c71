import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { evaluateInWorkers } from '../../eval/evaluate-in-workers.js';
import { evaluatePolicy, type EvaluatedEpisode } from '../../eval/evaluate.js';
import { evalTasks, type EvalTaskSelection } from '../../eval/eval-tasks.js';
import { suiteMetrics } from '../../eval/metrics.js';
import { decodingOverridesSchema } from '../../policies/tiny/decoding.js';
import type { SuiteSelection } from '../../suites/generate.js';
import { splitSchema, type Split } from '../../suites/split.js';
import type { Task } from '../../suites/task.js';
import { newRunId, RunStore, type StoredEpisode } from '../../store/run-store.js';
import { trajectoryToJsonLine } from '../../trajectory/jsonl.js';
import { loadConfig } from '../config.js';
import { defaultWorkerCount } from '../default-workers.js';
import { metricsTable } from '../metrics-table.js';
import { startProgress } from '../progress.js';
import { policyFromSpec } from '../policy-from-spec.js';
import { UserError } from '../user-error.js';
import { parseNonNegativeInteger, parseWorkerCount } from './parse-integer.js';

interface EvalOptions {
  policy?: string;
  suite: SuiteSelection;
  split: Split;
  limit?: number;
  seed?: number;
  json?: boolean;
  config?: string;
  runs?: string;
  batchSize?: number;
  workers?: number;
  resume?: string;
}

/** The phase under which `fate eval` stores its episodes. */
const evalPhase = 'eval';

/** What an eval run stores as its options and a resumed run reads back (other fields are ignored). */
const storedEvalOptionsSchema = z.object({
  policy: z.string().min(1),
  suite: z.enum(['injection', 'harm', 'all']),
  split: splitSchema,
  limit: z.number().int().nonnegative().optional(),
  seed: z.number().int().nonnegative(),
  batchSize: z.number().int().nonnegative().optional(),
  /** The config's decoding section the run was started with (absent in runs from before it existed: the evaluation decoding). */
  decoding: decodingOverridesSchema.optional(),
});
type StoredEvalOptions = z.infer<typeof storedEvalOptionsSchema>;

/** The flags that choose what an eval run rolls out; a resumed run takes them from the run. */
const selectionFlags = ['policy', 'suite', 'split', 'limit', 'seed'] as const;

/** `fate eval`: roll a policy out on a suite split, score, store and summarise. */
export function evalCommand(): Command {
  return new Command('eval')
    .description('Evaluate a policy on the safety suites: roll out, score with the four verifiers, store the run and print the metrics')
    .option('--policy <spec>', 'policy spec, e.g. scripted:oracle (required unless --resume)')
    .addOption(new Option('--suite <suite>', 'suite to run').choices(['injection', 'harm', 'all']).default('all'))
    .addOption(new Option('--split <split>', 'data split').choices(['train', 'dev', 'test']).default('test'))
    .option('--limit <n>', 'run at most n tasks (spread over the suite)', parseNonNegativeInteger)
    .option('--seed <s>', 'seed of task generation (default 0, or the config file seed)', parseNonNegativeInteger)
    .option('--batch-size <n>', 'episodes advanced together per policy call', parseNonNegativeInteger)
    .option(
      '--workers <n>',
      'worker processes rolling episodes out side by side, each with its own copy of the policy (default: 2 for the embedded policy, which computes on one core per process, or 1 on a one-core machine; 1 for other policies); the episodes are the same whatever the count',
      parseWorkerCount,
    )
    .option(
      '--resume <run>',
      "continue an eval run that was interrupted or failed (its id under --runs, or its folder): the episodes it stored are kept, the others are rolled out with the run's own policy, suite, split, limit, seed and decoding",
    )
    .option('--runs <dir>', 'folder for run folders (default ./runs)')
    .option('--config <file>', 'config file (default ./fate.config.json when present)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (options: EvalOptions, command: Command) => {
      await runEval(options, command);
    });
}

/** Opens the eval run `--resume` names and checks it can be continued with the flags given. */
function openRunToResume(reference: string, runsDirectory: string, options: EvalOptions, command: Command): { store: RunStore; stored: StoredEvalOptions } {
  const folder = existsSync(path.join(reference, 'run.sqlite')) ? path.resolve(reference) : path.join(runsDirectory, reference);
  let store: RunStore;
  try {
    store = RunStore.open(folder);
  } catch (error) {
    throw new UserError(`--resume ${reference}: no run there (${(error as Error).message})`);
  }
  try {
    const record = store.runRecord();
    if (record.command !== 'eval') throw new UserError(`--resume ${reference}: run ${store.runId} was made by fate ${record.command}, not fate eval`);
    if (record.status === 'complete') throw new UserError(`--resume ${reference}: run ${store.runId} is complete; its summary is ${path.join(store.folder, 'summary.json')}`);
    const parsed = storedEvalOptionsSchema.safeParse(record.options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError(`${path.join(store.folder, 'run.sqlite')}: runs.options field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    for (const flag of selectionFlags) {
      const given = options[flag];
      if (command.getOptionValueSource(flag) === 'cli' && given !== parsed.data[flag]) {
        throw new UserError(`--resume ${reference}: run ${store.runId} was started with --${flag} ${String(parsed.data[flag] ?? '(none)')}; leave --${flag} out to continue it`);
      }
    }
    return { store, stored: parsed.data };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** A scored episode as the run store keeps it. */
function storedEpisode(item: EvaluatedEpisode, policyName: string): StoredEpisode {
  return { phase: evalPhase, taskId: item.task.id, sample: 0, policy: policyName, trajectory: item.episode.trajectory, finalState: item.episode.after, verdict: item.verdict };
}

async function runEval(options: EvalOptions, command: Command): Promise<void> {
  const config = loadConfig(options.config);
  const runsDirectory = path.resolve(options.runs ?? config.runsDirectory ?? 'runs');
  let resumed: { store: RunStore; stored: StoredEvalOptions } | null = null;
  let settings: StoredEvalOptions;
  if (options.resume !== undefined) {
    resumed = openRunToResume(options.resume, runsDirectory, options, command);
    settings = resumed.stored;
  } else {
    if (options.policy === undefined) throw new UserError("required option '--policy <spec>' not specified (or --resume RUN to continue a run)");
    const seed = options.seed ?? config.seed ?? 0;
    settings = {
      policy: options.policy,
      suite: options.suite,
      split: options.split,
      seed,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      decoding: config.decoding ?? {},
    };
  }
  const decoding = settings.decoding ?? {};
  const selection: EvalTaskSelection = { suite: settings.suite, split: settings.split, seed: settings.seed, sizes: config.suites ?? {}, ...(settings.limit !== undefined ? { limit: settings.limit } : {}) };
  let policy: Awaited<ReturnType<typeof policyFromSpec>>;
  let tasks: Task[];
  try {
    policy = await policyFromSpec(settings.policy, decoding);
    tasks = evalTasks(selection);
    if (tasks.length === 0) throw new UserError('no tasks to run (check --limit)');
    if (resumed) {
      const storedIds = resumed.store.tasks().map((task) => task.id);
      if (storedIds.length !== tasks.length || storedIds.some((id, index) => id !== tasks[index]!.id)) {
        throw new UserError(`--resume ${options.resume}: the tasks generated now from run ${resumed.store.runId}'s options differ from the ones it stored (was the config's suites section changed?)`);
      }
    }
  } catch (error) {
    resumed?.store.close();
    throw error;
  }
  const store = resumed?.store ?? RunStore.create(runsDirectory, newRunId(`eval-${settings.policy}-${settings.split}`), 'eval', { ...options, seed: settings.seed, decoding });
  if (resumed) store.reopen();
  else store.addTasks(tasks);
  const done = new Set(store.episodes(evalPhase).map((episode) => episode.taskId));
  const remaining = tasks.flatMap((task, index) => (done.has(task.id) ? [] : [index]));
  const interrupted = (): void => {
    const stored = store.episodeCounts()[evalPhase] ?? 0;
    store.fail('interrupted');
    store.close();
    process.stderr.write(`\nfate: interrupted; run ${store.runId} stored ${stored} of ${tasks.length} episodes: continue it with fate eval --resume ${store.runId}${options.runs !== undefined ? ` --runs ${options.runs}` : ''}\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    if (done.size > 0) process.stderr.write(`fate eval: resuming run ${store.runId}: ${done.size} of ${tasks.length} episodes stored, ${remaining.length} to run\n`);
    const progress = startProgress(`eval ${settings.policy} on ${settings.suite}/${settings.split}`, tasks.length);
    progress.update(done.size);
    const batchSize = options.batchSize ?? settings.batchSize ?? config.eval?.batchSize ?? 64;
    const workers = Math.min(options.workers ?? defaultWorkerCount(settings.policy), remaining.length);
    const onEpisodeDone = (finished: number): void => progress.update(done.size + finished);
    // Each episode is stored as soon as it is scored, so an interrupted run keeps what it did.
    const onEpisodeScored = (item: EvaluatedEpisode): void => store.addEpisodes([storedEpisode(item, policy.name)]);
    if (remaining.length > 0) {
      if (workers > 1) await evaluateInWorkers({ policySpec: settings.policy, decoding, selection, tasks, indices: remaining, workers, batchSize, onEpisodeDone, onEpisodeScored });
      else await evaluatePolicy(policy, remaining.map((index) => tasks[index]!), { batchSize, onEpisodeDone, onEpisodeScored });
    }
    progress.stop();
    const byTask = new Map(store.episodes(evalPhase).map((episode) => [episode.taskId, episode]));
    const evaluated = tasks.map((task) => {
      const episode = byTask.get(task.id);
      if (!episode) throw new Error(`run ${store.runId}: no episode stored for task ${task.id}`);
      return { task, trajectory: episode.trajectory, verdict: episode.verdict };
    });
    writeFileSync(
      path.join(store.folder, 'trajectories.jsonl'),
      evaluated.map((item) => trajectoryToJsonLine(item.trajectory, { split: item.task.split, kind: item.task.kind, verdict: item.verdict })).join('\n') + '\n',
    );
    const metrics = suiteMetrics(evaluated);
    const summaryFile = store.complete({ run: store.runId, policy: policy.name, split: settings.split, seed: settings.seed, tasks: tasks.length, ...metrics });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
    } else {
      process.stdout.write(`${metricsTable(metrics)}\n`);
      process.stdout.write(`run ${store.runId}: ${tasks.length} episodes stored in ${path.relative(process.cwd(), store.folder)}/ (summary: ${path.relative(process.cwd(), summaryFile)})\n`);
    }
  } catch (error) {
    store.fail((error as Error).message);
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupted);
    store.close();
  }
}
