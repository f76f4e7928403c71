/**
 * The agent loop reports each episode as soon as it ends, not when its whole batch has ended, so
 * progress bars move while a batch is still running; results stay in task order.
 */
import { describe, expect, it } from 'vitest';
import { runEpisodes } from '../src/agent/loop.js';
import type { Policy, PolicyRequest, PolicyResponse } from '../src/agent/policy.js';
import { generateTasks } from '../src/suites/generate.js';

describe('runEpisodes', () => {
  it('reports an episode that ends early before the policy is called for the others again', async () => {
    const tasks = generateTasks({ suite: 'injection', split: 'train', seed: 0 }).slice(0, 3);
    const quick = tasks[1]!.id;
    let calls = 0;
    const policy: Policy = {
      name: 'test:quick-and-slow',
      async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
        calls += 1;
        return requests.map((request) => {
          const turns = request.messages.filter((message) => message.role === 'assistant').length;
          if (request.episodeId === quick || turns >= 2) return { message: { role: 'assistant', content: 'Done.' } };
          const tool = request.tools[0]!.function.name;
          return { message: { role: 'assistant', content: null, tool_calls: [{ id: `call_${turns}`, type: 'function', function: { name: tool, arguments: '{}' } }] } };
        });
      },
    };
    const reports: { finished: number; taskId: string; callsSoFar: number }[] = [];
    const episodes = await runEpisodes(tasks, policy, { onEpisodeDone: (finished, episode) => reports.push({ finished, taskId: episode.task.id, callsSoFar: calls }) });
    expect(episodes.map((episode) => episode.task.id)).toEqual(tasks.map((task) => task.id));
    expect(reports.map((report) => report.finished)).toEqual([1, 2, 3]);
    expect(reports[0]).toMatchObject({ taskId: quick, callsSoFar: 1 });
    expect(reports.slice(1).every((report) => report.callsSoFar === 3)).toBe(true);
    expect(calls).toBe(3);
  });
});
