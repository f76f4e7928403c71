import path from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { DiagnosisDataError } from '../../diagnosis/data-error.js';
import { diagnoseInWorkers } from '../../diagnosis/diagnose-in-workers.js';
import { diagnoseRecords } from '../../diagnosis/diagnose.js';
import { diagnosisMetrics, diagnosisMetricsSchema } from '../../diagnosis/metrics.js';
import { defaultDiagnosisPromptStyle, diagnosisPromptStyleSchema, type DiagnosisPromptStyle } from '../../diagnosis/prompt-template.js';
import { readDiagnosisData } from '../../diagnosis/read-diagnosis-data.js';
import type { DiagnosisRecord } from '../../diagnosis/record.js';
import { spreadEvenly } from '../../suites/spread-evenly.js';
import { buildDiagnosisSuite } from '../../diagnosis/suite.js';
import { splitSchema, type Split } from '../../suites/split.js';
import { loadConfig } from '../config.js';
import { defaultWorkerCount } from '../default-workers.js';
import { diagnosisTable } from '../diagnosis-table.js';
import { startProgress, type Progress } from '../progress.js';
import { policyFromSpec } from '../policy-from-spec.js';
import { UserError } from '../user-error.js';
import { parseNonNegativeInteger, parseWorkerCount } from './parse-integer.js';

interface DiagnoseCommandOptions {
  policy: string;
  data?: string;
  suite?: 'diagnosis';
  split?: Split;
  limit?: number;
  seed?: number;
  promptStyle?: DiagnosisPromptStyle;
  batchSize?: number;
  workers?: number;
  config?: string;
  json?: boolean;
}

/** What `fate diagnose --json` prints. */
export const diagnoseSummarySchema = z.object({
  policy: z.string(),
  /** `diagnosis` (the suite) or the data file read. */
  source: z.string(),
  split: splitSchema.nullable(),
  /** Seed of the suite (null for a data file). */
  seed: z.number().int().nullable(),
  promptStyle: diagnosisPromptStyleSchema,
  metrics: diagnosisMetricsSchema,
});
export type DiagnoseSummary = z.infer<typeof diagnoseSummarySchema>;

/** `fate diagnose`: judge labelled trajectories with a policy and report how well it judges. */
export function diagnoseCommand(): Command {
  return new Command('diagnose')
    .description(
      "Judge labelled trajectories with a policy (safe or unsafe, and ATBench's risk source, failure mode and real-world harm) and report accuracy, precision, recall, F1 (unsafe positive) and per-label accuracy, with 95% intervals",
    )
    .requiredOption('--policy <spec>', 'policy that diagnoses, e.g. scripted:diagnose-oracle')
    .option('--data <file>', 'labelled trajectories: ATBench500-format JSON, or fate trajectory JSONL')
    .addOption(new Option('--suite <suite>', "the built-in labelled trajectories (the diagnosis suite)").choices(['diagnosis']))
    .addOption(new Option('--split <split>', 'data split (suite default: test; with --data, keeps records of that split)').choices(['train', 'dev', 'test']))
    .option('--limit <n>', 'diagnose at most n records (spread over the data)', parseNonNegativeInteger)
    .option('--seed <s>', 'seed of the diagnosis suite (default 0, or the config file seed)', parseNonNegativeInteger)
    .addOption(new Option('--prompt-style <style>', 'diagnosis-prompt rendering (default: compact for tiny policies, plain otherwise)').choices(['plain', 'compact']))
    .option('--batch-size <n>', 'records sent to the policy per call', parseNonNegativeInteger)
    .option(
      '--workers <n>',
      'worker processes diagnosing side by side, each with its own copy of the policy (default: 2 for the embedded policy, or 1 on a one-core machine; 1 for other policies); the outcomes are the same whatever the count',
      parseWorkerCount,
    )
    .option('--config <file>', 'config file (default ./fate.config.json when present)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (options: DiagnoseCommandOptions) => {
      await runDiagnose(options);
    });
}

function readData(file: string, split: Split | undefined): DiagnosisRecord[] {
  let records: DiagnosisRecord[];
  try {
    records = readDiagnosisData(file);
  } catch (error) {
    if (error instanceof DiagnosisDataError) throw new UserError(error.message);
    throw error;
  }
  if (split === undefined) return records;
  if (records.every((record) => record.split === null)) throw new UserError(`--split ${split}: the records of ${file} carry no split`);
  return records.filter((record) => record.split === split);
}

function summaryText(summary: DiagnoseSummary, seconds: number): string {
  const { metrics } = summary;
  const where = summary.source === 'diagnosis' ? `the diagnosis suite, ${summary.split} split, seed ${summary.seed}` : `${summary.source}${summary.split ? `, ${summary.split} split` : ''}`;
  const { confusion } = metrics;
  return [
    `diagnosis by ${summary.policy} of ${metrics.records} trajectories from ${where}: ${metrics.unsafe} unsafe, ${metrics.safe} safe; ${summary.promptStyle} prompts`,
    diagnosisTable(metrics),
    `confusion (unsafe positive): TP ${confusion.truePositive}, FP ${confusion.falsePositive}, FN ${confusion.falseNegative}, TN ${confusion.trueNegative}; no verdict: ${confusion.noVerdictOnUnsafe} on unsafe, ${confusion.noVerdictOnSafe} on safe`,
    `time ${seconds.toFixed(1)} s`,
  ].join('\n');
}

async function runDiagnose(options: DiagnoseCommandOptions): Promise<void> {
  const started = Date.now();
  if ((options.data === undefined) === (options.suite === undefined)) throw new UserError('give either --data FILE or --suite diagnosis');
  const config = loadConfig(options.config);
  const decoding = config.decoding ?? {};
  const policy = await policyFromSpec(options.policy, decoding);
  const promptStyle = options.promptStyle ?? defaultDiagnosisPromptStyle(options.policy);
  const split = options.data === undefined ? (options.split ?? 'test') : (options.split ?? null);
  const seed = options.data === undefined ? (options.seed ?? config.seed ?? 0) : null;
  let records: DiagnosisRecord[];
  if (options.data !== undefined) {
    records = spreadEvenly(readData(path.resolve(options.data), options.split), options.limit);
  } else {
    let building: Progress | undefined;
    records = await buildDiagnosisSuite({
      split: split as Split,
      seed: seed as number,
      sizes: config.suites ?? {},
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      onEpisodeDone: (finished, total) => {
        building ??= startProgress(`diagnosis suite, ${split} split: writing and labelling trajectories`, total);
        building.update(finished);
      },
    });
    building?.stop();
  }
  if (records.length === 0) throw new UserError('no records to diagnose (check --split and --limit)');
  const progress = startProgress(`diagnose with ${options.policy}`, records.length);
  const batchSize = options.batchSize ?? config.eval?.batchSize ?? 32;
  const workers = Math.min(options.workers ?? defaultWorkerCount(options.policy), records.length);
  const onDone = (done: number): void => progress.update(done);
  const outcomes =
    workers > 1
      ? await diagnoseInWorkers({ policySpec: options.policy, decoding, records, style: promptStyle, batchSize, workers, onDone })
      : await diagnoseRecords(records, policy, { style: promptStyle, batchSize, onDone });
  progress.stop();
  const summary: DiagnoseSummary = {
    policy: policy.name,
    source: options.data ?? 'diagnosis',
    split,
    seed,
    promptStyle,
    metrics: diagnosisMetrics(outcomes.map((outcome) => ({ gold: outcome.record.gold, predicted: outcome.predicted }))),
  };
  process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : `${summaryText(summary, (Date.now() - started) / 1000)}\n`);
}
