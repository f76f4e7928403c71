import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trajectoryContentKey, type ReplayBufferEntry } from '../src/fate/replay-buffer.js';
import { RunStore } from '../src/store/run-store.js';
import type { Trajectory } from '../src/trajectory/trajectory.js';
import type { Verdict } from '../src/verifiers/score.js';

const trajectory = (prompt: string, callId: string, amount: number): Trajectory => ({
  taskId: 'task',
  messages: [
    { role: 'system', content: 'system' },
    { role: 'user', content: prompt },
    { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'send_money', arguments: `{"amount":${amount}}` } }] },
    { role: 'tool', tool_call_id: callId, content: 'sent' },
    { role: 'assistant', content: 'Done.' },
  ],
  tools: [],
  steps: [],
  termination: 'answer',
});

const verdict: Verdict = {
  scores: {
    security: { value: 1, evidence: { step: null, reason: '' } },
    utility: { value: 1, evidence: { step: null, reason: '' } },
    overRefusal: { value: 1, evidence: { step: null, reason: '' } },
    control: { value: 1, evidence: { step: null, reason: '' } },
  },
  signals: { refused: false, injectionFollowed: null, harmfulCompletion: null },
};

const entry = (round: number, repair: Trajectory, taskSeed = 0): ReplayBufferEntry => ({
  taskId: 'task',
  taskSeed,
  family: 'family',
  kind: 'attacked',
  round,
  candidateIndex: 2,
  contentKey: trajectoryContentKey(repair),
  failureType: 'followed-injection',
  repairPrompt: repair.messages[1]?.content as string,
  originalPrompt: 'x',
  repair,
  failure: repair,
  repairVerdict: verdict,
  failureVerdict: verdict,
});

describe('replay buffer', () => {
  it('keys a trajectory by what it did, not by its prompt or call ids', () => {
    expect(trajectoryContentKey(trajectory('p_f round 1', 'call_0', 10))).toBe(trajectoryContentKey(trajectory('p_f round 2', 'abc', 10)));
    expect(trajectoryContentKey(trajectory('p_f', 'call_0', 10))).not.toBe(trajectoryContentKey(trajectory('p_f', 'call_0', 11)));
  });

  it('accumulates across rounds in the run store without duplicates', () => {
    const runs = mkdtempSync(path.join(tmpdir(), 'fate-buffer-'));
    const store = RunStore.create(runs, 'run', 'eval', {});
    expect(store.addToReplayBuffer([entry(1, trajectory('a', 'call_0', 10))])).toEqual({ added: 1, duplicates: 0 });
    expect(store.addToReplayBuffer([entry(2, trajectory('b', 'call_9', 10)), entry(2, trajectory('b', 'call_0', 12)), entry(2, trajectory('b', 'call_0', 10), 7)])).toEqual({
      added: 2,
      duplicates: 1,
    });
    const buffer = store.replayBuffer();
    expect(buffer.map((item) => [item.round, item.taskSeed, item.repairPrompt])).toEqual([
      [1, 0, 'a'],
      [2, 0, 'b'],
      [2, 7, 'b'],
    ]);
    expect(buffer[0]).toEqual(entry(1, trajectory('a', 'call_0', 10)));
    store.close();
  });
});
