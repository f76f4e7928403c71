import { existsSync } from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { candidateOutcomes } from '../../fate/candidate-outcome.js';
import { failureTypePriority } from '../../fate/failure-classification.js';
import type { ScoredTrajectory } from '../../fate/failure.js';
import { mineFailures } from '../../fate/failure-mining.js';
import { defaultObjectiveThresholds, type ObjectiveThresholds } from '../../fate/objective-thresholds.js';
import { replayBufferEntries } from '../../fate/replay-buffer.js';
import { repairFailuresInWorkers } from '../../fate/repair-in-workers.js';
import { defaultCandidatesPerFailure, repairFailures, type RepairAttempt } from '../../fate/repair-round.js';
import { repairAttemptStatistics, type RepairSummary } from '../../fate/repair-summary.js';
import type { RepairPromptStyle } from '../../fate/repair-template.js';
import { defaultTieBreakName, tieBreakByName, tieBreakFunctions } from '../../fate/tie-break.js';
import { writeRepairExports } from '../../fate/exports/write-exports.js';
import type { Task } from '../../suites/task.js';
import { RunStore } from '../../store/run-store.js';
import type { ControlScope } from '../../verifiers/control.js';
import { objectiveNames, type ObjectiveName } from '../../verifiers/score.js';
import { loadConfig } from '../config.js';
import { defaultWorkerCount } from '../default-workers.js';
import { startProgress } from '../progress.js';
import { policyFromSpec } from '../policy-from-spec.js';
import { UserError } from '../user-error.js';
import { parseNonNegativeInteger, parseWorkerCount } from './parse-integer.js';

interface RepairCommandOptions {
  run: string;
  policy?: string;
  k: number;
  /** Candidates' free-text temperature, or `own` for the policy's own decoding. */
  temperature: number | 'own';
  phase: string;
  threshold?: Partial<ObjectiveThresholds>;
  tieBreak: string;
  promptStyle?: RepairPromptStyle;
  controlScope: ControlScope;
  batchSize?: number;
  workers?: number;
  sftRepairPrompt: boolean;
  sftOriginalPrompt: boolean;
  ktoDesirable: boolean;
  runs?: string;
  config?: string;
  json?: boolean;
}

/** Largest K accepted. */
const maximumCandidatesPerFailure = 256;

function parseCandidateCount(value: string): number {
  const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > maximumCandidatesPerFailure) {
    throw new InvalidArgumentError(`expected an integer from 1 to ${maximumCandidatesPerFailure}, got "${value}"`);
  }
  return count;
}

/** Largest candidate temperature accepted. */
const maximumTemperature = 5;

/** Default temperature of the candidates: the policy's unscaled distribution, as `fate evolve` samples them. */
const defaultCandidateTemperature = 1;

/** A `--temperature` value: a number from 0 to the maximum, or `own` for the policy's own decoding. */
function parseTemperature(value: string): number | 'own' {
  if (value === 'own') return 'own';
  const temperature = /^\d+(\.\d+)?$|^\.\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(temperature) || temperature > maximumTemperature) throw new InvalidArgumentError(`expected a number from 0 to ${maximumTemperature}, got "${value}"`);
  return temperature;
}

function parseThreshold(value: string, previous: Partial<ObjectiveThresholds> = {}): Partial<ObjectiveThresholds> {
  const match = /^([A-Za-z]+)=(.+)$/.exec(value);
  const name = match?.[1] as ObjectiveName | undefined;
  const threshold = Number(match?.[2]);
  if (!name || !objectiveNames.includes(name)) throw new InvalidArgumentError(`expected OBJECTIVE=VALUE with OBJECTIVE one of ${objectiveNames.join(', ')}, got "${value}"`);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw new InvalidArgumentError(`threshold of ${name} must be a number in [0, 1], got "${match?.[2]}"`);
  return { ...previous, [name]: threshold };
}

