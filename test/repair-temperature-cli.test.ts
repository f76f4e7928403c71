/**
 * `fate repair --temperature`: the K candidates' free text is sampled at the temperature asked
 * for, end to end through the CLI with the embedded policy (a small random checkpoint).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeRandomCheckpoint } from '../src/export/testing/random-checkpoint.js';
import { repairSummarySchema } from '../src/fate/repair-summary.js';
import { RunStore } from '../src/store/run-store.js';
import { runCli } from './support/run-cli.js';

/** The assistant turns of each failure's candidates in `round`, one string per candidate, grouped by failure. */
function candidateTurns(folder: string, round: number): string[][] {
  const store = RunStore.open(folder);
  try {
    const byFailure = new Map<string, string[]>();
    for (const candidate of store.repairCandidates(round)) {
      const key = `${candidate.taskId}#${candidate.sample}`;
      const turns = candidate.trajectory.messages.filter((message) => message.role === 'assistant');
      byFailure.set(key, [...(byFailure.get(key) ?? []), JSON.stringify(turns)]);
    }
    return [...byFailure.values()];
  } finally {
    store.close();
  }
}

describe('fate repair --temperature', () => {
  const runs = mkdtempSync(path.join(tmpdir(), 'fate-repair-temperature-'));
  let folder = '';
  let runId = '';

  beforeAll(async () => {
    const checkpoint = mkdtempSync(path.join(tmpdir(), 'fate-repair-temperature-model-'));
    await writeRandomCheckpoint(checkpoint, { seed: 9, shape: { maxSequence: 4096 } });
    const evaluated = await runCli(['eval', '--policy', `tiny:${checkpoint}`, '--suite', 'all', '--split', 'dev', '--limit', '3', '--runs', runs, '--json']);
    expect(evaluated.code).toBe(0);
    runId = readdirSync(runs)[0]!;
    folder = path.join(runs, runId);
  }, 120_000);

  it('samples greedy candidates at temperature 0 and says so in the summary', async () => {
    const result = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '3', '--temperature', '0', '--json']);
    expect(result.code).toBe(0);
    const summary = repairSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.temperature).toBe(0);
    const groups = candidateTurns(folder, summary.round);
    expect(groups.length).toBeGreaterThan(0);
    // Greedy decoding of the same repair prompt: every candidate of a failure is the same.
    for (const turns of groups) expect(new Set(turns).size).toBe(1);
  }, 120_000);

  it('samples at temperature 1 without the flag (candidates differ)', async () => {
    const result = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '3', '--json']);
    expect(result.code).toBe(0);
    const summary = repairSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.temperature).toBe(1);
    const groups = candidateTurns(folder, summary.round);
    expect(groups.some((turns) => new Set(turns).size > 1)).toBe(true);
  }, 120_000);

  it('shows the temperature in the readable summary', async () => {
    const result = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '2', '--temperature', '0.5']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('K = 2 at temperature 0.5');
  }, 120_000);

  it("samples with the policy's own decoding with --temperature own", async () => {
    const result = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '2', '--temperature', 'own', '--json']);
    expect(result.code).toBe(0);
    expect(repairSummarySchema.parse(JSON.parse(result.stdout)).temperature).toBeUndefined();
  }, 120_000);

  it("samples with the config's decoding in worker processes as in one (--temperature own)", async () => {
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'fate-repair-decoding-')), 'fate.config.json');
    // Greedy turns of at most 6 tokens: a worker that kept the evaluation decoding (160 tokens a turn) would write longer ones.
    writeFileSync(config, JSON.stringify({ decoding: { temperature: 0, maxNewTokens: 6 } }));
    const rounds: number[] = [];
    for (const workers of ['1', '2']) {
      const result = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '2', '--temperature', 'own', '--workers', workers, '--config', config, '--json']);
      expect(result.code, result.stderr).toBe(0);
      rounds.push(repairSummarySchema.parse(JSON.parse(result.stdout)).round);
    }
    const store = RunStore.open(folder);
    try {
      const stepTokens = (round: number) => store.repairCandidates(round).flatMap((candidate) => candidate.trajectory.steps.map((step) => step.tokenIds ?? []));
      const [one, two] = rounds.map(stepTokens);
      expect(two!.some((ids) => ids.length > 0)).toBe(true);
      for (const ids of two!) expect(ids.length).toBeLessThanOrEqual(6);
      expect(two).toEqual(one);
    } finally {
      store.close();
    }
  }, 180_000);

  it.each(['-1', 'hot', '6', '1e3'])('rejects --temperature %s with one line and exit 2', async (value) => {
    const result = await runCli(['repair', '--run', runId, '--runs', runs, '--temperature', value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a number from 0 to 5');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
