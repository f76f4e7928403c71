import { describe, expect, it } from 'vitest';
import { runEpisodes } from '../src/agent/loop.js';
import type { Policy, PolicyRequest } from '../src/agent/policy.js';
import { evolvePresets, evolvePresetSchema } from '../src/evolve/evolve-config.js';
import { mineFailures } from '../src/fate/failure-mining.js';
import { repairFailures } from '../src/fate/repair-round.js';
import { scriptedBehaviours } from '../src/policies/scripted/behaviours.js';
import { ScriptedPolicy } from '../src/policies/scripted/scripted-policy.js';
import { generateTasks } from '../src/suites/generate.js';
import { verify } from '../src/verifiers/verify.js';

/** A policy that answers like `inner` and keeps every request it was given. */
function recording(inner: Policy): Policy & { requests: PolicyRequest[] } {
  const requests: PolicyRequest[] = [];
  return { name: inner.name, requests, generate: (batch) => (requests.push(...batch), inner.generate(batch)) };
}

describe('repair candidates sampling', () => {
  it('asks the policy for the given sampling on every candidate turn, and for its own decoding when none is given', async () => {
    const tasks = generateTasks({ suite: 'all', split: 'train', seed: 0 })
      .filter((task) => task.kind === 'attacked')
      .slice(0, 2);
    const rollouts = await runEpisodes(tasks, new ScriptedPolicy('follow-injections', scriptedBehaviours['follow-injections']!.plan), { batchSize: 8 });
    const failures = mineFailures(rollouts.map((episode, index) => ({ task: tasks[index]!, trajectory: episode.trajectory, verdict: verify(tasks[index]!, episode.trajectory, episode.before, episode.after), sample: 0 })));
    expect(failures.length).toBeGreaterThan(0);
    const mix = () => new ScriptedPolicy('repair-mix', scriptedBehaviours['repair-mix']!.plan);

    const cooled = recording(mix());
    await repairFailures(failures, cooled, { candidatesPerFailure: 2, sampling: { temperature: 0.7 } });
    expect(cooled.requests.length).toBeGreaterThanOrEqual(failures.length * 2);
    expect(cooled.requests.every((request) => request.sampling?.temperature === 0.7)).toBe(true);

    const own = recording(mix());
    await repairFailures(failures, own, { candidatesPerFailure: 2 });
    expect(own.requests.every((request) => request.sampling === undefined)).toBe(true);
  });

  it('samples the candidates at temperature 1 in every preset; a section without one keeps the policy\'s own decoding', () => {
    for (const preset of Object.values(evolvePresets)) expect(preset.repair.temperature).toBe(1);
    const { temperature: _dropped, ...withoutTemperature } = evolvePresets.default.repair;
    expect(evolvePresetSchema.parse({ ...evolvePresets.default, repair: withoutTemperature }).repair.temperature).toBeNull();
    expect(evolvePresetSchema.safeParse({ ...evolvePresets.default, repair: { ...evolvePresets.default.repair, temperature: -1 } }).success).toBe(false);
  });
});
