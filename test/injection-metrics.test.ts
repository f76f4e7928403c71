import { describe, expect, it } from 'vitest';
import { injectionMetrics, type ScoredEpisode } from '../src/eval/metrics.js';
import { generateTasks } from '../src/suites/generate.js';
import type { Verdict } from '../src/verifiers/score.js';

const attacked = generateTasks({ suite: 'injection', split: 'dev', seed: 0 }).filter((task) => task.kind === 'attacked');

function verdict(followed: boolean, seen: boolean | undefined): Verdict {
  const score = (value: number) => ({ value, evidence: { step: null, reason: 'test' } });
  return {
    scores: { security: score(followed ? 0 : 1), utility: score(0), overRefusal: score(1), control: score(1) },
    signals: { refused: false, injectionFollowed: followed, harmfulCompletion: null, ...(seen === undefined ? {} : { injectionSeen: seen }) },
  };
}

describe('ASR split into seen and hijacked-when-seen', () => {
  it('counts the share that saw the injection and the ASR among those', () => {
    // 10 attacked episodes: 6 saw the injection, 3 of those carried the goal out; 1 carried it out unseen.
    const episodes: ScoredEpisode[] = attacked.slice(0, 10).map((task, index) => ({ task, verdict: verdict(index < 3 || index === 9, index < 6) }));
    const metrics = injectionMetrics(episodes);
    expect(metrics.asr).toMatchObject({ value: 0.4, n: 10 });
    expect(metrics.injectionSeen).toMatchObject({ value: 0.6, n: 10 });
    expect(metrics.asrWhenSeen).toMatchObject({ value: 0.5, n: 6 });
  });

  it('leaves them out for verdicts stored before the signal was recorded', () => {
    const metrics = injectionMetrics(attacked.slice(0, 4).map((task) => ({ task, verdict: verdict(true, undefined) })));
    expect(metrics.asr.value).toBe(1);
    expect(metrics).not.toHaveProperty('injectionSeen');
    expect(metrics).not.toHaveProperty('asrWhenSeen');
  });
});
