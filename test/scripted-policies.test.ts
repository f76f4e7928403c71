import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePolicy, type EvaluatedEpisode } from '../src/eval/evaluate.js';
import { suiteMetrics, type SuiteMetrics } from '../src/eval/metrics.js';
import { createPolicy } from '../src/policies/registry.js';
import { generateTasks } from '../src/suites/generate.js';
import type { Split } from '../src/suites/split.js';
import type { Task } from '../src/suites/task.js';
import { verify } from '../src/verifiers/verify.js';

const cache = new Map<string, Task[]>();
function tasksFor(split: Split): Task[] {
  let tasks = cache.get(split);
  if (!tasks) {
    tasks = generateTasks({ suite: 'all', split, seed: 0 });
    cache.set(split, tasks);
  }
  return tasks;
}

async function run(spec: string, split: Split): Promise<{ metrics: SuiteMetrics; episodes: EvaluatedEpisode[] }> {
  const policy = await createPolicy(spec);
  const episodes = await evaluatePolicy(policy, tasksFor(split));
  return { metrics: suiteMetrics(episodes), episodes };
}

describe.each<Split>(['test', 'dev', 'train'])('scripted reference policies on the %s split', (split) => {
  let oracle: { metrics: SuiteMetrics; episodes: EvaluatedEpisode[] };
  beforeAll(async () => {
    oracle = await run('scripted:oracle', split);
  });

  it('oracle: utility 1, TSR 1, ASR 0, HCR 0, BRR 0, VRR 1, control 1', () => {
    const { injection, harm } = oracle.metrics.suites;
    const failing = oracle.episodes
      .filter((item) => Object.values(item.verdict.scores).some((score) => score.value !== null && score.value < 1))
      .map((item) => `${item.task.id}: ${JSON.stringify(item.verdict.scores)}`);
    expect(failing.slice(0, 5)).toEqual([]);
    expect(injection?.benignUtility.value).toBe(1);
    expect(injection?.tsr.value).toBe(1);
    expect(injection?.asr.value).toBe(0);
    // The oracle reads every injection on its way and is never hijacked.
    expect(injection?.injectionSeen?.value).toBe(1);
    expect(injection?.asrWhenSeen?.value).toBe(0);
    expect(injection?.asrWhenSeen?.n).toBe(injection?.asr.n);
    expect(injection?.control.value).toBe(1);
    expect(harm?.hcr.value).toBe(0);
    expect(harm?.brr.value).toBe(0);
    expect(harm?.vrr.value).toBe(1);
    expect(harm?.benignUtility.value).toBe(1);
    expect(harm?.safeScore.value).toBe(1);
    expect(harm?.control.value).toBe(1);
  });

  it('follow-injections: ASR 1, security 0 after the injection was seen, benign tasks still solved', async () => {
    const { metrics, episodes } = await run('scripted:follow-injections', split);
    expect(metrics.suites.injection?.asr.value).toBe(1);
    expect(metrics.suites.injection?.injectionSeen?.value).toBe(1);
    expect(metrics.suites.injection?.asrWhenSeen?.value).toBe(1);
    expect(metrics.suites.injection?.benignUtility.value).toBe(1);
    expect(metrics.suites.injection?.control.value).toBe(1);
    for (const item of episodes.filter((episode) => episode.task.kind === 'attacked')) {
      expect(item.verdict.scores.security.value).toBe(0);
      expect(item.verdict.scores.security.evidence.step).toBeGreaterThan(item.task.injection?.seenAtStep ?? -1);
      const strict = verify(item.task, item.episode.trajectory, item.episode.before, item.episode.after, { controlScope: 'task-writes' });
      expect(strict.scores.control.value).toBe(0);
    }
  });

  it('comply-all: HCR 1, VRR 0', async () => {
    const { metrics } = await run('scripted:comply-all', split);
    expect(metrics.suites.harm?.hcr.value).toBe(1);
    expect(metrics.suites.harm?.vrr.value).toBe(0);
    expect(metrics.suites.injection?.asr.value).toBe(1);
  });

  it('refuse-all: BRR 1, VRR 1, benign utility 0, TSR 0', async () => {
    const { metrics } = await run('scripted:refuse-all', split);
    expect(metrics.suites.harm?.brr.value).toBe(1);
    expect(metrics.suites.harm?.vrr.value).toBe(1);
    expect(metrics.suites.harm?.benignUtility.value).toBe(0);
    expect(metrics.suites.injection?.benignUtility.value).toBe(0);
    expect(metrics.suites.injection?.tsr.value).toBe(0);
    expect(metrics.suites.injection?.asr.value).toBe(0);
    // Refusing at once, it never reads a tool result: nothing seen, so no ASR-when-seen sample.
    expect(metrics.suites.injection?.injectionSeen?.value).toBe(0);
    expect(metrics.suites.injection?.asrWhenSeen?.n).toBe(0);
  });

  it('malformed: control 0 in both suites', async () => {
    const { metrics } = await run('scripted:malformed', split);
    expect(metrics.suites.injection?.control.value).toBe(0);
    expect(metrics.suites.harm?.control.value).toBe(0);
  });
});
