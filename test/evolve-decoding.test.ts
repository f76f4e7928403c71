/**
 * `fate evolve` and the config's `decoding` section: a run stores the decoding it started with in
 * its ledger, a resumed run reads it back (an older run without one samples with the evaluation
 * decoding), and the learner's policy samples with it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evolvePresets } from '../src/evolve/evolve-config.js';
import { ledgerDecoding } from '../src/evolve/ledger-decoding.js';
import { PhaseLedger, PhaseLedgerError } from '../src/evolve/phase-ledger.js';
import { runEvolve } from '../src/evolve/run-evolve.js';
import { TinyLearner } from '../src/evolve/tiny-learner.js';
import { evaluationDecoding } from '../src/policies/tiny/decoding.js';
import { baseCheckpointDirectory, TinyCheckpointError } from '../src/policies/tiny/tiny-policy.js';
import { runCli } from './support/run-cli.js';

function temporary(): string {
  return mkdtempSync(path.join(tmpdir(), 'fate-evolve-decoding-'));
}

describe('evolve decoding', () => {
  it('reads the decoding back from a ledger: the stored one, or none for an older run', () => {
    expect(ledgerDecoding(PhaseLedger.create(temporary(), { preset: 'smoke', decoding: { temperature: 0, seed: 2 } }))).toEqual({ temperature: 0, seed: 2 });
    expect(ledgerDecoding(PhaseLedger.create(temporary(), { preset: 'smoke' }))).toEqual({});
    const bad = PhaseLedger.create(temporary(), { preset: 'smoke', decoding: { topP: 2 } });
    expect(() => ledgerDecoding(bad)).toThrow(PhaseLedgerError);
    expect(() => ledgerDecoding(bad)).toThrow(`${bad.file}: options field decoding.topP`);
  });

  it('stores the decoding a run starts with in its ledger', async () => {
    const runDirectory = temporary();
    const missing = path.join(runDirectory, 'no-checkpoint');
    const run = runEvolve({
      presetName: 'smoke',
      preset: evolvePresets.smoke,
      policyDirectory: missing,
      policyName: `tiny:${missing}`,
      decoding: { temperature: 0 },
      methods: ['fate'],
      runId: 'decoding',
      runDirectory,
      resume: false,
    });
    await expect(run).rejects.toThrow(TinyCheckpointError);
    expect(PhaseLedger.open(runDirectory).options.decoding).toEqual({ temperature: 0 });
  }, 120_000);

  it('fate evolve --resume refuses a ledger whose decoding is bad, in one line naming the file and the field', async () => {
    const runs = temporary();
    const runDirectory = path.join(runs, 'evolve-old');
    const ledger = PhaseLedger.create(runDirectory, {
      preset: 'smoke',
      presetConfig: evolvePresets.smoke,
      methods: ['fate'],
      policy: 'tiny',
      policyDirectory: baseCheckpointDirectory,
      decoding: { temperature: -1 },
    });
    const result = await runCli(['evolve', '--resume', 'evolve-old', '--runs', runs]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(ledger.file);
    expect(result.stderr).toContain('decoding.temperature');
  });

  it('the learner\'s policy samples with the decoding', async () => {
    const learner = await TinyLearner.load(baseCheckpointDirectory, 'tiny', { temperature: 0, maxNewTokens: 96 });
    try {
      expect(learner.policy.decoding).toEqual({ ...evaluationDecoding, temperature: 0, maxNewTokens: 96 });
    } finally {
      learner.dispose();
    }
  }, 120_000);
});
