import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../src/eval/evaluate.js';
import { mineFailures } from '../src/fate/failure-mining.js';
import { repairFailuresInWorkers } from '../src/fate/repair-in-workers.js';
import { repairFailures, type RepairAttempt } from '../src/fate/repair-round.js';
import { createPolicy } from '../src/policies/registry.js';
import { generateTasks } from '../src/suites/generate.js';
import { spreadEvenly } from '../src/suites/spread-evenly.js';
import { runCli } from './support/run-cli.js';

/** What a repair gives per failure: the prompt, each candidate's messages and scores, and the choice. */
const attemptsOf = (attempts: readonly RepairAttempt[], withLogProbabilities = true) =>
  attempts.map((attempt) => ({
    task: attempt.failure.task.id,
    prompt: attempt.repairPrompt,
    chosen: attempt.selection.chosenIndex,
    candidates: attempt.candidates.map((candidate) => ({
      messages: candidate.trajectory.messages,
      tokens: candidate.trajectory.steps.map((step) => step.tokenIds ?? null),
      ...(withLogProbabilities ? { logProbabilities: candidate.trajectory.steps.map((step) => step.logProbs ?? null) } : {}),
      vector: candidate.vector,
      outcome: candidate.outcome,
    })),
  }));

async function failuresOf(policySpec: string, limit: number) {
  const tasks = spreadEvenly(generateTasks({ suite: 'all', split: 'train', seed: 0, sizes: {} }), limit);
  const scored = await evaluatePolicy(await createPolicy(policySpec), tasks);
  return mineFailures(scored.map((item) => ({ task: item.task, trajectory: item.episode.trajectory, verdict: item.verdict, sample: 0 })));
}

describe('repair in worker processes', () => {
  it('gives the attempts of one process, handed on in failure order, for a scripted policy and for the embedded one', async () => {
    for (const [spec, limit, k] of [
      ['scripted:repair-mix', 12, 8],
      ['tiny', 8, 2],
    ] as const) {
      const failures = await failuresOf(spec, limit);
      expect(failures.length).toBeGreaterThan(2);
      const options = { candidatesPerFailure: k, promptStyle: spec === 'tiny' ? ('compact' as const) : ('plain' as const), batchSize: 16 };
      const inProcess = await repairFailures(failures, await createPolicy(spec), options);
      const handedOn: RepairAttempt[] = [];
      const done: number[] = [];
      const inWorkers = await repairFailuresInWorkers({
        policySpec: spec,
        failures,
        workers: 2,
        options,
        onAttempts: (group) => handedOn.push(...group),
        onCandidateDone: (count, total) => done.push(count / total),
      });
      expect(attemptsOf(inWorkers, false)).toEqual(attemptsOf(inProcess, false));
      expect(handedOn.map((attempt) => attempt.failure.task.id)).toEqual(failures.map((failure) => failure.task.id));
      expect(done.at(-1)).toBe(1);
      // Rows are padded to their batch's longest prompt, so the embedded policy's log-probabilities
      // agree to float32 rounding, not bit for bit.
      const workerLogProbabilities = attemptsOf(inWorkers).flatMap((attempt) => attempt.candidates.flatMap((candidate) => (candidate.logProbabilities ?? []).flat()));
      const processLogProbabilities = attemptsOf(inProcess).flatMap((attempt) => attempt.candidates.flatMap((candidate) => (candidate.logProbabilities ?? []).flat()));
      expect(workerLogProbabilities.length).toBe(processLogProbabilities.length);
      workerLogProbabilities.forEach((value, index) => expect(Math.abs((value ?? 0) - (processLogProbabilities[index] ?? 0))).toBeLessThan(1e-4));
    }
  }, 600_000);

  it('fate repair --workers 2 stores and exports what --workers 1 does', async () => {
    const summaries = [];
    for (const workers of ['1', '2']) {
      const runs = mkdtempSync(path.join(tmpdir(), 'fate-repair-workers-'));
      const evaluated = await runCli(['eval', '--policy', 'scripted:repair-mix', '--split', 'train', '--limit', '16', '--runs', runs, '--json']);
      expect(evaluated.code).toBe(0);
      const runId = readdirSync(runs)[0]!;
      const repaired = await runCli(['repair', '--run', runId, '--runs', runs, '--k', '4', '--workers', workers, '--json']);
      expect(repaired.code, repaired.stderr).toBe(0);
      const summary = JSON.parse(repaired.stdout);
      summaries.push({
        ...summary,
        run: undefined,
        seconds: undefined,
        exports: undefined,
        sft: readFileSync(summary.exports.sft.file, 'utf8'),
        dpo: readFileSync(summary.exports.dpo.file, 'utf8'),
      });
    }
    expect(summaries[0].failures.total).toBeGreaterThan(0);
    expect(summaries[1]).toEqual(summaries[0]);
  }, 300_000);

  it('rejects with the failing worker\'s one-line error, and the CLI refuses a bad count', async () => {
    const failures = await failuresOf('scripted:repair-mix', 6);
    await expect(repairFailuresInWorkers({ policySpec: 'scripted:nope', failures, workers: 2, options: {} })).rejects.toThrow(/^repair worker \d: .*unknown scripted policy/);
    const result = await runCli(['repair', '--run', 'RUN', '--workers', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected an integer from 1 to 64');
  });
});