/** `fate repair`: mine a run's failures, sample K repairs per failure, score, select, store the buffer and export datasets. */
export function repairCommand(): Command {
  return new Command('repair')
    .description(
      "FATE repair of a run's failures: mine the failures of its scored episodes, sample K repair candidates per failure from the same policy, score them with the verifiers, select by Pareto front and R_pf, store candidates and the replay buffer, export sft/dpo/kto datasets",
    )
    .requiredOption('--run <run>', 'run id under --runs, or the path of a run folder')
    .option('--policy <spec>', 'policy that proposes repairs (default: the policy the run was rolled out with)')
    .option('--k <k>', 'candidates per failure, 1 to 256', parseCandidateCount, defaultCandidatesPerFailure)
    .option(
      '--temperature <t>',
      "softmax temperature of the candidates' free text, 0 (greedy) to 5, or `own` for the policy's own decoding (default 1: the policy's unscaled distribution, so the K candidates the Pareto selection chooses among are as diverse as it makes them, as `fate evolve` samples them; the embedded policy keeps argument values greedy)",
      parseTemperature,
      defaultCandidateTemperature,
    )
    .option('--phase <phase>', 'phase of the stored episodes to mine', 'eval')
    .option('--threshold <objective=value>', 'failure threshold of one objective (repeatable; default 1 for each)', parseThreshold)
    .addOption(new Option('--tie-break <name>', 'R_pf, the tie-break on the Pareto front').choices(Object.keys(tieBreakFunctions)).default(defaultTieBreakName))
    .addOption(new Option('--prompt-style <style>', 'repair-prompt rendering (default: compact for tiny policies, plain otherwise)').choices(['plain', 'compact']))
    .addOption(
      new Option('--control-scope <scope>', 'how the control verifier scores candidates (use the scope the run was scored with)').choices(['offered-tools', 'task-writes']).default('offered-tools'),
    )
    .option('--batch-size <n>', 'episodes advanced together per policy call', parseNonNegativeInteger)
    .option(
      '--workers <n>',
      'worker processes proposing repairs side by side, failure j in process j mod n, each with its own copy of the policy (default: 2 for the embedded policy, or 1 on a one-core machine; 1 for other policies)',
      parseWorkerCount,
    )
    .option('--no-sft-repair-prompt', 'leave the (repair prompt, repair) pairs out of sft.jsonl')
    .option('--no-sft-original-prompt', 'leave the (original request, repair) pairs out of sft.jsonl')
    .option('--no-kto-desirable', 'write only unrepaired failures (label false) to kto.jsonl, not the accepted repairs (label true)')
    .option('--runs <dir>', 'folder of run folders (default ./runs)')
    .option('--config <file>', 'config file (default ./fate.config.json when present)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (options: RepairCommandOptions) => {
      await runRepair(options);
    });
}

/** The folder of a run given as an id under `runsDirectory` or as a path; a one-line error when neither holds a run. */
function resolveRunFolder(run: string, runsDirectory: string): string {
  const candidates = [path.resolve(runsDirectory, run), path.resolve(run)];
  const folder = candidates.find((candidate) => existsSync(path.join(candidate, 'run.sqlite')));
  if (!folder) throw new UserError(`unknown run "${run}": no run.sqlite in ${candidates[0]}${candidates[1] !== candidates[0] ? ` or ${candidates[1]}` : ''}`);
  return folder;
}

function openRun(folder: string): RunStore {
  try {
    return RunStore.open(folder);
  } catch (error) {
    throw new UserError(`cannot open run ${folder}: ${(error as Error).message}`);
  }
}

/** Reads the scored episodes of a phase with their tasks; a one-line error when there are none. */
function scoredEpisodes(store: RunStore, phase: string): { scored: ScoredTrajectory[]; policy: string } {
  const episodes = store.episodes(phase);
  if (episodes.length === 0) {
    const phases = Object.entries(store.episodeCounts()).map(([name, count]) => `${name} (${count})`);
    throw new UserError(`run ${store.runId} has no episodes in phase "${phase}"${phases.length > 0 ? `; phases: ${phases.join(', ')}` : ''}`);
  }
  const tasks = new Map<string, Task>(store.tasks().map((task) => [task.id, task]));
  const scored = episodes.map((episode) => {
    const task = tasks.get(episode.taskId);
    if (!task) throw new UserError(`run ${store.runId}: episode of task ${episode.taskId} has no stored task`);
    return { task, trajectory: episode.trajectory, verdict: episode.verdict, sample: episode.sample };
  });
  return { scored, policy: episodes[0]?.policy ?? '' };
}

function summaryText(summary: RepairSummary, folder: string): string {
  const lines: string[] = [];
  lines.push(
    `repair of run ${summary.run}, round ${summary.round}: ${summary.failures.total} failures in ${summary.episodes} episodes; policy ${summary.policy}, K = ${summary.candidatesPerFailure}${summary.temperature !== undefined ? ` at temperature ${summary.temperature}` : ''}, ${summary.promptStyle} prompts, R_pf = ${summary.tieBreak}`,
  );
  const table = new Table({ head: ['failure type', 'failures', 'repaired', 'share', '95% CI'], style: { head: [], border: [] } });
  const row = (label: string, metric: RepairSummary['repaired']): string[] => [
    label,
    String(metric.n),
    String(Math.round(metric.value * metric.n)),
    metric.n === 0 ? '—' : metric.value.toFixed(3),
    metric.n === 0 ? '—' : `[${metric.ci95[0].toFixed(3)}, ${metric.ci95[1].toFixed(3)}]`,
  ];
  for (const type of failureTypePriority) {
    const metric = summary.repairedByType[type];
    if (metric && metric.n > 0) table.push(row(type, metric));
  }
  table.push(row('all', summary.repaired));
  lines.push(table.toString());
  const total = summary.candidates.total;
  const mix = candidateOutcomes.map((outcome) => {
    const count = summary.candidates.outcomes[outcome] ?? 0;
    return `${outcome} ${count}${total > 0 ? ` (${((100 * count) / total).toFixed(1)}%)` : ''}`;
  });
  lines.push(`candidate outcomes (${total}): ${mix.join(', ')}`);
  lines.push(`replay buffer: ${summary.buffer.added} added, ${summary.buffer.duplicates} duplicates skipped, ${summary.buffer.total} in total`);
  const relative = (file: string): string => {
    const shown = path.relative(process.cwd(), file);
    return shown === '' || shown.startsWith('..') ? file : shown;
  };
  lines.push(
    `exports: ${relative(summary.exports.sft.file)} (${summary.exports.sft.lines} lines), ${path.basename(summary.exports.dpo.file)} (${summary.exports.dpo.lines}), ${path.basename(summary.exports.kto.file)} (${summary.exports.kto.lines})`,
  );
  lines.push(`tokens sampled: ${summary.tokensSampled ?? 'n/a'}; time ${summary.seconds.toFixed(1)} s; stored in ${relative(path.join(folder, 'run.sqlite'))}`);
  return lines.join('\n');
}

