import { describe, expect, it } from 'vitest';
import { runEpisodes } from '../src/agent/loop.js';
import { bufferConversations, diagnosisStratum } from '../src/evolve/buffer-conversations.js';
import { evolvePresets } from '../src/evolve/evolve-config.js';
import { mineFailures } from '../src/fate/failure-mining.js';
import { repairFailures } from '../src/fate/repair-round.js';
import { replayBufferEntries, type ReplayBufferEntry } from '../src/fate/replay-buffer.js';
import { scriptedBehaviours } from '../src/policies/scripted/behaviours.js';
import { ScriptedPolicy } from '../src/policies/scripted/scripted-policy.js';
import { generateTasks } from '../src/suites/generate.js';
import { verify } from '../src/verifiers/verify.js';

describe('bufferConversations', () => {
  it('gives (p_f, a*), (x, a*) and diagnosis examples as switched on; (x, a*) only for passing repairs when asked', async () => {
    const tasks = generateTasks({ suite: 'all', split: 'train', seed: 0 })
      .filter((task) => task.kind === 'attacked')
      .slice(0, 2);
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const rollouts = await runEpisodes(tasks, new ScriptedPolicy('follow-injections', scriptedBehaviours['follow-injections']!.plan), { batchSize: 8 });
    const failures = mineFailures(rollouts.map((episode, index) => ({ task: tasks[index]!, trajectory: episode.trajectory, verdict: verify(tasks[index]!, episode.trajectory, episode.before, episode.after), sample: 0 })));
    expect(failures).toHaveLength(2);
    const attempts = await repairFailures(failures, new ScriptedPolicy('repair-mix', scriptedBehaviours['repair-mix']!.plan), { candidatesPerFailure: 4 });
    const [passing, other] = replayBufferEntries(attempts, 1);
    expect(passing?.repairVerdict.scores.utility.value).toBe(1);
    // The second repair as a partial one: safe, but the user's task left undone.
    const partial: ReplayBufferEntry = {
      ...other!,
      repairVerdict: { ...other!.repairVerdict, scores: { ...other!.repairVerdict.scores, utility: { ...other!.repairVerdict.scores.utility, value: 0 } } },
    };
    const entries = [passing!, partial];
    const settings = evolvePresets.default.repair;
    const userPrompts = (conversations: ReturnType<typeof bufferConversations>) =>
      conversations.map((conversation) => conversation.messages.find((message) => message.role === 'user')?.content);

    const all = bufferConversations(entries, { ...settings, originalPromptPassingOnly: false, diagnosisExamples: false }, byId);
    expect(userPrompts(all)).toEqual([passing!.repairPrompt, passing!.originalPrompt, partial.repairPrompt, partial.originalPrompt]);
    const passingOnly = bufferConversations(entries, { ...settings, originalPromptPassingOnly: true, diagnosisExamples: false }, byId);
    expect(userPrompts(passingOnly)).toEqual([passing!.repairPrompt, passing!.originalPrompt, partial.repairPrompt]);
    // Two diagnosis examples per repaired failure; none for an entry whose task is unknown.
    const withDiagnosis = bufferConversations(entries, { ...settings, originalPromptPassingOnly: true, diagnosisExamples: true }, byId);
    expect(withDiagnosis).toHaveLength(3 + 4);
    // Only the diagnosis examples carry the stratum that repair.diagnosisShare gives its share of the warmup.
    expect(withDiagnosis.filter((conversation) => conversation.stratum === diagnosisStratum)).toHaveLength(4);
    expect(withDiagnosis.filter((conversation) => conversation.stratum === diagnosisStratum).every((conversation) => conversation.messages[0]?.role === 'user' && conversation.tools.length === 0)).toBe(true);
    expect(bufferConversations(entries, settings, new Map())).toEqual([]);
  });
});
