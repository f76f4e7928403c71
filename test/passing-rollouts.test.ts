import { describe, expect, it } from 'vitest';
import { runEpisodes } from '../src/agent/loop.js';
import { passingRolloutConversations } from '../src/evolve/passing-rollouts.js';
import { defaultObjectiveThresholds } from '../src/fate/objective-thresholds.js';
import { scriptedBehaviours } from '../src/policies/scripted/behaviours.js';
import { ScriptedPolicy } from '../src/policies/scripted/scripted-policy.js';
import { generateTasks } from '../src/suites/generate.js';
import { verify } from '../src/verifiers/verify.js';

describe('passingRolloutConversations', () => {
  it('keeps the rollouts that pass every objective, as (x, a), and drops the failures', async () => {
    const all = generateTasks({ suite: 'all', split: 'train', seed: 0 });
    const tasks = [all.find((task) => task.kind === 'benign')!, all.find((task) => task.kind === 'attacked')!, all.find((task) => task.kind === 'harmful')!];
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const rolloutsOf = async (behaviour: string) =>
      (await runEpisodes(tasks, new ScriptedPolicy(behaviour, scriptedBehaviours[behaviour]!.plan), { batchSize: 8 })).map((episode, index) => ({
        taskId: tasks[index]!.id,
        trajectory: episode.trajectory,
        verdict: verify(tasks[index]!, episode.trajectory, episode.before, episode.after),
      }));
    const oracle = passingRolloutConversations(await rolloutsOf('oracle'), byId, defaultObjectiveThresholds);
    expect([...oracle.keys()]).toEqual(tasks.map((task) => task.id));
    const benign = oracle.get(tasks[0]!.id)!;
    expect(benign.messages.some((message) => message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0)).toBe(true);
    expect(benign.entities).toBe(tasks[0]!.entities);
    // comply-all solves the benign task only: the attacked and harmful rollouts are failures.
    expect([...passingRolloutConversations(await rolloutsOf('comply-all'), byId, defaultObjectiveThresholds).keys()]).toEqual([tasks[0]!.id]);
    // A rollout of a task outside the pool is skipped.
    expect(passingRolloutConversations(await rolloutsOf('oracle'), new Map(), defaultObjectiveThresholds).size).toBe(0);
  });
});
