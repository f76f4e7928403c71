import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { applyEvolveOverrides, evolvePresets, presetLabel, type EvolvePreset, type EvolvePresetName } from '../../evolve/evolve-config.js';
import { evolveMethods, evolveMethodSchema, type EvolveMethod, type EvolveSummary } from '../../evolve/evolve-summary.js';
import { isWasmHeapExhaustion } from '../../evolve/evolve-job-runner.js';
import { recordedPolicyGroups, writeGroupsExport, type RecordedPolicyGroups } from '../../evolve/groups-export.js';
import { ledgerDecoding } from '../../evolve/ledger-decoding.js';
import { PhaseLedger, PhaseLedgerError, writeAtomically } from '../../evolve/phase-ledger.js';
import { runEvolve, type EvolveEvent } from '../../evolve/run-evolve.js';
import type { DecodingOverrides } from '../../policies/tiny/decoding.js';
import { baseCheckpointDirectory, TinyCheckpointError } from '../../policies/tiny/tiny-policy.js';
import { writeEvolveReport } from '../../report/write-evolve-report.js';
import { formatDuration } from '../../report/format.js';
import { newRunId } from '../../store/run-store.js';
import { loadConfig } from '../config.js';
import { startProgressBoard } from '../progress-board.js';
import { UserError } from '../user-error.js';
import { parseWorkerCount } from './parse-integer.js';

interface EvolveCommandOptions {
  preset: EvolvePresetName;
  methods?: EvolveMethod[];
  rounds?: number;
  policy: string;
  resume?: string;
  runs?: string;
  json?: boolean;
  workers: number;
  config?: string;
}

function parseMethods(value: string): EvolveMethod[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) throw new InvalidArgumentError('expected a comma-separated list of methods');
  const methods: EvolveMethod[] = [];
  for (const name of names) {
    const parsed = evolveMethodSchema.safeParse(name);
    if (!parsed.success) throw new InvalidArgumentError(`unknown method "${name}"; methods: ${evolveMethods.join(', ')}`);
    if (!methods.includes(parsed.data)) methods.push(parsed.data);
  }
  return methods;
}

function parseRounds(value: string): number {
  const rounds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new InvalidArgumentError(`expected an integer from 1 to 100, got "${value}"`);
  return rounds;
}

/** The checkpoint folder of a `tiny[:DIR]` policy spec; evolve trains the embedded policy only. */
function checkpointOf(spec: string): string {
  if (spec === 'tiny') return baseCheckpointDirectory;
  if (spec.startsWith('tiny:') && spec.length > 5) return path.resolve(spec.slice(5));
  throw new UserError(`--policy ${spec}: fate evolve trains the embedded policy; use tiny or tiny:DIR (a checkpoint folder)`);
}

/** `fate evolve`: self-evolution rounds for FATE and the baselines, with a summary table, summary.json and report.html. */
export function evolveCommand(): Command {
  return new Command('evolve')
    .description(
      'Self-evolution (the main job): per round, roll the policy out on the train pools, repair its failures with the same policy, warm up on the repair buffer and train with PFPO; baselines (fate-sft-only, scalar-grpo, gdpo, refusal-sft) get the same rollouts and updates; evaluates on dev after every round and on test at the end',
    )
    .addOption(new Option('--preset <name>', 'budget preset: smoke (CI, minutes), default, full').choices(Object.keys(evolvePresets)).default('default'))
    .option('--methods <list>', `comma-separated methods (default: all of ${evolveMethods.join(', ')})`, parseMethods)
    .option('--rounds <n>', 'rounds (default: the preset\'s)', parseRounds)
    .option('--policy <spec>', 'starting policy: tiny (the committed base) or tiny:DIR', 'tiny')
    .option('--resume <run>', 'continue a run (id under --runs, or its folder) from its last finished phase, with the settings (preset, methods, policy, decoding) it started with')
    .option(
      '--config <file>',
      'config file whose "evolve" section changes fields of the preset, e.g. {"evolve": {"supervised": {"steps": 6}}}, and whose "decoding" section the policy samples with (default ./fate.config.json when present)',
    )
    .option('--runs <dir>', 'folder of run folders (default ./runs)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--workers <n>', 'most worker processes at once (the embedded model uses one core per process; 1 runs everything in this process)', parseWorkerCount, Math.min(2, availableParallelism()))
    .action(async (options: EvolveCommandOptions) => {
      await runEvolveCommand(options);
    });
}

