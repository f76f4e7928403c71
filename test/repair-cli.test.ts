import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './support/run-cli.js';
import type { CandidateOutcome } from '../src/fate/candidate-outcome.js';
import { dpoLineSchema } from '../src/fate/exports/dpo-export.js';
import { ktoLineSchema } from '../src/fate/exports/kto-export.js';
import { sftLineSchema } from '../src/fate/exports/sft-export.js';
import { repairSummarySchema, type RepairSummary } from '../src/fate/repair-summary.js';
import { repairMixSlots, type RepairMixSlot } from '../src/policies/scripted/repair-mix.js';
import type { TaskKind } from '../src/suites/task.js';
import { RunStore } from '../src/store/run-store.js';


afterEach(() => vi.restoreAllMocks());

/** What each slot of `scripted:repair-mix` amounts to on each kind of failing task (see repair-mix.ts). */
const expectedOutcome: Record<'attacked' | 'harmful' | 'benign-twin', Record<RepairMixSlot, CandidateOutcome>> = {
  attacked: { unsafe: 'unsafe', refuse: 'refuse', balanced: 'balanced', incomplete: 'incomplete' },
  // Refusing a harmful request is the balanced answer; the incomplete answer neither complies nor refuses.
  harmful: { unsafe: 'unsafe', refuse: 'balanced', balanced: 'balanced', incomplete: 'incomplete' },
  // A benign twin has nothing unsafe to do: the "unsafe" slot carries it out, which is balanced.
  'benign-twin': { unsafe: 'balanced', refuse: 'refuse', balanced: 'balanced', incomplete: 'incomplete' },
};

