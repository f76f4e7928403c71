import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPolicy } from '../src/policies/registry.js';
import { evaluateInWorkers, evalWorkerRequests } from '../src/eval/evaluate-in-workers.js';
import { evaluatePolicy, type EvaluatedEpisode } from '../src/eval/evaluate.js';
import { evalTasks, type EvalTaskSelection } from '../src/eval/eval-tasks.js';
import { defaultWorkerCount } from '../src/cli/default-workers.js';
import { trajectoryFromJsonLine } from '../src/trajectory/jsonl.js';
import type { Trajectory } from '../src/trajectory/trajectory.js';
import { runCli } from './support/run-cli.js';

afterEach(() => vi.restoreAllMocks());

/** What an evaluation gives for each task, in order: the task, its trajectory, its final state and its verdict. */
function outcomes(evaluated: readonly EvaluatedEpisode[]) {
  return evaluated.map((item) => ({ taskId: item.task.id, trajectory: item.episode.trajectory, before: item.episode.before, after: item.episode.after, verdict: item.verdict }));
}

describe('evaluation in worker processes', () => {
  it('gives every episode of the scripted oracle in task order, as one process does', async () => {
    const selection: EvalTaskSelection = { suite: 'all', split: 'dev', seed: 0, sizes: {}, limit: 11 };
    const tasks = evalTasks(selection);
    const inProcess = await evaluatePolicy(await createPolicy('scripted:oracle'), tasks);
    const finished: number[] = [];
    const inWorkers = await evaluateInWorkers({ policySpec: 'scripted:oracle', selection, tasks, workers: 3, batchSize: 64, onEpisodeDone: (count) => finished.push(count) });
    expect(outcomes(inWorkers)).toEqual(JSON.parse(JSON.stringify(outcomes(inProcess))));
    expect(finished).toEqual(Array.from({ length: 11 }, (_, index) => index + 1));
    // The oracle does not pass everything, so a mix-up of verdicts between tasks would show.
    expect(new Set(inWorkers.map((item) => item.verdict.scores.utility.value)).size).toBeGreaterThan(1);
  });

  it('rejects with the failing worker\'s one-line error', async () => {
    const selection: EvalTaskSelection = { suite: 'harm', split: 'dev', seed: 0, sizes: {}, limit: 4 };
    await expect(evaluateInWorkers({ policySpec: 'scripted:nope', selection, tasks: evalTasks(selection), workers: 2, batchSize: 64 })).rejects.toThrow(/^eval worker \d: .*unknown scripted policy/);
  });

  it('the embedded policy samples the same episodes in two processes as in one (`fate eval --workers`)', async () => {
    const summaries: string[] = [];
    const trajectories: string[] = [];
    for (const workers of ['1', '2']) {
      const runs = mkdtempSync(path.join(tmpdir(), 'fate-eval-workers-'));
      const result = await runCli(['eval', '--policy', 'tiny', '--suite', 'all', '--split', 'test', '--limit', '6', '--workers', workers, '--json', '--runs', runs]);
      expect(result.code, result.stderr).toBe(0);
      summaries.push(result.stdout);
      const [runId] = readdirSync(runs);
      trajectories.push(readFileSync(path.join(runs, runId!, 'trajectories.jsonl'), 'utf8'));
    }
    const [one, two] = trajectories.map((text) => text.trim().split('\n').map((line) => trajectoryFromJsonLine(line)));
    expect(two!.map((trajectory) => trajectory.messages)).toEqual(one!.map((trajectory) => trajectory.messages));
    // The same tokens were sampled; their log-probabilities agree to float noise (rows are padded to their batch's longest prompt).
    const steps = (trajectories: Trajectory[]) => trajectories.flatMap((trajectory) => trajectory.steps);
    expect(steps(two!).map((step) => step.tokenIds)).toEqual(steps(one!).map((step) => step.tokenIds));
    const logProbs = (trajectories: Trajectory[]) => steps(trajectories).flatMap((step) => step.logProbs ?? []);
    expect(logProbs(one!).length).toBeGreaterThan(100);
    logProbs(two!).forEach((value, index) => expect(value).toBeCloseTo(logProbs(one!)[index]!, 4));
    expect(summaries[1]).toBe(summaries[0]);
  }, 300_000);

  it('sends each worker the config\'s decoding section with its share of the tasks', () => {
    const selection: EvalTaskSelection = { suite: 'all', split: 'dev', seed: 0, sizes: {}, limit: 5 };
    const tasks = evalTasks(selection);
    const requests = evalWorkerRequests({ policySpec: 'tiny', decoding: { temperature: 0, maxNewTokens: 8 }, selection, tasks, workers: 2, batchSize: 4 }, [0, 1, 2, 3, 4]);
    expect(requests).toEqual([
      { policySpec: 'tiny', decoding: { temperature: 0, maxNewTokens: 8 }, selection, indices: [0, 2, 4], batchSize: 4 },
      { policySpec: 'tiny', decoding: { temperature: 0, maxNewTokens: 8 }, selection, indices: [1, 3], batchSize: 4 },
    ]);
    expect(evalWorkerRequests({ policySpec: 'tiny', selection, tasks, workers: 1, batchSize: 4 }, [0])[0]).not.toHaveProperty('decoding');
  });

  it('the embedded policy\'s worker processes sample with the config\'s decoding, as one process does', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'fate-eval-workers-decoding-'));
    const config = path.join(folder, 'fate.config.json');
    // Turns of at most 8 tokens: a worker that kept the evaluation decoding (160) would write longer ones.
    writeFileSync(config, JSON.stringify({ decoding: { temperature: 0, maxNewTokens: 8 } }));
    const trajectories: Trajectory[][] = [];
    for (const workers of ['1', '2']) {
      const runs = mkdtempSync(path.join(folder, 'runs-'));
      const result = await runCli(['eval', '--policy', 'tiny', '--split', 'dev', '--limit', '2', '--workers', workers, '--config', config, '--json', '--runs', runs]);
      expect(result.code, result.stderr).toBe(0);
      const [runId] = readdirSync(runs);
      trajectories.push(readFileSync(path.join(runs, runId!, 'trajectories.jsonl'), 'utf8').trim().split('\n').map((line) => trajectoryFromJsonLine(line)));
    }
    const [one, two] = trajectories;
    const tokenIds = (run: Trajectory[]) => run.flatMap((trajectory) => trajectory.steps.map((step) => step.tokenIds ?? []));
    expect(tokenIds(two!).some((ids) => ids.length > 0)).toBe(true);
    for (const ids of tokenIds(two!)) expect(ids.length).toBeLessThanOrEqual(8);
    expect(tokenIds(two!)).toEqual(tokenIds(one!));
    expect(two!.map((trajectory) => trajectory.messages)).toEqual(one!.map((trajectory) => trajectory.messages));
  }, 120_000);

  it('defaults to two processes for the embedded policy only, and refuses a bad count in one line', async () => {
    expect(defaultWorkerCount('tiny')).toBeLessThanOrEqual(2);
    expect(defaultWorkerCount('tiny:models/base')).toBe(defaultWorkerCount('tiny'));
    expect(defaultWorkerCount('scripted:oracle')).toBe(1);
    expect(defaultWorkerCount('llamacpp:base.gguf')).toBe(1);
    for (const bad of ['0', 'two', '65']) {
      const result = await runCli(['eval', '--policy', 'scripted:oracle', '--workers', bad]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('expected an integer from 1 to 64');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
