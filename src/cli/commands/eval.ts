import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { evaluateInWorkers } from '../../eval/evaluate-in-workers.js';
import { evaluatePolicy } from '../../eval/evaluate.js';
import { evalTasks, type EvalTaskSelection } from '../../eval/eval-tasks.js';
import { suiteMetrics } from '../../eval/metrics.js';
import type { SuiteSelection } from '../../suites/generate.js';
import type { Split } from '../../suites/split.js';
import { newRunId, RunStore } from '../../store/run-store.js';
import { trajectoryToJsonLine } from '../../trajectory/jsonl.js';
import { loadConfig } from '../config.js';
import { metricsTable } from '../metrics-table.js';
import { startProgress } from '../progress.js';
import { policyFromSpec } from '../policy-from-spec.js';
import { UserError } from '../user-error.js';
import { parseNonNegativeInteger, parseWorkerCount } from './parse-integer.js';

interface EvalOptions {
  policy: string;
  suite: SuiteSelection;
  split: Split;
  limit?: number;
  seed?: number;
  json?: boolean;
  config?: string;
  runs?: string;
  batchSize?: number;
  workers?: number;
}

/** `fate eval`: roll a policy out on a suite split, score, store and summarise. */
export function evalCommand(): Command {
  return new Command('eval')
    .description('Evaluate a policy on the safety suites: roll out, score with the four verifiers, store the run and print the metrics')
    .requiredOption('--policy <spec>', 'policy spec, e.g. scripted:oracle')
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
    .option('--runs <dir>', 'folder for run folders (default ./runs)')
    .option('--config <file>', 'config file (default ./fate.config.json when present)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (options: EvalOptions) => {
      await runEval(options);
    });
}

/** Worker processes when `--workers` is not given: the embedded policy gets up to two (one core each), other policies one. */
export function defaultEvalWorkers(policySpec: string): number {
  return policySpec === 'tiny' || policySpec.startsWith('tiny:') ? Math.min(2, availableParallelism()) : 1;
}

async function runEval(options: EvalOptions): Promise<void> {
  const config = loadConfig(options.config);
  const policy = await policyFromSpec(options.policy);
  const seed = options.seed ?? config.seed ?? 0;
  const selection: EvalTaskSelection = { suite: options.suite, split: options.split, seed, sizes: config.suites ?? {}, ...(options.limit !== undefined ? { limit: options.limit } : {}) };
  const tasks = evalTasks(selection);
  const workers = Math.min(options.workers ?? defaultEvalWorkers(options.policy), tasks.length);
  if (tasks.length === 0) throw new UserError('no tasks to run (check --limit)');
  const runsDirectory = path.resolve(options.runs ?? config.runsDirectory ?? 'runs');
  const store = RunStore.create(runsDirectory, newRunId(`eval-${options.policy}-${options.split}`), 'eval', { ...options, seed });
  const interrupted = (): void => {
    store.fail('interrupted');
    store.close();
    process.stderr.write(`\nfate: interrupted; run ${store.runId} is marked failed and has no summary\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    store.addTasks(tasks);
    const progress = startProgress(`eval ${options.policy} on ${options.suite}/${options.split}`, tasks.length);
    const batchSize = options.batchSize ?? config.eval?.batchSize ?? 64;
    const onEpisodeDone = (finished: number): void => progress.update(finished);
    const evaluated =
      workers > 1
        ? await evaluateInWorkers({ policySpec: options.policy, selection, tasks, workers, batchSize, onEpisodeDone })
        : await evaluatePolicy(policy, tasks, { batchSize, onEpisodeDone });
    progress.stop();
    store.addEpisodes(
      evaluated.map((item) => ({
        phase: 'eval',
        taskId: item.task.id,
        sample: 0,
        policy: policy.name,
        trajectory: item.episode.trajectory,
        finalState: item.episode.after,
        verdict: item.verdict,
      })),
    );
    writeFileSync(
      path.join(store.folder, 'trajectories.jsonl'),
      evaluated.map((item) => trajectoryToJsonLine(item.episode.trajectory, { split: item.task.split, kind: item.task.kind, verdict: item.verdict })).join('\n') + '\n',
    );
    const metrics = suiteMetrics(evaluated);
    const summaryFile = store.complete({ run: store.runId, policy: policy.name, split: options.split, seed, tasks: tasks.length, ...metrics });
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
