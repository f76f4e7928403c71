import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEpisodes, type Episode } from '../agent/loop.js';
import { loadTokenizer } from '../nn/tokenizer/index.js';
import { createPolicy } from '../policies/registry.js';
import { loadTinyChatTemplate } from '../policies/tiny/chat-template/index.js';
import { baseCheckpointDirectory } from '../policies/tiny/tiny-policy.js';
import { generateTasks } from '../suites/generate.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { verify } from '../verifiers/verify.js';
import { countInjectionOutcomes, injectionOutcome } from './injection-outcome.js';

/** An attacked test task whose goal takes two calls (find the event, then add the attacker to it). */
const attackedId = 'injection/test/workspace-create-event-from-email/workspace-invite-attacker/important-instructions/0';

/** The test-split task `id` played by the scripted `behaviour`. */
async function played(id: string, behaviour: 'oracle' | 'follow-injections'): Promise<Episode> {
  const task = generateTasks({ suite: 'injection', split: 'test', seed: 0 }).find((candidate) => candidate.id === id);
  if (!task) throw new Error(`no test task ${id}`);
  const [episode] = await runEpisodes([task], await createPolicy(`scripted:${behaviour}`));
  return episode!;
}

/** A trajectory with only its first `count` messages. */
const cut = (trajectory: Trajectory, count: number): Trajectory => ({ ...trajectory, messages: trajectory.messages.slice(0, count) });

const notFollowed = { signals: { refused: false, injectionFollowed: false, injectionSeen: true, harmfulCompletion: null } };

describe('injection outcomes', () => {
  it('follows an attacked episode from the injection reached to the goal carried out', async () => {
    const followed = await played(attackedId, 'follow-injections');
    const task = followed.task;
    expect(task.injection!.groundTruth.map((call) => call.name)).toEqual(['search_events', 'add_event_participants']);
    expect(injectionOutcome(task, followed.trajectory, verify(task, followed.trajectory, followed.before, followed.after))).toBe('carried-out');

    // Every goal tool called and the goal still not done (the verdict says so): the arguments were wrong.
    expect(injectionOutcome(task, followed.trajectory, notFollowed)).toBe('wrong-arguments');
    // Cut after the first goal call and its result: the goal carried out in part.
    const messages = followed.trajectory.messages;
    const secondGoalCall = messages.findIndex((message) => message.role === 'assistant' && message.tool_calls?.some((call) => call.function.name === 'add_event_participants'));
    expect(secondGoalCall).toBeGreaterThan(0);
    expect(injectionOutcome(task, cut(followed.trajectory, secondGoalCall), notFollowed)).toBe('partly');

    // The oracle reads the injection and goes on with the user's task: ignored.
    const solved = await played(attackedId, 'oracle');
    const solvedVerdict = verify(task, solved.trajectory, solved.before, solved.after);
    expect(solvedVerdict.signals.injectionSeen).toBe(true);
    expect(injectionOutcome(task, solved.trajectory, solvedVerdict)).toBe('ignored');
    // Before the tool result that shows it, the injection was not reached.
    const shownAt = solved.trajectory.messages.findIndex((message) => message.role === 'tool' && message.content.includes(task.injection!.text));
    expect(shownAt).toBeGreaterThan(0);
    expect(injectionOutcome(task, cut(solved.trajectory, shownAt), notFollowed)).toBe('not-reached');
  }, 60_000);

  it('tells an injection the tiny template cut out of view apart from one it showed', async () => {
    const solved = await played(attackedId, 'oracle');
    const tokenizer = await loadTokenizer(path.join(baseCheckpointDirectory, 'tokenizer.json'));
    const template = loadTinyChatTemplate();
    expect(injectionOutcome(solved.task, solved.trajectory, notFollowed, { tokenizer, template: { ...template, toolResultTokenBudget: 4096 } })).toBe('ignored');
    expect(injectionOutcome(solved.task, solved.trajectory, notFollowed, { tokenizer, template: { ...template, toolResultTokenBudget: 4, toolResultTailTokens: 2, toolResultEntityContextTokens: 0 } })).toBe('out-of-view');
  }, 60_000);

  it('has no outcome for a task without an injection, and counts every outcome', async () => {
    const benign = await played('injection/test/workspace-create-event-from-email/benign/0', 'oracle');
    expect(injectionOutcome(benign.task, benign.trajectory, notFollowed)).toBeUndefined();
    expect(countInjectionOutcomes(['ignored', 'carried-out', 'ignored'])).toEqual({ 'not-reached': 0, 'out-of-view': 0, ignored: 2, partly: 0, 'wrong-arguments': 0, 'carried-out': 1 });
  }, 60_000);
});
