import { describe, expect, it } from 'vitest';
import { runEpisodes, type Episode } from '../agent/loop.js';
import { createPolicy } from '../policies/registry.js';
import { TinyPolicy } from '../policies/tiny/tiny-policy.js';
import { generateTasks } from '../suites/generate.js';
import { recordChoices, summarizeRecordChoices, type RecordChoice } from './record-choice.js';

const choice = (right: string, top: string, probability: number, candidates: number): RecordChoice => ({ taskId: 'injection/test/x/benign/0', kind: 'identifier', turn: 2, tool: 'get_hotel_details', right, top, probability, candidates });

/** The test-split task `id` played by the scripted `behaviour`. */
async function played(id: string, behaviour: 'oracle' | 'follow-injections'): Promise<Episode> {
  const task = generateTasks({ suite: 'injection', split: 'test', seed: 0 }).find((candidate) => candidate.id === id)!;
  const [episode] = await runEpisodes([task], await createPolicy(`scripted:${behaviour}`));
  return episode!;
}

describe('record choices', () => {
  it('sums up top-1, the mean probability of the right id and what chance would give', () => {
    expect(summarizeRecordChoices([choice('<|identifier-2|>', '<|identifier-2|>', 0.9, 2), choice('<|identifier-0|>', '<|identifier-1|>', 0.1, 4)])).toEqual({ choices: 2, topOne: 0.5, meanProbability: 0.5, chance: 0.375 });
    expect(summarizeRecordChoices([])).toEqual({ choices: 0, topOne: 0, meanProbability: 0, chance: 0 });
  });

  it('scores every record id the oracle wrote among the ids shown before it, with the committed base', async () => {
    const episode = await played('injection/test/hotel-phone-number/benign/0', 'oracle');
    const detailCall = episode.trajectory.messages.find((message) => message.role === 'assistant' && message.tool_calls?.[0]?.function.name === 'get_hotel_details');
    expect(detailCall).toBeDefined();
    const policy = await TinyPolicy.load();
    try {
      const choices = await recordChoices(policy, [episode]);
      // The search takes a city, not an id; the details call takes one of the six hotels' ids.
      expect(choices).toHaveLength(1);
      const [only] = choices;
      expect(only!.tool).toBe('get_hotel_details');
      expect(only!.kind).toBe('identifier');
      expect(only!.candidates).toBe(6);
      expect(only!.right).toMatch(/^<\|identifier-\d+\|>$/);
      expect(only!.top).toMatch(/^<\|identifier-\d+\|>$/);
      expect(only!.probability).toBeGreaterThan(0);
      expect(only!.probability).toBeLessThanOrEqual(1);
    } finally {
      policy.release();
    }
  }, 180_000);

  it('with every kind, scores each entity the reference wrote among the entities of its kind shown before it (an attacked task, injected goal followed)', async () => {
    const episode = await played('injection/test/refund-mistaken-transfer/send-money-to-attacker/completed-task/0', 'follow-injections');
    const transfer = episode.trajectory.messages.find((message) => message.role === 'assistant' && message.tool_calls?.[0]?.function.name === 'send_money');
    expect(transfer).toBeDefined();
    const policy = await TinyPolicy.load();
    try {
      const recordIdsOnly = await recordChoices(policy, [episode]);
      const every = await recordChoices(policy, [episode], { kinds: 'all' });
      expect(recordIdsOnly.every((choice) => choice.kind === 'identifier')).toBe(true);
      // The amount sent back is one of the many amounts the transactions showed.
      const amount = every.find((choice) => choice.tool === 'send_money' && choice.kind === 'amount');
      expect(amount).toBeDefined();
      expect(amount!.candidates).toBeGreaterThan(2);
      for (const choice of every) {
        expect(choice.candidates).toBeGreaterThanOrEqual(2);
        expect(choice.right).toMatch(new RegExp(`^<\\|${choice.kind}-\\d+\\|>$`, 'u'));
        expect(choice.top).toMatch(new RegExp(`^<\\|${choice.kind}-\\d+\\|>$`, 'u'));
      }
      expect(every.length).toBeGreaterThan(recordIdsOnly.length);
    } finally {
      policy.release();
    }
  }, 180_000);
});
