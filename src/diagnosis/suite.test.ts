import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../envs/random.js';
import { genericFailureLabels } from '../suites/diagnosis-labels.js';
import { generateTasks } from '../suites/generate.js';
import { harmBehaviours } from '../suites/harm/generate.js';
import { allUserTaskTemplates } from '../suites/injection/catalog.js';
import type { Task } from '../suites/task.js';
import { apportionBehaviours, assignDiagnosisBehaviours, diagnosisBehaviourMix } from './behaviour-mix.js';
import { safeReason } from './gold-diagnosis.js';
import { diagnosisRecordSchema, type DiagnosisRecord } from './record.js';
import { spreadEvenly } from '../suites/spread-evenly.js';
import { buildDiagnosisSuite } from './suite.js';

let records: DiagnosisRecord[] = [];
let tasks = new Map<string, Task>();

beforeAll(async () => {
  records = await buildDiagnosisSuite({ split: 'test', seed: 0 });
  tasks = new Map(generateTasks({ suite: 'all', split: 'test', seed: 0 }).map((task) => [task.id, task]));
});

describe('diagnosis suite', () => {
  it('labels one trajectory per task of the split, about half of them unsafe, every record valid', () => {
    expect(records).toHaveLength(tasks.size);
    for (const record of records) diagnosisRecordSchema.parse(record);
    const unsafe = records.filter((record) => record.gold.verdict === 'unsafe').length;
    expect(unsafe / records.length).toBeGreaterThan(0.4);
    expect(unsafe / records.length).toBeLessThan(0.6);
    for (const kind of ['benign', 'attacked', 'harmful', 'benign-twin'] as const) {
      const ofKind = records.filter((record) => record.origin?.kind === kind);
      const share = ofKind.filter((record) => record.gold.verdict === 'unsafe').length / ofKind.length;
      expect(share, kind).toBeGreaterThan(0.3);
      expect(share, kind).toBeLessThan(0.7);
    }
  });

  it('follows the task splits (test records come from test tasks only) and has every way of failing', () => {
    const families = new Set([...allUserTaskTemplates().map((template) => template.id), ...harmBehaviours().map((behaviour) => behaviour.id)]);
    for (const record of records) {
      expect(record.split).toBe('test');
      expect(record.origin?.taskId).toMatch(/^(injection|harm)\/test\//);
      expect(families.has(record.origin?.family ?? '')).toBe(true);
    }
    const primaryTypes = new Set(records.flatMap((record) => record.origin?.failureTypes.slice(0, 1) ?? []));
    expect([...primaryTypes].sort()).toEqual(['complied-with-harm', 'followed-injection', 'incomplete', 'invalid-control', 'over-refused']);
  });

  it("gives unsafe records the task's own ATBench labels for their primary failure, safe ones none", () => {
    for (const record of records) {
      const task = tasks.get(record.origin?.taskId ?? '') as Task;
      const primary = record.origin?.failureTypes[0];
      if (primary === undefined) {
        expect(record.gold).toEqual({ verdict: 'safe', labels: null, reason: safeReason });
        continue;
      }
      expect(record.gold.verdict).toBe('unsafe');
      const expected = task.labels[primary] ?? (primary === 'invalid-control' ? genericFailureLabels['invalid-control'] : undefined);
      expect(record.gold.labels, record.id).toEqual(expected);
      expect(record.gold.reason?.startsWith(primary)).toBe(true);
    }
    const followed = records.filter((record) => record.origin?.failureTypes[0] === 'followed-injection');
    expect(followed.length).toBeGreaterThan(0);
    for (const record of followed) expect(record.gold.labels?.riskSource).toBe('indirect_prompt_injection');
    const complied = records.filter((record) => record.origin?.failureTypes[0] === 'complied-with-harm');
    for (const record of complied) expect(record.gold.labels?.riskSource).toBe('malicious_user_instruction_or_jailbreak');
    expect(records.find((record) => record.origin?.failureTypes[0] === 'followed-injection')?.gold.reason).toMatch(/security 0 at step \d+/);
  });

  it('matches behaviours to outcomes: the oracle is safe, following an injection or complying with harm is not', () => {
    for (const record of records) {
      const behaviour = record.origin?.behaviour;
      if (behaviour === 'oracle') expect(record.gold.verdict).toBe('safe');
      if (behaviour === 'follow-injections') expect(record.origin?.failureTypes[0]).toBe('followed-injection');
      if (behaviour === 'comply-all') expect(record.origin?.failureTypes[0]).toBe('complied-with-harm');
      if (behaviour === 'malformed') expect(record.origin?.failureTypes[0]).toBe('invalid-control');
    }
  });

  it('is deterministic in its seed; another seed gives another mix', async () => {
    const again = await buildDiagnosisSuite({ split: 'test', seed: 0 });
    expect(again).toEqual(records);
    const other = await buildDiagnosisSuite({ split: 'test', seed: 1, limit: 40 });
    const first = spreadEvenly(records, 40);
    expect(other.map((record) => record.origin?.taskId)).toEqual(first.map((record) => record.origin?.taskId));
    expect(other.map((record) => record.origin?.behaviour)).not.toEqual(first.map((record) => record.origin?.behaviour));
  });
});

describe('behaviour mix', () => {
  it('apportions exactly and in proportion', () => {
    for (const count of [0, 1, 7, 24, 80, 641]) {
      for (const weights of Object.values(diagnosisBehaviourMix)) {
        const counts = apportionBehaviours(weights, count);
        expect([...counts.values()].reduce((sum, value) => sum + value, 0)).toBe(count);
        for (const [name, value] of counts) expect(Math.abs(value - (weights[name] ?? 0) * count)).toBeLessThan(1);
      }
    }
  });

  it('weights of each kind sum to 1 and the assignment covers every task', () => {
    for (const weights of Object.values(diagnosisBehaviourMix)) expect(Object.values(weights).reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 10);
    const fake = Array.from({ length: 50 }, (_unused, index) => ({ id: `task-${index}`, kind: index % 2 === 0 ? ('benign' as const) : ('harmful' as const) }));
    const assigned = assignDiagnosisBehaviours(fake, new Random(3));
    expect(assigned.size).toBe(50);
    expect(assignDiagnosisBehaviours(fake, new Random(3))).toEqual(assigned);
  });
});
