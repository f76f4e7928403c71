/**
 * Stage 2's group rollouts: G copies of each prompt, each with its own sampling stream, every turn
 * sampled with the preset's `policyOptimization.temperature` and `argumentTemperature`.
 */
import { describe, expect, it } from 'vitest';
import type { Policy, PolicyRequest, SamplingOverrides } from '../src/agent/policy.js';
import { evolvePresets } from '../src/evolve/evolve-config.js';
import { sampleGroups } from '../src/evolve/group-rollouts.js';
import { createPolicy } from '../src/policies/registry.js';
import { scriptedBehaviours } from '../src/policies/scripted/behaviours.js';
import { ScriptedPolicy } from '../src/policies/scripted/scripted-policy.js';
import { generateTasks } from '../src/suites/generate.js';

/** A preset whose groups are G = `groupSize` samples at the given temperatures. */
function presetWith(groupSize: number, temperature: number, argumentTemperature: number) {
  const smoke = evolvePresets.smoke;
  return { pfpo: { ...smoke.pfpo, groupSize }, policyOptimization: { ...smoke.policyOptimization, temperature, argumentTemperature } };
}

describe('sampleGroups', () => {
  const tasks = generateTasks({ suite: 'all', split: 'train', seed: 0 });
  const prompts = [tasks.find((task) => task.kind === 'benign')!, tasks.find((task) => task.kind === 'attacked')!];

  it('plays each prompt G times with its own ids and asks every turn for the preset\'s sampling', async () => {
    const oracle = new ScriptedPolicy('oracle', scriptedBehaviours.oracle!.plan);
    const asked: { episodeId: string; sampling: SamplingOverrides | undefined }[] = [];
    const recording: Policy = {
      name: 'recording',
      generate: (requests: readonly PolicyRequest[]) => {
        asked.push(...requests.map((request) => ({ episodeId: request.episodeId, sampling: request.sampling })));
        return oracle.generate(requests);
      },
    };
    const progress: [number, number][] = [];
    const groups = await sampleGroups(prompts, recording, { preset: presetWith(3, 0.3, 0.6), round: 2, onEpisodeDone: (done, total) => progress.push([done, total]) });
    expect(groups.map((group) => group.map((episode) => episode.task.id))).toEqual(prompts.map((task) => [0, 1, 2].map((sample) => `${task.id}~group~2.${sample}`)));
    expect(asked.length).toBeGreaterThanOrEqual(6);
    expect(new Set(asked.map((request) => request.episodeId.split('~')[0]))).toEqual(new Set(prompts.map((task) => task.id)));
    for (const request of asked) expect(request.sampling).toEqual({ temperature: 0.3, argumentTemperature: 0.6 });
    expect(progress.at(-1)).toEqual([6, 6]);
  });

  it('with the embedded policy, greedy groups repeat one trajectory and groups at temperature 1 do not', async () => {
    const policy = await createPolicy('tiny');
    const distinct = async (temperature: number) => {
      const groups = await sampleGroups(prompts, policy, { preset: presetWith(4, temperature, temperature), round: 1 });
      return groups.map((group) => new Set(group.map((episode) => JSON.stringify(episode.trajectory.messages))).size);
    };
    expect(await distinct(0)).toEqual([1, 1]);
    expect(Math.max(...(await distinct(1)))).toBeGreaterThan(1);
  }, 300_000);
});
