import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { trajectoryFromJsonLine } from '../src/trajectory/jsonl.js';
import { runCli } from './support/run-cli.js';

afterEach(() => vi.restoreAllMocks());

/** Runs `fate eval` to the end, then makes its run look interrupted after `kept` episodes (later ones lost, no summary). */
async function interruptedRun(argv: string[], kept: number): Promise<{ runs: string; runId: string; summary: string; trajectories: string }> {
  const runs = mkdtempSync(path.join(tmpdir(), 'fate-eval-resume-'));
  const complete = await runCli(['eval', ...argv, '--json', '--runs', runs]);
  expect(complete.code, complete.stderr).toBe(0);
  const [runId] = readdirSync(runs);
  const folder = path.join(runs, runId!);
  const trajectories = readFileSync(path.join(folder, 'trajectories.jsonl'), 'utf8');
  const database = new Database(path.join(folder, 'run.sqlite'));
  // Episodes are stored as they finish; keep the first `kept` rows stored, as a run stopped then would have.
  database.prepare('DELETE FROM episodes WHERE rowid NOT IN (SELECT rowid FROM episodes ORDER BY rowid LIMIT ?)').run(kept);
  database.prepare("UPDATE runs SET status = 'failed', error = 'interrupted'").run();
  database.close();
  rmSync(path.join(folder, 'summary.json'));
  rmSync(path.join(folder, 'trajectories.jsonl'));
  return { runs, runId: runId!, summary: complete.stdout, trajectories };
}

function episodeCount(runs: string, runId: string): number {
  const database = new Database(path.join(runs, runId, 'run.sqlite'), { readonly: true });
  const { n } = database.prepare('SELECT COUNT(*) AS n FROM episodes').get() as { n: number };
  const { status } = database.prepare('SELECT status FROM runs').get() as { status: string };
  database.close();
  expect(status).toBe('complete');
  return n;
}

describe('fate eval --resume', () => {
  it('runs only the episodes an interrupted run did not store and ends with the summary of an uninterrupted run', async () => {
    const { runs, runId, summary, trajectories } = await interruptedRun(['--policy', 'scripted:oracle', '--suite', 'all', '--split', 'dev', '--limit', '12'], 7);
    const resumed = await runCli(['eval', '--resume', runId, '--runs', runs, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming run ${runId}: 7 of 12 episodes stored, 5 to run`);
    expect(resumed.stdout).toBe(summary);
    expect(readFileSync(path.join(runs, runId, 'trajectories.jsonl'), 'utf8')).toBe(trajectories);
    expect(episodeCount(runs, runId)).toBe(12);
    expect(JSON.parse(readFileSync(path.join(runs, runId, 'summary.json'), 'utf8')).suites).toEqual(JSON.parse(summary).suites);
  });

  it('the embedded policy samples the episodes it resumes as it would have in one go', async () => {
    const { runs, runId, summary, trajectories } = await interruptedRun(['--policy', 'tiny', '--suite', 'injection', '--split', 'test', '--limit', '5', '--workers', '1'], 2);
    const resumed = await runCli(['eval', '--resume', path.join(runs, runId), '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toBe(summary);
    const lines = (text: string) => text.trim().split('\n').map((line) => trajectoryFromJsonLine(line));
    expect(lines(readFileSync(path.join(runs, runId, 'trajectories.jsonl'), 'utf8')).map((trajectory) => trajectory.messages)).toEqual(lines(trajectories).map((trajectory) => trajectory.messages));
    expect(episodeCount(runs, runId)).toBe(5);
  }, 300_000);

  it('refuses, in one line, a complete run, a missing run, a run of another command and flags that would change what it rolls out', async () => {
    const { runs, runId } = await interruptedRun(['--policy', 'scripted:oracle', '--suite', 'harm', '--split', 'dev', '--limit', '4'], 1);
    const cases: [string[], string][] = [
      [['eval', '--resume', runId, '--runs', runs, '--policy', 'scripted:refuse-all'], `run ${runId} was started with --policy scripted:oracle; leave --policy out to continue it`],
      [['eval', '--resume', runId, '--runs', runs, '--split', 'test'], '--split dev'],
      [['eval', '--resume', 'no-such-run', '--runs', runs], '--resume no-such-run: no run there'],
      [['eval', '--runs', runs], "required option '--policy <spec>' not specified"],
    ];
    for (const [argv, message] of cases) {
      const result = await runCli(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    // The same flags as the run's are allowed; then the run is complete and cannot be resumed again.
    const resumed = await runCli(['eval', '--resume', runId, '--runs', runs, '--policy', 'scripted:oracle', '--split', 'dev']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const again = await runCli(['eval', '--resume', runId, '--runs', runs]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`run ${runId} is complete`);
    const other = await interruptedRun(['--policy', 'scripted:oracle', '--suite', 'harm', '--split', 'dev', '--limit', '2'], 1);
    const database = new Database(path.join(other.runs, other.runId, 'run.sqlite'));
    database.prepare("UPDATE runs SET command = 'evolve'").run();
    database.close();
    const notEval = await runCli(['eval', '--resume', other.runId, '--runs', other.runs]);
    expect(notEval.code).toBe(2);
    expect(notEval.stderr).toContain(`run ${other.runId} was made by fate evolve, not fate eval`);
  });
});
