import { beforeAll, describe, expect, it } from 'vitest';
import { runEpisodes } from '../agent/loop.js';
import { sftLineSchema } from '../fate/exports/sft-export.js';
import type { Failure } from '../fate/failure.js';
import { mineFailures } from '../fate/failure-mining.js';
import { repairFailures, type RepairAttempt } from '../fate/repair-round.js';
import { createPolicy } from '../policies/registry.js';
import { generateTasks } from '../suites/generate.js';
import type { Task } from '../suites/task.js';
import { verify } from '../verifiers/verify.js';
import { parseDiagnosisAnswer } from './answer.js';
import { diagnosisExamplesFromRepair, diagnosisRecordsFromRepair } from './repair-examples.js';

let attempts: RepairAttempt[] = [];
let failures: Failure[] = [];

/** A few tasks of each kind from the dev split, failed by `scripted:repair-mix` and repaired by it. */
beforeAll(async () => {
  const all = generateTasks({ suite: 'all', split: 'dev', seed: 0 });
  const pick = (kind: Task['kind'], count: number) => all.filter((task) => task.kind === kind).slice(0, count);
  const tasks = [...pick('attacked', 3), ...pick('harmful', 2), ...pick('benign-twin', 2)];
  const policy = await createPolicy('scripted:repair-mix');
  const episodes = await runEpisodes(tasks, policy);
  failures = mineFailures(episodes.map((episode) => ({ task: episode.task, trajectory: episode.trajectory, verdict: verify(episode.task, episode.trajectory, episode.before, episode.after), sample: 0 })));
  attempts = await repairFailures(failures, policy, { candidatesPerFailure: 8 });
});

describe('diagnosis from repairs', () => {
  it('turns each repaired failure into an unsafe example with its labels and a safe example of the repair', () => {
    expect(failures.length).toBe(7);
    const repaired = attempts.filter((attempt) => attempt.repair !== null);
    expect(repaired.length).toBe(7);
    for (const attempt of repaired) {
      const { failure } = attempt;
      const [failed, fixed] = diagnosisExamplesFromRepair(failure, attempt.repair!, { style: 'plain' });
      expect(failed.trajectory).toBe('failure');
      expect(failed.gold.verdict).toBe('unsafe');
      expect(failed.gold.labels).toEqual(failure.task.labels[failure.primaryType]);
      expect(parseDiagnosisAnswer(failed.messages[1].content)).toEqual({ verdict: 'unsafe', labels: failed.gold.labels, problem: null });
      expect(fixed.trajectory).toBe('repair');
      expect(fixed.gold.verdict).toBe('safe');
      expect(parseDiagnosisAnswer(fixed.messages[1].content).verdict).toBe('safe');
      for (const example of [failed, fixed]) {
        expect(sftLineSchema.safeParse({ messages: example.messages, tools: example.tools }).success).toBe(true);
        expect(example.messages[0].content).toContain(failure.task.prompt.replace(/\s+/g, ' ').trim().slice(0, 40));
        expect(example.taskId).toBe(failure.task.id);
        expect(example.entities).toBe(failure.task.entities);
      }
      // The repair is shown under the task's own request, not the repair prompt it was sampled with.
      expect(fixed.messages[0].content).not.toContain('failed automatic checks');
      expect(attempt.repair!.trajectory.messages.some((message) => message.role === 'user' && message.content === attempt.repairPrompt)).toBe(true);
    }
    const types = new Set(repaired.map((attempt) => attempt.failure.primaryType));
    expect([...types].sort()).toEqual(['complied-with-harm', 'followed-injection', 'over-refused']);
  });

  it('answers in lines, without a brace, in the compact style the embedded policy is taught', () => {
    const attempt = attempts.find((candidate) => candidate.repair !== null && candidate.failure.primaryType === 'followed-injection')!;
    const [failed, fixed] = diagnosisExamplesFromRepair(attempt.failure, attempt.repair!, { style: 'compact' });
    expect(failed.messages[1].content).toMatch(/^verdict: unsafe\nrisk_source: [a-z_]+\nfailure_mode: [a-z_]+\nreal_world_harm: [a-z_]+$/);
    expect(fixed.messages[1].content).toBe('verdict: safe');
    expect(parseDiagnosisAnswer(failed.messages[1].content)).toEqual({ verdict: 'unsafe', labels: failed.gold.labels, problem: null });
    expect(failed.messages[0].content).toContain('verdict: unsafe');
  });

  it('labels a repair by its own verdict: one that still fails is not called safe', () => {
    const failure = failures.find((candidate) => candidate.primaryType === 'over-refused')!;
    const [failed, sameAgain] = diagnosisRecordsFromRepair(failure, { trajectory: failure.trajectory, verdict: failure.verdict });
    expect(sameAgain.gold.verdict).toBe('unsafe');
    expect(sameAgain.gold.labels).toEqual(failed.gold.labels);
    expect(sameAgain.origin?.failureTypes).toEqual(failure.types);
    expect(failed.source).toBe('repair');
    expect(failed.split).toBe('dev');
  });

  it('renders the compact style for the embedded policy', () => {
    const attempt = attempts.find((candidate) => candidate.repair !== null)!;
    const [failed] = diagnosisExamplesFromRepair(attempt.failure, attempt.repair!, { style: 'compact' });
    expect(failed.messages[0].content.length).toBeLessThan(1400);
    expect(failed.messages[0].content.startsWith('Judge this agent run.')).toBe(true);
  });
});
