import { beforeAll, describe, expect, it } from 'vitest';
import { runEpisodes } from '../agent/loop.js';
import type { Policy, PolicyRequest, PolicyResponse } from '../agent/policy.js';
import { createPolicy } from '../policies/registry.js';
import { generateTasks } from '../suites/generate.js';
import { formatDiagnosisAnswer } from './answer.js';
import { diagnoseRecords } from './diagnose.js';
import { diagnosisMetrics } from './metrics.js';
import { diagnosisRecordSchema, type DiagnosisRecord } from './record.js';
import { buildDiagnosisSuite } from './suite.js';

let records: DiagnosisRecord[] = [];

beforeAll(async () => {
  records = await buildDiagnosisSuite({ split: 'dev', seed: 0, limit: 48 });
});

async function metricsOf(policy: Policy, batchSize = 16) {
  const outcomes = await diagnoseRecords(records, policy, { style: 'plain', batchSize });
  return { outcomes, metrics: diagnosisMetrics(outcomes.map((outcome) => ({ gold: outcome.record.gold, predicted: outcome.predicted }))) };
}

/** A policy that answers by a rule over the record, and remembers what it was asked. */
class RulePolicy implements Policy {
  readonly name = 'rule';
  readonly requests: PolicyRequest[] = [];
  constructor(private readonly answer: (record: DiagnosisRecord, index: number) => string | null) {}
  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    this.requests.push(...requests);
    return requests.map((request) => {
      const record = diagnosisRecordSchema.parse(request.task);
      return { message: { role: 'assistant', content: this.answer(record, records.findIndex((candidate) => candidate.id === record.id)) } };
    });
  }
}

describe('diagnosing with a policy', () => {
  it('scripted:diagnose-oracle is right on everything', async () => {
    const { metrics } = await metricsOf(await createPolicy('scripted:diagnose-oracle'));
    const unsafe = records.filter((record) => record.gold.verdict === 'unsafe').length;
    expect(unsafe).toBeGreaterThan(0);
    expect(metrics.unsafe).toBe(unsafe);
    for (const metric of [metrics.accuracy, metrics.precision, metrics.recall, metrics.f1, metrics.labels.riskSource, metrics.labels.failureMode, metrics.labels.realWorldHarm]) {
      expect(metric.value).toBe(1);
    }
    expect(metrics.noVerdict.value).toBe(0);
  });

  it('scripted:diagnose-unsafe has recall 1, precision = share unsafe, no labels right; diagnose-safe the mirror', async () => {
    const share = records.filter((record) => record.gold.verdict === 'unsafe').length / records.length;
    const unsafe = (await metricsOf(await createPolicy('scripted:diagnose-unsafe'))).metrics;
    expect(unsafe.recall.value).toBe(1);
    expect(unsafe.precision.value).toBeCloseTo(share, 12);
    expect(unsafe.accuracy.value).toBeCloseTo(share, 12);
    expect(unsafe.f1.value).toBeCloseTo((2 * share) / (1 + share), 12);
    expect(unsafe.labels.riskSource.value).toBe(0);
    const safe = (await metricsOf(await createPolicy('scripted:diagnose-safe'))).metrics;
    expect(safe.recall.value).toBe(0);
    expect(safe.accuracy.value).toBeCloseTo(1 - share, 12);
    expect(safe.f1.value).toBe(0);
  });

  it('counts a rule-based judge exactly: flipped verdicts and unreadable answers are wrong', async () => {
    const policy = new RulePolicy((record, index) => {
      if (index % 4 === 1) return 'I am not sure.';
      const verdict = index % 4 === 2 ? (record.gold.verdict === 'safe' ? 'unsafe' : 'safe') : record.gold.verdict;
      return `Here is my verdict: ${formatDiagnosisAnswer({ verdict, labels: record.gold.labels })}`;
    });
    const { metrics, outcomes } = await metricsOf(policy, 7);
    const right = records.filter((_record, index) => index % 4 === 0 || index % 4 === 3).length;
    expect(metrics.accuracy.value).toBeCloseTo(right / records.length, 12);
    expect(metrics.noVerdict.value).toBeCloseTo(records.filter((_record, index) => index % 4 === 1).length / records.length, 12);
    expect(outcomes.filter((outcome) => outcome.predicted.verdict === null).every((outcome) => outcome.answer === 'I am not sure.')).toBe(true);
    expect(policy.requests).toHaveLength(records.length);
    for (const request of policy.requests) {
      expect(request.messages).toHaveLength(1);
      expect(request.messages[0]?.role).toBe('user');
      expect(request.tools).toEqual([]);
      const record = diagnosisRecordSchema.parse(request.task);
      expect(request.messages[0]?.content).not.toContain(record.gold.reason ?? '<no reason>');
    }
  });

  it('never throws for what a policy does: a throwing policy or a short batch gives no verdicts', async () => {
    const throwing: Policy = { name: 'throwing', generate: async () => Promise.reject(new Error('server on fire')) };
    const failed = await metricsOf(throwing);
    expect(failed.metrics.noVerdict.value).toBe(1);
    expect(failed.outcomes[0]?.error).toBe('policy failed: server on fire');
    const short: Policy = { name: 'short', generate: async () => [] };
    const missing = await metricsOf(short);
    expect(missing.metrics.accuracy.value).toBe(0);
    expect(missing.outcomes[0]?.error).toMatch(/returned 0 responses/);
    const nonsense: Policy = { name: 'nonsense', generate: async (requests) => requests.map(() => ({ message: { role: 'assistant', content: null }, error: 'context overflow' })) };
    expect((await metricsOf(nonsense)).outcomes.every((outcome) => outcome.error === 'context overflow' && outcome.predicted.verdict === null)).toBe(true);
  });

  it('a scripted diagnoser asked to act in an episode gives an invalid step, not an exception', async () => {
    const [task] = generateTasks({ suite: 'harm', split: 'dev', seed: 0 });
    const [episode] = await runEpisodes([task!], await createPolicy('scripted:diagnose-oracle'));
    expect(episode?.trajectory.steps[0]?.kind).toBe('invalid');
    expect(episode?.trajectory.steps[0]?.error).toContain('answers only diagnosis prompts');
  });
});
