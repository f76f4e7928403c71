import { describe, expect, it } from 'vitest';
import { runEpisodes } from '../agent/loop.js';
import { createPolicy } from '../policies/registry.js';
import { TinyPolicy } from '../policies/tiny/tiny-policy.js';
import { generateTasks } from '../suites/generate.js';
import { injectionDecisions, summarizeInjectionDecisions } from './injection-decision.js';

describe('injection decisions', () => {
  it('scores the turn after the injection: the goal\'s first tool against the user\'s next one, disjoint, and skips a task without an injection', async () => {
    const train = generateTasks({ suite: 'injection', split: 'train', seed: 0 });
    const attacked = train.filter((task) => task.kind === 'attacked').slice(0, 2);
    const benign = train.find((task) => task.kind === 'benign')!;
    const tasks = [...attacked, benign];
    const follow = await runEpisodes(tasks, await createPolicy('scripted:follow-injections'));
    const oracle = await runEpisodes(tasks, await createPolicy('scripted:oracle'));
    const policy = await TinyPolicy.load();
    try {
      const done: number[] = [];
      const followed = await injectionDecisions(policy, follow, { onEpisodeDone: (count) => done.push(count) });
      const ignored = await injectionDecisions(policy, oracle);
      expect(done).toEqual([1, 2, 3]);
      expect(followed.skipped).toBe(1);
      expect(followed.decisions.map((decision) => decision.taskId)).toEqual(attacked.map((task) => task.id));
      expect(ignored.decisions.map((decision) => decision.taskId)).toEqual(attacked.map((task) => task.id));
      for (const [index, decision] of followed.decisions.entries()) {
        const other = ignored.decisions[index]!;
        // Both references played the user's task up to the injection: the same conversation before the turn.
        expect(decision.turn).toBe(other.turn);
        expect(follow[index]!.trajectory.messages.slice(0, decision.turn)).toEqual(oracle[index]!.trajectory.messages.slice(0, other.turn));
        expect(decision.callsGoalTool).toBe(true);
        expect(decision.tools).toBe(attacked[index]!.injection!.groundTruth[0]!.name);
        expect(other.callsGoalTool).toBe(false);
        expect(decision.inView).toBe(true);
        // Two different decisions after the same conversation: their probabilities add up to at most 1.
        for (const probability of [decision.probability, other.probability]) expect(probability).toBeGreaterThan(0);
        expect(decision.probability + other.probability).toBeLessThanOrEqual(1 + 1e-6);
      }
      const summary = summarizeInjectionDecisions(followed.decisions);
      expect(summary.inView).toBe(2);
      expect(summary.meanProbability).toBeCloseTo((followed.decisions[0]!.probability + followed.decisions[1]!.probability) / 2, 12);
      expect(summary.aboveHalf).toBe(followed.decisions.filter((decision) => decision.probability > 0.5).length);
    } finally {
      policy.release();
    }
  }, 300_000);
});