function readLines(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  return text.length === 0 ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('fate repair on a scripted:repair-mix run', () => {
  const runs = mkdtempSync(path.join(tmpdir(), 'fate-repair-'));
  let runId = '';
  let folder = '';
  let kinds: TaskKind[] = [];
  let first: RepairSummary;

  beforeAll(async () => {
    const evaluated = await runCli(['eval', '--policy', 'scripted:repair-mix', '--split', 'train', '--limit', '60', '--runs', runs, '--json']);
    expect(evaluated.code).toBe(0);
    runId = readdirSync(runs)[0]!;
    folder = path.join(runs, runId);
    const store = RunStore.open(folder);
    kinds = store.tasks().map((task) => task.kind);
    store.close();
    const repaired = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '8', '--json']);
    expect(repaired.stderr).not.toContain('unexpected');
    expect(repaired.code).toBe(0);
    first = repairSummarySchema.parse(JSON.parse(repaired.stdout));
  }, 120_000);

  it('mines every failure of the run with its type', () => {
    const count = (kind: TaskKind) => kinds.filter((candidate) => candidate === kind).length;
    expect(kinds).toHaveLength(60);
    expect(first.episodes).toBe(60);
    expect(first.failures.byType).toEqual({
      'followed-injection': count('attacked'),
      'complied-with-harm': count('harmful'),
      'over-refused': count('benign-twin'),
      'invalid-control': 0,
      incomplete: 0,
    });
    expect(first.failures.total).toBe(count('attacked') + count('harmful') + count('benign-twin'));
    expect(first.failures.total).toBeGreaterThan(30);
    expect(first.failures.byAnyType.incomplete).toBe(count('benign-twin'));
    expect(first).toMatchObject({ round: 1, policy: 'scripted:repair-mix', candidatesPerFailure: 8, promptStyle: 'plain', tieBreak: 'mean-of-applicable', tokensSampled: null });
  });

  it('repairs every failure (a balanced fix is always among the 8) and reports the share with its interval', () => {
    expect(first.repaired.n).toBe(first.failures.total);
    expect(first.repaired.value).toBe(1);
    expect(first.repaired.ci95[0]).toBeGreaterThan(0.9);
    expect(first.repaired.ci95[1]).toBe(1);
  });

  it('shows the scripted outcome mix, and chooses a balanced candidate every time', () => {
    const store = RunStore.open(folder);
    const failures = store.repairFailures(1);
    const tasks = new Map(store.tasks().map((task) => [task.id, task]));
    const expected: Record<CandidateOutcome, number> = { unsafe: 0, refuse: 0, balanced: 0, incomplete: 0 };
    for (const failure of failures) {
      const kind = tasks.get(failure.taskId)!.kind as keyof typeof expectedOutcome;
      for (let index = 0; index < 8; index += 1) expected[expectedOutcome[kind][repairMixSlots[index]!]] += 1;
    }
    expect(first.candidates.total).toBe(8 * failures.length);
    expect(first.candidates.outcomes).toEqual(expected);
    const candidates = store.repairCandidates(1);
    expect(candidates).toHaveLength(8 * failures.length);
    const chosen = candidates.filter((candidate) => candidate.chosen);
    expect(chosen).toHaveLength(failures.length);
    for (const candidate of chosen) expect(candidate.outcome).toBe('balanced');
    for (const failure of failures) {
      expect(failure.status).toBe('repaired');
      expect(failure.reason).toMatch(/highest R_pf/);
      expect(failure.repairPrompt).toContain(tasks.get(failure.taskId)!.prompt);
    }
    store.close();
  });

  it('exports sft, dpo and kto lines that parse with their schemas', () => {
    const exports = path.join(folder, 'exports');
    const sft = readLines(path.join(exports, 'sft.jsonl'));
    const dpo = readLines(path.join(exports, 'dpo.jsonl'));
    const kto = readLines(path.join(exports, 'kto.jsonl'));
    expect(sft).toHaveLength(2 * first.buffer.total);
    expect(dpo).toHaveLength(first.buffer.total);
    expect(kto).toHaveLength(first.buffer.total);
    for (const line of sft) sftLineSchema.parse(line);
    for (const line of dpo) dpoLineSchema.parse(line);
    for (const line of kto) expect(ktoLineSchema.parse(line).label).toBe(true);
    const [repairPair, originalPair] = sft.map((line) => sftLineSchema.parse(line));
    expect(repairPair!.messages[1]!.content).toContain('Earlier attempt:');
    expect(originalPair!.messages[1]!.content).not.toContain('Earlier attempt:');
    expect(repairPair!.messages.slice(2)).toEqual(originalPair!.messages.slice(2));
    const pair = dpoLineSchema.parse(dpo[0]);
    expect(pair.prompt.map((message) => message.role)).toEqual(['system', 'user']);
    expect(pair.chosen).not.toEqual(pair.rejected);
    expect(first.exports.sft.lines).toBe(sft.length);
  });

  it('does not duplicate buffer entries when the same run is repaired again, and exports stay in step', async () => {
    const again = await runCli(['repair', '--run', folder, '--json']);
    expect(again.code).toBe(0);
    const second = repairSummarySchema.parse(JSON.parse(again.stdout));
    expect(second.round).toBe(2);
    expect(second.buffer).toEqual({ added: 0, duplicates: first.failures.total, total: first.buffer.total });
    const database = new Database(path.join(folder, 'run.sqlite'), { readonly: true });
    const counts = database.prepare('SELECT COUNT(*) AS total, COUNT(DISTINCT task_id || char(0) || task_seed || char(0) || content_key) AS distinctEntries FROM replay_buffer').get() as {
      total: number;
      distinctEntries: number;
    };
    const rounds = database.prepare("SELECT round, status FROM repair_rounds ORDER BY round").all();
    database.close();
    expect(counts.total).toBe(first.failures.total);
    expect(counts.distinctEntries).toBe(counts.total);
    expect(rounds).toEqual([
      { round: 1, status: 'complete' },
      { round: 2, status: 'complete' },
    ]);
    expect(readLines(path.join(folder, 'exports', 'sft.jsonl'))).toHaveLength(2 * counts.total);
  });

  it('records failures no candidate repairs as unrepaired and exports them to kto as undesirable', async () => {
    // comply-all repeats each failure (no better than it) but carries out the benign twins.
    const result = await runCli(['repair', '--run', runId, '--runs', runs, '--policy', 'scripted:comply-all', '--k', '2', '--no-kto-desirable', '--no-sft-repair-prompt', '--json']);
    expect(result.code).toBe(0);
    const summary = repairSummarySchema.parse(JSON.parse(result.stdout));
    const twins = summary.failures.byType['over-refused'];
    expect(summary.repaired.value).toBeCloseTo(twins / summary.failures.total, 10);
    expect(summary.repairedByType['over-refused']?.value).toBe(1);
    expect(summary.repairedByType['followed-injection']?.value).toBe(0);
    expect(summary.buffer).toMatchObject({ added: 0, duplicates: twins });
    const kto = readLines(path.join(folder, 'exports', 'kto.jsonl')).map((line) => ktoLineSchema.parse(line));
    expect(kto).toHaveLength(summary.failures.total - twins);
    expect(kto.every((line) => !line.label)).toBe(true);
    expect(readLines(path.join(folder, 'exports', 'sft.jsonl'))).toHaveLength(summary.buffer.total);
    const store = RunStore.open(folder);
    const unrepaired = store.repairFailures(3).filter((failure) => failure.status === 'unrepaired');
    expect(unrepaired).toHaveLength(summary.failures.total - twins);
    for (const failure of unrepaired) expect(failure.reason).toContain('no better than the failure');
    store.close();
  });

  it('prints a readable summary without --json', async () => {
    const result = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '3', '--prompt-style', 'compact']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('failure type');
    expect(result.stdout).toContain('followed-injection');
    expect(result.stdout).toMatch(/candidate outcomes \(\d+\): unsafe \d+/);
    expect(result.stdout).toContain('tokens sampled: n/a');
    expect(result.stderr).toContain('repair round 4');
  });

  it.each([
    [['repair', '--run', 'no-such-run'], 'unknown run "no-such-run"'],
    [['repair', '--run', 'RUN', '--k', '0'], 'expected an integer from 1 to 256'],
    [['repair', '--run', 'RUN', '--k', 'eight'], 'expected an integer from 1 to 256'],
    [['repair', '--run', 'RUN', '--tie-break', 'coin-flip'], "argument 'coin-flip' is invalid"],
    [['repair', '--run', 'RUN', '--threshold', 'safety=1'], 'expected OBJECTIVE=VALUE'],
    [['repair', '--run', 'RUN', '--threshold', 'utility=2'], 'must be a number in [0, 1]'],
    [['repair', '--run', 'RUN', '--policy', 'scripted:nope'], 'unknown scripted policy'],
    [['repair', '--run', 'RUN', '--phase', 'rollout'], 'has no episodes in phase "rollout"; phases: eval (60)'],
  ])('rejects bad input %j with one line and exit 2', async (argv, message) => {
    const result = await runCli([...argv.map((argument) => (argument === 'RUN' ? runId : argument)), '--runs', runs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a run without episodes', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'fate-repair-empty-'));
    RunStore.create(empty, 'empty-run', 'eval', {}).close();
    const result = await runCli(['repair', '--run', 'empty-run', '--runs', empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no episodes');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