async function runRepair(options: RepairCommandOptions): Promise<void> {
  const started = Date.now();
  const config = loadConfig(options.config);
  const runsDirectory = path.resolve(options.runs ?? config.runsDirectory ?? 'runs');
  const folder = resolveRunFolder(options.run, runsDirectory);
  const thresholds: ObjectiveThresholds = { ...defaultObjectiveThresholds, ...options.threshold };
  const tieBreak = tieBreakByName(options.tieBreak);
  const store = openRun(folder);
  let round: number | null = null;
  const interrupted = (): void => {
    if (round !== null) store.failRepairRound(round, 'interrupted');
    store.close();
    process.stderr.write(`\nfate: interrupted; repair round ${round ?? '-'} of run ${store.runId} is marked failed\n`);
    process.exit(130);
  };
  try {
    const { scored, policy: runPolicy } = scoredEpisodes(store, options.phase);
    const policySpec = options.policy ?? runPolicy;
    const decoding = config.decoding ?? {};
    const policy = await policyFromSpec(policySpec, decoding);
    const promptStyle: RepairPromptStyle = options.promptStyle ?? (policySpec.startsWith('tiny') ? 'compact' : 'plain');
    const failures = mineFailures(scored, thresholds);
    round = store.startRepairRound(policy.name, { ...options, thresholds, promptStyle, decoding });
    process.once('SIGINT', interrupted);
    const progress = startProgress(`repair round ${round}: ${failures.length} failures × ${options.k} candidates`, failures.length * options.k);
    let added = 0;
    let duplicates = 0;
    const currentRound = round;
    const onAttempts = (group: readonly RepairAttempt[]): void => {
      store.addRepairAttempts(currentRound, group);
      const result = store.addToReplayBuffer(replayBufferEntries(group, currentRound));
      added += result.added;
      duplicates += result.duplicates;
    };
    const repairOptions = {
      candidatesPerFailure: options.k,
      thresholds,
      promptStyle,
      ...(options.temperature !== 'own' ? { sampling: { temperature: options.temperature } } : {}),
      batchSize: options.batchSize ?? config.eval?.batchSize ?? 64,
      verifyOptions: { controlScope: options.controlScope },
    };
    const workers = Math.min(options.workers ?? defaultWorkerCount(policySpec), failures.length);
    const attempts =
      workers > 1
        ? await repairFailuresInWorkers({
            policySpec,
            decoding,
            failures,
            workers,
            options: { ...repairOptions, tieBreak: options.tieBreak },
            onCandidateDone: (done) => progress.update(done),
            onAttempts,
          })
        : await repairFailures(failures, policy, { ...repairOptions, tieBreak, onCandidateDone: (done) => progress.update(done), onAttempts });
    progress.stop();
    const buffer = store.replayBuffer();
    const unrepaired = store
      .repairFailures()
      .filter((failure) => failure.status === 'unrepaired')
      .map((failure) => ({ taskId: failure.taskId, taskSeed: failure.taskSeed, trajectory: failure.trajectory }));
    const exports = writeRepairExports(path.join(store.folder, 'exports'), buffer, unrepaired, {
      sft: { repairPrompt: options.sftRepairPrompt, originalPrompt: options.sftOriginalPrompt },
      ktoDesirable: options.ktoDesirable,
    });
    const summary: RepairSummary = {
      run: store.runId,
      round,
      policy: policy.name,
      candidatesPerFailure: options.k,
      promptStyle,
      ...(options.temperature !== 'own' ? { temperature: options.temperature } : {}),
      tieBreak: options.tieBreak,
      episodes: scored.length,
      ...repairAttemptStatistics(attempts),
      buffer: { added, duplicates, total: buffer.length },
      exports,
      seconds: (Date.now() - started) / 1000,
    };
    store.completeRepairRound(round, summary);
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : `${summaryText(summary, store.folder)}\n`);
  } catch (error) {
    if (round !== null) store.failRepairRound(round, (error as Error).message);
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupted);
    store.close();
  }
}
