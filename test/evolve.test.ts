/**
 * `fate evolve` end to end on a small random checkpoint: every phase runs, the summary has the
 * shape of summary.json, PFPO never reinforces an unsafe trajectory, and a run stopped mid-round
 * resumes to the same summary as an uninterrupted run with the same seed.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evolvePresets, type EvolvePreset } from '../src/evolve/evolve-config.js';
import { evolveSummarySchema, type EvolveSummary } from '../src/evolve/evolve-summary.js';
import { PhaseLedger } from '../src/evolve/phase-ledger.js';
import { EvolveInterrupted, runEvolve } from '../src/evolve/run-evolve.js';
import { createJaxBackend, initializeParameters, parseModelConfig, saveModel } from '../src/nn/index.js';
import { tokenizerToJsonText, trainTokenizer } from '../src/nn/tokenizer/index.js';
import { corpusTexts } from '../src/organism/corpus-sequences.js';
import { organismRecipeSchema } from '../src/organism/organism-recipe.js';
import { writeCorpusEpisodes } from '../src/organism/write-corpus.js';
import { tinyChatSpecialTokens } from '../src/policies/tiny/chat-template/index.js';
import { runCli } from './support/run-cli.js';

let checkpoint = '';

/** A micro preset: one round, a handful of tasks, two samples per group. */
const micro: EvolvePreset = {
  ...evolvePresets.smoke,
  pools: { benign: 1, attacked: 2, harmful: 1 },
  dev: { benign: 1, attacked: 1, harmful: 1 },
  test: { benign: 1, attacked: 1, harmful: 0 },
  policyOptimization: { prompts: 2, steps: 1, peakLearningRate: 1e-3 },
  supervised: { steps: 1, peakLearningRate: 1e-3 },
};

beforeAll(async () => {
  const episodes = (await writeCorpusEpisodes(organismRecipeSchema.parse({ worldSeeds: 1 }))).slice(0, 120);
  const tokenizer = trainTokenizer(corpusTexts(episodes), { vocabSize: 1024, specialTokens: tinyChatSpecialTokens() });
  const config = parseModelConfig({ vocabSize: tokenizer.vocabularySize, dModel: 16, layers: 1, heads: 2, ffHidden: 32, maxSequence: 768 });
  const backend = await createJaxBackend({ workers: false });
  checkpoint = mkdtempSync(path.join(tmpdir(), 'fate-evolve-model-'));
  await saveModel(backend, checkpoint, config, initializeParameters(backend, config, 3), tokenizerToJsonText(tokenizer));
}, 300_000);

function withoutTimes(summary: EvolveSummary): unknown {
  return JSON.parse(JSON.stringify(summary, (key, value: unknown) => (key === 'seconds' || key === 'run' ? undefined : value)));
}

describe('fate evolve', () => {
  let uninterrupted: EvolveSummary;

  it('runs every phase of every method and returns summary.json\'s shape', async () => {
    const runDirectory = mkdtempSync(path.join(tmpdir(), 'fate-evolve-run-'));
    uninterrupted = await runEvolve({
      presetName: 'micro',
      preset: micro,
      policyDirectory: checkpoint,
      policyName: `tiny:${checkpoint}`,
      methods: ['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft'],
      runId: 'micro',
      runDirectory,
      resume: false,
    });
    expect(evolveSummarySchema.safeParse(uninterrupted).success).toBe(true);
    expect(uninterrupted.results.map((result) => result.method)).toEqual(['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft']);
    const byMethod = new Map(uninterrupted.results.map((result) => [result.method, result]));
    const fate = byMethod.get('fate')!.rounds[0]!;
    expect(fate.repairs).not.toBeNull();
    expect(fate.supervised).not.toBeNull();
    expect(fate.policyOptimization?.advantage).toBe('pfpo');
    expect(fate.policyOptimization?.infeasiblePositiveShare).toBe(0);
    expect(byMethod.get('fate-sft-only')!.rounds[0]!.policyOptimization).toBeNull();
    expect(byMethod.get('scalar-grpo')!.rounds[0]!.repairs).toBeNull();
    expect(byMethod.get('scalar-grpo')!.rounds[0]!.policyOptimization?.advantage).toBe('scalar-grpo');
    expect(byMethod.get('gdpo')!.rounds[0]!.policyOptimization?.advantage).toBe('gdpo');
    expect(byMethod.get('refusal-sft')!.rounds[0]!.policyOptimization).toBeNull();
    // A random model fails everything: refusal-sft has security failures to learn refusals from.
    for (const result of uninterrupted.results) {
      expect(result.test?.suites.injection?.asr.n).toBe(1);
      expect(result.hypervolume).toBeGreaterThanOrEqual(0);
    }
    const ledger = PhaseLedger.open(runDirectory);
    expect(ledger.has('shared/round-1/rollouts')).toBe(true);
    expect(ledger.has('fate/round-1/policy-optimization')).toBe(true);
    expect(existsSync(path.join(runDirectory, 'checkpoints', 'fate__round-1__policy-optimization', 'model.safetensors'))).toBe(true);
  }, 900_000);

  it('resumes a run stopped mid-round to the same summary as the uninterrupted run', async () => {
    const runDirectory = mkdtempSync(path.join(tmpdir(), 'fate-evolve-resume-'));
    const options = {
      presetName: 'micro',
      preset: micro,
      policyDirectory: checkpoint,
      policyName: `tiny:${checkpoint}`,
      methods: ['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft'] as const,
      runId: 'micro',
      runDirectory,
    };
    // Stop after the base evaluations, the shared rollouts and repairs and fate's warmup: in the middle of fate's round 1.
    await expect(runEvolve({ ...options, methods: [...options.methods], resume: false, stopAfterPhases: 5 })).rejects.toThrow(EvolveInterrupted);
    const ledger = PhaseLedger.open(runDirectory);
    expect(ledger.has('fate/round-1/supervised')).toBe(true);
    expect(ledger.has('fate/round-1/policy-optimization')).toBe(false);
    // Stopping again later (inside another method) and resuming twice still lands on the same result.
    await expect(runEvolve({ ...options, methods: [...options.methods], resume: true, stopAfterPhases: 4 })).rejects.toThrow(EvolveInterrupted);
    const resumed = await runEvolve({ ...options, methods: [...options.methods], resume: true });
    expect(withoutTimes(resumed)).toEqual(withoutTimes(uninterrupted));
  }, 900_000);

  it('gives one-line errors for a missing checkpoint and an unknown run to resume', async () => {
    const runs = mkdtempSync(path.join(tmpdir(), 'fate-evolve-cli-'));
    const missing = await runCli(['evolve', '--preset', 'smoke', '--policy', `tiny:${path.join(runs, 'nothing')}`, '--runs', runs]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('config.json');
    const unknown = await runCli(['evolve', '--resume', 'no-such-run', '--runs', runs]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('evolve-state.json');
    const badMethod = await runCli(['evolve', '--methods', 'fate,magic', '--runs', runs]);
    expect(badMethod.code).toBe(2);
    expect(badMethod.stderr).toContain('magic');
  });
});
