import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pretrain } from '../src/organism/pretrain.js';
import { pretrainConfigSchema } from '../src/organism/pretrain-config.js';
import { TinyPolicy } from '../src/policies/tiny/tiny-policy.js';
import { generateTasks } from '../src/suites/generate.js';
import { runCli } from './support/run-cli.js';

/** A pretrain section small enough for a test: one world seed, a 1-layer model, three steps. */
const smallRecipe = {
  recipe: { worldSeeds: 1, harmSeedMultiplier: 1 },
  tokenizerVocabularySize: 512,
  model: { dModel: 16, layers: 1, heads: 2, ffHidden: 32, maxSequence: 768 },
  training: { steps: 4, tokensPerMicroBatch: 768, microBatchesPerStep: 2, processes: 2, checkpointEvery: 2, logEvery: 1 },
};

describe('fate pretrain', () => {
  let uninterrupted = '';

  it('writes the corpus, trains with two processes and saves a checkpoint the tiny policy loads', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'fate-pretrain-'));
    const config = path.join(folder, 'fate.config.json');
    writeFileSync(config, JSON.stringify({ pretrain: smallRecipe }));
    const out = path.join(folder, 'base');
    uninterrupted = out;
    const result = await runCli(['pretrain', '--config', config, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('training: 4 Muon steps of 2 micro-batches × 768 tokens, 2 processes (data-parallel)');
    expect(result.stderr).toMatch(/step 4\/4 loss \d.* tok\/s \(mean \d+\)/);
    expect(result.stdout).toContain('after 4 steps');
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'argument-kinds.json', 'pretrain.json']) expect(existsSync(path.join(out, file))).toBe(true);
    expect(existsSync(path.join(out, 'checkpoints', 'step-000002', 'model.safetensors'))).toBe(true);
    expect(existsSync(path.join(out, 'checkpoints', 'step-000002', 'optimizer.safetensors'))).toBe(true);
    const record = JSON.parse(readFileSync(path.join(out, 'pretrain.json'), 'utf8'));
    expect(record.steps).toBe(4);
    expect(Number.isFinite(record.finalLoss)).toBe(true);
    expect(record.trainingTokensPerSecond).toBeGreaterThan(0);
    expect(record.config.training.processes).toBe(2);

    const policy = await TinyPolicy.load(out, { maxNewTokens: 8 });
    const task = generateTasks({ suite: 'injection', split: 'dev', seed: 0 })[0]!;
    const [response] = await policy.generate([
      { episodeId: 'e', messages: [{ role: 'system', content: task.system }, { role: 'user', content: task.prompt }], tools: [], entities: task.entities, task },
    ]);
    expect(response!.tokenIds!.length).toBeGreaterThan(0);
  }, 600_000);

  it('resumes a run stopped after its last checkpoint to the same weights as the run that was not stopped', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'fate-pretrain-resume-'));
    const config = path.join(folder, 'fate.config.json');
    writeFileSync(config, JSON.stringify({ pretrain: smallRecipe }));
    const out = path.join(folder, 'base');
    // Stopped during step 4: the checkpoint of step 2 is the last one; step 3's work is lost.
    const stopped = await pretrain(pretrainConfigSchema.parse(smallRecipe), out, () => undefined, { stopAfterSteps: 3 });
    expect(stopped).toMatchObject({ interrupted: true, steps: 3 });
    expect(existsSync(path.join(out, 'model.safetensors'))).toBe(false);
    const resumed = await runCli(['pretrain', '--config', config, '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('(step 2)');
    expect(resumed.stderr).not.toMatch(/step [12]\/4 loss/);
    expect(readFileSync(path.join(out, 'model.safetensors'))).toEqual(readFileSync(path.join(uninterrupted, 'model.safetensors')));
    expect(JSON.parse(readFileSync(path.join(out, 'pretrain.json'), 'utf8')).resumedFrom).toBe('step-000002');

    // Another recipe, or a folder without a run, is refused in one line naming the file.
    writeFileSync(config, JSON.stringify({ pretrain: { ...smallRecipe, training: { ...smallRecipe.training, steps: 6 } } }));
    const changed = await runCli(['pretrain', '--config', config, '--out', out, '--resume']);
    expect(changed.code).toBe(2);
    expect(changed.stderr.trim().split('\n')).toHaveLength(1);
    expect(changed.stderr).toContain('training.steps = 4');
    const empty = await runCli(['pretrain', '--out', path.join(folder, 'nothing'), '--resume']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('pretrain-run.json: not found');
    const noOut = await runCli(['pretrain', '--resume']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--resume needs --out');
  }, 600_000);

  it('takes Muon\'s Newton–Schulz iterations from the recipe (absent: 5, the committed recipe)', async () => {
    expect(pretrainConfigSchema.parse({}).training).not.toHaveProperty('newtonSchulzSteps');
    expect(pretrainConfigSchema.safeParse({ training: { newtonSchulzSteps: 0 } }).success).toBe(false);
    const folder = mkdtempSync(path.join(tmpdir(), 'fate-pretrain-newton-schulz-'));
    const out = path.join(folder, 'base');
    // Same corpus and batches as the uninterrupted run; only the orthogonalisation differs.
    const fewer = pretrainConfigSchema.parse({ ...smallRecipe, training: { ...smallRecipe.training, newtonSchulzSteps: 1 } });
    const stopped = await pretrain(fewer, out, () => undefined, { stopAfterSteps: 3 });
    expect(stopped).toMatchObject({ interrupted: true, steps: 3 });
    const stepTwo = (run: string, file: string) => readFileSync(path.join(run, 'checkpoints', 'step-000002', file));
    expect(stepTwo(out, 'tokenizer.json')).toEqual(stepTwo(uninterrupted, 'tokenizer.json'));
    expect(stepTwo(out, 'model.safetensors')).not.toEqual(stepTwo(uninterrupted, 'model.safetensors'));
  }, 600_000);

  it('refreshes the argument kinds of a finished run from its recorded recipe, weights untouched', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'fate-pretrain-refresh-'));
    const out = path.join(folder, 'base');
    cpSync(uninterrupted, out, { recursive: true });
    const kindsFiles = [path.join(out, 'argument-kinds.json'), ...['step-000002', 'step-000004'].map((step) => path.join(out, 'checkpoints', step, 'argument-kinds.json'))];
    const learned = readFileSync(kindsFiles[0]!, 'utf8');
    // As an older fate wrote it: no identifier shapes.
    const old = JSON.parse(learned) as Record<string, { identifierShapes?: string[] }>;
    expect(Object.values(old).some((entry) => entry.identifierShapes)).toBe(true);
    for (const entry of Object.values(old)) delete entry.identifierShapes;
    for (const file of kindsFiles) writeFileSync(file, JSON.stringify(old));
    const weights = readFileSync(path.join(out, 'model.safetensors'));
    // No --config: the recipe is the run's own, from pretrain.json.
    const refreshed = await runCli(['pretrain', '--out', out, '--refresh-argument-kinds']);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toMatch(/argument kinds: \d+ reference arguments of \d+ \(\d+ with identifier shapes\) written to .* and 2 checkpoints\n/);
    for (const file of kindsFiles) expect(readFileSync(file, 'utf8')).toBe(learned);
    expect(readFileSync(path.join(out, 'model.safetensors'))).toEqual(weights);
    expect(refreshed.stderr).not.toContain('note:');

    // A run whose tokenizer the recipe no longer trains (the corpus changed since) is refreshed with a note; a folder with no run is refused.
    const tokenizerFile = path.join(out, 'tokenizer.json');
    writeFileSync(tokenizerFile, readFileSync(tokenizerFile, 'utf8').replace('"vocab"', '"vocab" '));
    const changed = await runCli(['pretrain', '--out', out, '--refresh-argument-kinds']);
    expect(changed.code).toBe(0);
    expect(changed.stderr).toContain('tokenizer.json is not the tokenizer the recipe trains today');
    for (const file of kindsFiles) expect(readFileSync(file, 'utf8')).toBe(learned);
    const empty = await runCli(['pretrain', '--out', path.join(folder, 'nothing'), '--refresh-argument-kinds']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('pretrain.json: not found');
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
  }, 600_000);

  it('rejects a bad pretrain section or flag in one line naming the file and field', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'fate-pretrain-bad-'));
    const config = path.join(folder, 'fate.config.json');
    writeFileSync(config, JSON.stringify({ pretrain: { training: { processes: 0 } } }));
    const bad = await runCli(['pretrain', '--config', config, '--out', path.join(folder, 'base')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(config);
    expect(bad.stderr).toContain('processes');
    const flag = await runCli(['pretrain', '--processes', 'two', '--out', path.join(folder, 'base')]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('positive integer');
    expect(existsSync(path.join(folder, 'base'))).toBe(false);
  });
});
