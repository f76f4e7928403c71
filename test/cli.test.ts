import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './support/run-cli.js';
import { suiteMetricsSchema } from '../src/eval/metrics.js';
import { generateTasks } from '../src/suites/generate.js';
import { trajectoryFromJsonLine } from '../src/trajectory/jsonl.js';


const temporary = () => mkdtempSync(path.join(tmpdir(), 'fate-cli-'));

afterEach(() => vi.restoreAllMocks());

describe('fate eval', () => {
  it('prints the summary shape with --json and stores every trajectory', async () => {
    const runs = temporary();
    const result = await runCli(['eval', '--policy', 'scripted:oracle', '--suite', 'all', '--split', 'test', '--limit', '40', '--json', '--runs', runs]);
    expect(result.stderr).not.toContain('unexpected');
    expect(result.code).toBe(0);
    const summary = suiteMetricsSchema.parse(JSON.parse(result.stdout));
    expect(summary.suites.injection?.tsr).toMatchObject({ n: expect.any(Number), ci95: [expect.any(Number), expect.any(Number)] });
    expect(summary.suites.harm?.safeScore.value).toBeGreaterThan(0);
    const [runId] = readdirSync(runs);
    const folder = path.join(runs, runId!);
    expect(JSON.parse(readFileSync(path.join(folder, 'summary.json'), 'utf8')).suites).toEqual(summary.suites);
    const database = new Database(path.join(folder, 'run.sqlite'), { readonly: true });
    expect((database.prepare('SELECT COUNT(*) AS n FROM episodes').get() as { n: number }).n).toBe(40);
    expect((database.prepare('SELECT status FROM runs').get() as { status: string }).status).toBe('complete');
    database.close();
    const lines = readFileSync(path.join(folder, 'trajectories.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(40);
    for (const line of lines) {
      const trajectory = trajectoryFromJsonLine(line);
      expect(trajectory.messages[0]?.role).toBe('system');
      const record = JSON.parse(line);
      expect(Object.keys(record).sort()).toEqual(['messages', 'metadata', 'tools']);
      for (const message of trajectory.messages) {
        if (message.role === 'assistant') for (const call of message.tool_calls ?? []) expect(typeof call.function.arguments).toBe('string');
      }
    }
  });

  it('prints a readable table without --json', async () => {
    const runs = temporary();
    const result = await runCli(['eval', '--policy', 'scripted:refuse-all', '--suite', 'harm', '--split', 'dev', '--runs', runs]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('BRR (benign refusal)');
    expect(result.stdout).toContain('95% CI');
  });

  it.each([
    [['eval', '--policy', 'scripted:nope'], 'unknown scripted policy'],
    [['eval', '--policy', 'gpt9'], 'unknown policy'],
    [['eval', '--policy', 'scripted:oracle', '--split', 'validation'], "argument 'validation' is invalid"],
    [['eval', '--policy', 'scripted:oracle', '--suite', 'everything'], "argument 'everything' is invalid"],
    [['eval', '--policy', 'scripted:oracle', '--limit', 'ten'], 'expected a non-negative integer'],
  ])('rejects bad input %j with one line and exit 2, leaving no run behind', async (argv, message) => {
    const runs = temporary();
    const result = await runCli([...argv, '--runs', runs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(runs)).toEqual([]);
  });

  it('rejects a malformed config naming the file and the field', async () => {
    const folder = temporary();
    const config = path.join(folder, 'fate.config.json');
    writeFileSync(config, JSON.stringify({ seed: 1, suites: { benignPerTemplate: -3 } }));
    const result = await runCli(['eval', '--policy', 'scripted:oracle', '--config', config, '--runs', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(config);
    expect(result.stderr).toContain('suites.benignPerTemplate');
    writeFileSync(config, '{ not json');
    const unparsable = await runCli(['eval', '--policy', 'scripted:oracle', '--config', config, '--runs', folder]);
    expect(unparsable.code).toBe(2);
    expect(unparsable.stderr).toContain('not valid JSON');
    writeFileSync(config, JSON.stringify({ sed: 1 }));
    const unknownKey = await runCli(['eval', '--policy', 'scripted:oracle', '--config', config, '--runs', folder]);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('sed');
    expect(existsSync(path.join(folder, 'summary.json'))).toBe(false);
  });
});

describe('fate suites', () => {
  it('lists families and attacks, with split sizes equal to what generation produces', async () => {
    const result = await runCli(['suites', '--json']);
    expect(result.code).toBe(0);
    const description = JSON.parse(result.stdout);
    expect(description.injection.userTaskTemplates.length).toBeGreaterThanOrEqual(40);
    expect(description.injection.injectionGoals.length).toBeGreaterThanOrEqual(12);
    expect(description.injection.attacks.length).toBeGreaterThanOrEqual(5);
    expect(description.harm.behaviours.length).toBeGreaterThanOrEqual(32);
    for (const split of ['train', 'dev', 'test'] as const) {
      const tasks = generateTasks({ suite: 'all', split, seed: 0 });
      const count = (kind: string) => tasks.filter((task) => task.kind === kind).length;
      expect(description.injection.sizes[split]).toEqual({ benign: count('benign'), attacked: count('attacked') });
      expect(description.harm.sizes[split]).toEqual({ harmful: count('harmful'), benignTwin: count('benign-twin') });
    }
    const text = await runCli(['suites']);
    expect(text.stdout).toContain('important-instructions');
    expect(text.stdout).toContain('Split sizes');
  });
});