async function runEvolveCommand(options: EvolveCommandOptions): Promise<void> {
  const runsDirectory = path.resolve(options.runs ?? 'runs');
  let runId: string;
  let runDirectory: string;
  let presetName: string;
  let preset: EvolvePreset;
  let methods: EvolveMethod[];
  let policyName: string;
  let policyDirectory: string;
  let decoding: DecodingOverrides;
  if (options.resume) {
    const candidates = [path.join(runsDirectory, options.resume), path.resolve(options.resume)];
    const found = candidates.find((candidate) => existsSync(path.join(candidate, 'evolve-state.json')));
    if (!found) throw new UserError(`--resume ${options.resume}: no evolve-state.json in ${candidates.join(' or ')}`);
    runDirectory = found;
    runId = path.basename(found);
    let ledger: PhaseLedger;
    try {
      ledger = PhaseLedger.open(found);
    } catch (error) {
      if (error instanceof PhaseLedgerError) throw new UserError(error.message);
      throw error;
    }
    const stored = ledger.options as { preset: string; presetConfig: EvolvePreset; methods: EvolveMethod[]; policy: string; policyDirectory: string };
    presetName = stored.preset;
    preset = stored.presetConfig;
    methods = stored.methods;
    policyName = stored.policy;
    policyDirectory = stored.policyDirectory;
    try {
      decoding = ledgerDecoding(ledger);
    } catch (error) {
      if (error instanceof PhaseLedgerError) throw new UserError(error.message);
      throw error;
    }
  } else {
    const config = loadConfig(options.config);
    const overrides = config.evolve;
    decoding = config.decoding ?? {};
    preset = overrides ? applyEvolveOverrides(evolvePresets[options.preset], overrides) : evolvePresets[options.preset];
    presetName = presetLabel(options.preset, overrides, decoding);
    if (options.rounds !== undefined) preset = { ...preset, rounds: options.rounds };
    methods = options.methods ?? [...evolveMethods];
    policyName = options.policy;
    policyDirectory = checkpointOf(options.policy);
    runId = newRunId(`evolve-${options.preset}`);
    runDirectory = path.join(runsDirectory, runId);
  }
  if (!existsSync(path.join(policyDirectory, 'config.json'))) {
    const hint = policyDirectory === baseCheckpointDirectory ? '; no base checkpoint is committed: build one with `fate pretrain --out models/base`' : '';
    throw new UserError(`${path.join(policyDirectory, 'config.json')}: not found, so ${policyDirectory} holds no checkpoint${hint}`);
  }
  process.stderr.write(
    `fate evolve: run ${runId} (${presetName}, ${preset.rounds} round${preset.rounds === 1 ? '' : 's'}, methods ${methods.join(', ')}, ${options.workers} worker${options.workers === 1 ? '' : 's'}) in ${path.relative(process.cwd(), runDirectory) || '.'}\n`,
  );

  const board = startProgressBoard();
  const onEvent = (event: EvolveEvent): void => {
    if (event.kind === 'progress') {
      board.update(event.label, event.done, event.total);
      return;
    }
    if (event.kind === 'job-started') return;
    if (event.kind === 'job-restarted') {
      board.log(`${event.job}: started again (restart ${event.attempt}): ${event.reason}`);
      return;
    }
    board.end(event.label);
    if (event.kind === 'phase-resumed') board.log(`${event.label}: done earlier (resumed)`);
    if (event.kind === 'phase-shared') board.log(`${event.label}: shared (round 1 starts from ${event.from} for every method)`);
    if (event.kind === 'phase-done') board.log(`${event.label}: ${event.detail} (${event.seconds.toFixed(1)} s)`);
  };

  let summary: EvolveSummary;
  try {
    summary = await runEvolve({ presetName, preset, policyDirectory, policyName, decoding, methods, runId, runDirectory, resume: Boolean(options.resume), workers: options.workers, onEvent });
  } catch (error) {
    if (error instanceof TinyCheckpointError || error instanceof PhaseLedgerError) throw new UserError(error.message);
    if (error instanceof Error && isWasmHeapExhaustion(error.message)) {
      throw new UserError(`${error.message.split('\n')[0]}: the embedded model's wasm heap (4 GiB, never given back) is full; every finished phase is saved, so \`fate evolve --resume ${runId}\` continues in a fresh process`, 1);
    }
    throw error;
  } finally {
    board.stop();
  }
  let recorded: RecordedPolicyGroups;
  try {
    recorded = recordedPolicyGroups(PhaseLedger.open(runDirectory), summary.methods, summary.rounds);
  } catch (error) {
    if (error instanceof PhaseLedgerError) throw new UserError(error.message);
    throw error;
  }
  const groupsExport = writeGroupsExport(runDirectory, recorded.groups);
  writeAtomically(path.join(runDirectory, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeEvolveReport(runDirectory, summary, { groups: recorded.groups });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${summaryTable(summary)}\n`);
  const work = summary.workSeconds !== undefined ? `; ${formatDuration(summary.workSeconds)} of work in its phases, all processes and invocations together` : '';
  process.stdout.write(`time: ${formatDuration(summary.seconds)}${options.resume ? ' in this invocation' : ''}${work}\n`);
  process.stdout.write(`summary: ${path.relative(process.cwd(), path.join(runDirectory, 'summary.json'))}\nreport:  ${path.relative(process.cwd(), path.join(runDirectory, 'report.html'))}\n`);
  const missing = recorded.withoutGroups.length > 0 ? `; ${recorded.withoutGroups.length} earlier phase${recorded.withoutGroups.length === 1 ? '' : 's'} recorded none` : '';
  process.stdout.write(`groups:  ${path.relative(process.cwd(), groupsExport.file)} (${groupsExport.lines} stage-2 group${groupsExport.lines === 1 ? '' : 's'} with objective vectors and advantages${missing})\n`);
}

/** Methods × headline metrics on test (base first), with the dev hypervolume. */
function summaryTable(summary: EvolveSummary): string {
  const table = new Table({ head: ['method', 'ASR', 'TSR', 'benign utility', 'HCR', 'VRR', 'BRR', 'twin utility', 'hypervolume (dev)'], style: { head: [], border: [] } });
  const cell = (metric: { value: number; n: number } | undefined): string => (metric && metric.n > 0 ? metric.value.toFixed(3) : '—');
  const row = (label: string, metrics: EvolveSummary['base']['test'], hypervolume: string): string[] => [
    label,
    cell(metrics?.suites.injection?.asr),
    cell(metrics?.suites.injection?.tsr),
    cell(metrics?.suites.injection?.benignUtility),
    cell(metrics?.suites.harm?.hcr),
    cell(metrics?.suites.harm?.vrr),
    cell(metrics?.suites.harm?.brr),
    cell(metrics?.suites.harm?.benignUtility),
    hypervolume,
  ];
  table.push(row('base', summary.base.test, '—'));
  for (const result of summary.results) table.push(row(result.method, result.test, result.hypervolume.toFixed(3)));
  return `test split, ${summary.preset} preset, ${summary.rounds} round${summary.rounds === 1 ? '' : 's'}:\n${table.toString()}`;
}
