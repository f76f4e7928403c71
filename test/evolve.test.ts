/**
 * `fate evolve` end to end on a small random checkpoint: every phase runs, the summary has the
 * shape of summary.json, PFPO never reinforces an unsafe trajectory, and a run stopped mid-round
 * resumes to the same summary as an uninterrupted run with the same seed; with two worker
 * processes the summary is the same as in one process, also after an interruption; the phase
 * ledger, shared by those processes, rejects a bad phase file with one line naming it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evolvePresets, type EvolvePreset } from '../src/evolve/evolve-config.js';
import { evolveSummarySchema, type EvolveMethod, type EvolveSummary } from '../src/evolve/evolve-summary.js';
import { recordedPolicyGroups, writeGroupsExport } from '../src/evolve/groups-export.js';
import { PhaseLedger, PhaseLedgerError } from '../src/evolve/phase-ledger.js';
import { policyGroupSchema } from '../src/evolve/policy-groups.js';
import { pfpoAdvantages, scalarAdvantages } from '../src/pfpo/index.js';
import { objectiveVector } from '../src/verifiers/score.js';
import { EvolveInterrupted, runEvolve, type EvolveEvent } from '../src/evolve/run-evolve.js';
import { EvolveTaskSets } from '../src/evolve/task-pools.js';
import { TinyLearner } from '../src/evolve/tiny-learner.js';
import { runEpisodes } from '../src/agent/loop.js';
import { suiteMetrics } from '../src/eval/metrics.js';
import { verify } from '../src/verifiers/verify.js';
import { createJaxBackend, initializeParameters, parseModelConfig, saveModel } from '../src/nn/index.js';
import { tokenizerToJsonText, trainTokenizer } from '../src/nn/tokenizer/index.js';
import { corpusTexts } from '../src/organism/corpus-sequences.js';
import { organismRecipeSchema } from '../src/organism/organism-recipe.js';
import { writeCorpusEpisodes } from '../src/organism/write-corpus.js';
import { tinyChatSpecialTokens } from '../src/policies/tiny/chat-template/index.js';
import { TinyCheckpointError } from '../src/policies/tiny/tiny-policy.js';
import { runCli } from './support/run-cli.js';

let checkpoint = '';

/** A micro preset: one round, a handful of tasks, two samples per group. */
const micro: EvolvePreset = {
  ...evolvePresets.smoke,
  pools: { benign: 1, attacked: 2, harmful: 1 },
  dev: { benign: 1, attacked: 1, harmful: 1 },
  test: { benign: 1, attacked: 1, harmful: 0 },
  policyOptimization: { prompts: 2, steps: 1, epochs: 2, peakLearningRate: 1e-3, temperature: 1, argumentTemperature: 1 },
  supervised: { steps: 1, peakLearningRate: 1e-3, successes: false },
  repair: { ...evolvePresets.smoke.repair, diagnosisShare: 0.5 },
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
  return JSON.parse(JSON.stringify(summary, (key, value: unknown) => (key === 'seconds' || key === 'workSeconds' || key === 'run' ? undefined : value)));
}

/** The summary of the same run with only `methods` (each method's results depend on nothing but the base and the seed). */
function withOnly(summary: EvolveSummary, methods: EvolveMethod[]): unknown {
  return withoutTimes({
    ...summary,
    methods,
    results: summary.results.filter((result) => methods.includes(result.method)),
    examples: summary.examples.filter((example) => methods.includes(example.method)),
  });
}

/** A micro-preset run of `methods` from the random checkpoint (resume and test hooks are added per call). */
function microRun(runDirectory: string, methods: EvolveMethod[], workers: number) {
  return { presetName: 'micro', preset: micro, policyDirectory: checkpoint, policyName: `tiny:${checkpoint}`, methods, runId: 'micro', runDirectory, workers };
}

describe('fate evolve', () => {
  let uninterrupted: EvolveSummary;
  let uninterruptedDirectory = '';

  it('runs every phase of every method and returns summary.json\'s shape', async () => {
    const runDirectory = mkdtempSync(path.join(tmpdir(), 'fate-evolve-run-'));
    uninterruptedDirectory = runDirectory;
    uninterrupted = await runEvolve({ ...microRun(runDirectory, ['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft'], 1), resume: false });
    expect(evolveSummarySchema.safeParse(uninterrupted).success).toBe(true);
    expect(uninterrupted.results.map((result) => result.method)).toEqual(['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft']);
    // The summary records the evaluation decoding every method was measured with (here the default).
    expect(uninterrupted.decoding).toEqual({ temperature: 1, topP: 1, seed: 0, argumentTemperature: 0, maxNewTokens: 160 });
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
    // Round 1's warmup is trained once for fate and fate-sft-only; both report it, and both start from its checkpoint.
    expect(ledger.get('shared/round-1/supervised').checkpoint).toBe(path.join(runDirectory, 'checkpoints', 'shared__round-1__supervised'));
    expect(ledger.has('fate/round-1/supervised')).toBe(false);
    expect(ledger.has('fate-sft-only/round-1/supervised')).toBe(false);
    expect(byMethod.get('fate-sft-only')!.rounds[0]!.supervised).toEqual(fate.supervised);
    // The last round's dev evaluation and the test evaluation ran as one batch; each records its share of the time.
    const dev = ledger.get('fate/round-1/dev');
    const test = ledger.get('fate/test');
    const tasks = new EvolveTaskSets(micro);
    const devTasks = tasks.devTasks.length;
    const testTasks = tasks.testTasks.length;
    expect(dev.seconds * testTasks).toBeCloseTo(test.seconds * devTasks, 6);
    // The work is every phase's time: in one process it is at most the wall time, and at least any round's.
    expect(uninterrupted.workSeconds).toBeCloseTo(ledger.recordedSeconds(), 9);
    expect(uninterrupted.workSeconds!).toBeLessThanOrEqual(uninterrupted.seconds);
    expect(uninterrupted.workSeconds!).toBeGreaterThanOrEqual(Math.max(...uninterrupted.results.flatMap((result) => result.rounds.map((round) => round.seconds))));
    // Every stage-2 group is recorded with its objective vectors and the advantages the method trained with.
    const { groups, withoutGroups } = recordedPolicyGroups(ledger, uninterrupted.methods, 1);
    expect(withoutGroups).toEqual([]);
    expect(groups.map((group) => `${group.method}/${group.round}/${group.group}`)).toEqual(
      ['fate', 'scalar-grpo', 'gdpo'].flatMap((method) => [0, 1].map((group) => `${method}/1/${group}`)),
    );
    for (const group of groups) {
      expect(group.members).toHaveLength(micro.pfpo.groupSize);
      const vectors = group.members.map((member) => [member.objectives.security, member.objectives.utility, member.objectives.overRefusal, member.objectives.control]);
      const structure = pfpoAdvantages(vectors, micro.pfpo);
      expect(group.members.map((member) => member.pfpoAdvantage)).toEqual(structure.advantages);
      expect(group.members.map((member) => member.level)).toEqual(structure.diagnostics.levels);
      const trained = group.advantage === 'pfpo' ? structure.advantages : scalarAdvantages(group.advantage, vectors, { epsilon: micro.pfpo.advantageEpsilon });
      expect(group.members.map((member) => member.advantage)).toEqual(trained);
      for (const member of group.members) {
        expect(objectiveVector(member.verdict)).toEqual(vectors[member.sample]);
        expect(member.messages.find((message) => message.role === 'user')).toEqual({ role: 'user', content: group.prompt });
      }
      const method = byMethod.get(group.method as EvolveMethod)!.rounds[0]!.policyOptimization!;
      expect(method.advantage).toBe(group.advantage);
    }
    for (const method of ['fate', 'scalar-grpo', 'gdpo'] as const) {
      const own = groups.filter((group) => group.method === method);
      expect(byMethod.get(method)!.rounds[0]!.policyOptimization!.zeroVarianceShare).toBe(own.filter((group) => group.zeroVariance).length / own.length);
      const infeasible = own.flatMap((group) => group.members).filter((member) => member.feasible === false);
      if (method === 'fate') expect(infeasible.every((member) => member.advantage <= 0)).toBe(true);
    }
    const exported = writeGroupsExport(runDirectory, groups);
    const lines = readFileSync(exported.file, 'utf8').trim().split('\n');
    expect(exported.lines).toBe(groups.length);
    expect(lines.map((line) => policyGroupSchema.parse(JSON.parse(line)))).toEqual(groups);
  }, 900_000);

  it('gives the same results when the dev and test evaluations run as one batch as when they run apart', async () => {
    // Every episode samples from its own seeded stream: the base's dev tasks run alone score as
    // they did in the run, where they ran in one batch with the test tasks.
    const learner = await TinyLearner.load(checkpoint, `tiny:${checkpoint}`);
    try {
      const devTasks = new EvolveTaskSets(micro).devTasks;
      const episodes = await runEpisodes(devTasks, learner.policy, { batchSize: 64 });
      const metrics = suiteMetrics(episodes.map((episode) => ({ task: episode.task, verdict: verify(episode.task, episode.trajectory, episode.before, episode.after) })));
      expect(metrics).toEqual(PhaseLedger.open(uninterruptedDirectory).get<{ metrics: unknown }>('base/dev').result.metrics);
    } finally {
      learner.dispose();
    }
  }, 300_000);

  it('resumes a run stopped mid-round to the same summary as the uninterrupted run', async () => {
    const runDirectory = mkdtempSync(path.join(tmpdir(), 'fate-evolve-resume-'));
    const options = microRun(runDirectory, ['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft'], 1);
    // Stop after the base evaluations, the shared rollouts, repairs and warmup, and fate's PFPO: in the middle of fate's round 1.
    await expect(runEvolve({ ...options, resume: false, stopAfterPhases: 6 })).rejects.toThrow(EvolveInterrupted);
    const ledger = PhaseLedger.open(runDirectory);
    expect(ledger.has('shared/round-1/supervised')).toBe(true);
    expect(ledger.has('fate/round-1/policy-optimization')).toBe(true);
    expect(ledger.has('fate/round-1/dev')).toBe(false);
    // Stopping again later (inside another method) and resuming twice still lands on the same result.
    await expect(runEvolve({ ...options, resume: true, stopAfterPhases: 4 })).rejects.toThrow(EvolveInterrupted);
    const resumed = await runEvolve({ ...options, resume: true });
    expect(withoutTimes(resumed)).toEqual(withoutTimes(uninterrupted));
  }, 900_000);

  // Three methods here and two in the next test, all five between them: each method is a worker process to start.
  it('gives the same summary with two worker processes, relaying their events', async () => {
    const runDirectory = mkdtempSync(path.join(tmpdir(), 'fate-evolve-workers-'));
    const events: EvolveEvent[] = [];
    const methods: EvolveMethod[] = ['fate-sft-only', 'gdpo', 'refusal-sft'];
    const parallel = await runEvolve({ ...microRun(runDirectory, methods, 2), resume: false, onEvent: (event) => events.push(event) });
    expect(withoutTimes(parallel)).toEqual(withOnly(uninterrupted, methods));
    const done = events.filter((event) => event.kind === 'phase-done').map((event) => event.label);
    expect(done).toContain('shared · round 1 · repairs');
    expect(done).toContain('gdpo · test evaluation');
    const sharedLabels = events.filter((event) => event.kind === 'phase-shared').map((event) => event.label);
    expect(sharedLabels).toContain('fate-sft-only · round 1 · repairs');
    expect(sharedLabels).toContain('fate-sft-only · round 1 · supervised warmup');
    expect(events.some((event) => event.kind === 'progress' && event.label === 'base · dev + test evaluation')).toBe(true);
    // Each phase ran once, in one of the processes.
    expect(new Set(done).size).toBe(done.length);
    // Five jobs, two processes: a worker takes the next job when it finishes one.
    const started = events.filter((event) => event.kind === 'job-started');
    expect(started.map((event) => event.job).sort()).toEqual(['base', 'fate-sft-only', 'gdpo', 'refusal-sft', 'shared']);
    expect(new Set(started.map((event) => event.worker))).toEqual(new Set([1, 2]));
  }, 900_000);

  it('resumes with two workers a run whose worker stopped, restarting jobs whose heap filled up, to the same summary', async () => {
    const runDirectory = mkdtempSync(path.join(tmpdir(), 'fate-evolve-workers-resume-'));
    const options = microRun(runDirectory, ['fate', 'scalar-grpo'], 2);
    // Base has two phases and shared three: the shared worker, or the worker that took scalar-grpo
    // after base (it waits for no shared phase), stops the pool at its third phase.
    await expect(runEvolve({ ...options, resume: false, stopAfterPhases: 3 })).rejects.toThrow(EvolveInterrupted);
    const ledger = PhaseLedger.open(runDirectory);
    expect(ledger.has('base/test')).toBe(true);
    expect(ledger.has('fate/test')).toBe(false);
    // Resumed, each job's first worker fails after one phase as a full wasm heap does; the pool
    // starts the job again in a fresh process, which continues from the ledger.
    const events: EvolveEvent[] = [];
    const resumed = await runEvolve({ ...options, resume: true, heapFullAfterPhases: 1, onEvent: (event) => events.push(event) });
    expect(withoutTimes(resumed)).toEqual(withOnly(uninterrupted, options.methods));
    const restarted = events.filter((event) => event.kind === 'job-restarted');
    expect(restarted.length).toBeGreaterThan(0);
    for (const event of restarted) expect(event).toMatchObject({ attempt: 1, reason: expect.stringContaining('wasm heap') });
  }, 900_000);

  it('stops every worker and throws the one-line error of the worker that failed', async () => {
    const runDirectory = mkdtempSync(path.join(tmpdir(), 'fate-evolve-workers-fail-'));
    const missing = path.join(runDirectory, 'no-checkpoint');
    const run = runEvolve({ ...microRun(runDirectory, ['fate', 'gdpo'], 2), policyDirectory: missing, policyName: `tiny:${missing}`, resume: false });
    const error = await run.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TinyCheckpointError);
    expect((error as Error).message).toContain(path.join(missing, 'config.json'));
    expect((error as Error).message).not.toContain('\n');
  }, 300_000);

  it('gives one-line errors for a missing checkpoint, an unknown run to resume and bad flags', async () => {
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
    const badWorkers = await runCli(['evolve', '--workers', '0', '--runs', runs]);
    expect(badWorkers.code).toBe(2);
    expect(badWorkers.stderr).toContain('expected an integer from 1 to 64, got "0"');
  });
});

describe('the phase ledger', () => {
  it('sees phases another process recorded and keeps each phase in its own file', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-ledger-'));
    const writer = PhaseLedger.create(directory, { preset: 'micro' });
    const reader = PhaseLedger.open(directory);
    expect(reader.has('fate/round-1/dev')).toBe(false);
    writer.record('fate/round-1/dev', { point: 1 }, null, 2.5);
    expect(reader.has('fate/round-1/dev')).toBe(true);
    expect(reader.get('fate/round-1/dev')).toEqual({ key: 'fate/round-1/dev', result: { point: 1 }, checkpoint: null, seconds: 2.5 });
    expect(existsSync(path.join(directory, 'phases', 'fate__round-1__dev.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(directory, 'evolve-state.json'), 'utf8'))).toEqual({ version: 2, options: { preset: 'micro' } });
    expect(() => PhaseLedger.create(directory, {})).toThrow(/a run already exists there/);
  });

  it('sums the seconds of every recorded phase, whichever process recorded it, each phase once', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-ledger-'));
    const writer = PhaseLedger.create(directory, { preset: 'micro' });
    expect(writer.recordedSeconds()).toBe(0);
    writer.record('base/dev', { point: 1 }, null, 2.5);
    PhaseLedger.open(directory).record('fate/round-1/supervised', { steps: 1 }, null, 4);
    writer.record('base/dev', { point: 1 }, null, 3);
    expect(writer.recordedSeconds()).toBe(7);
    expect(PhaseLedger.open(directory).recordedSeconds()).toBe(7);
  });

  it.each([
    ['not JSON', '{"key": "base/dev",', /not valid JSON/],
    ['a field of the wrong type', JSON.stringify({ key: 'base/dev', result: {}, checkpoint: null, seconds: 'soon' }), /field seconds: /],
    ['a missing field', JSON.stringify({ key: 'base/dev', result: {}, seconds: 1 }), /field checkpoint: /],
    ['another phase\'s record', JSON.stringify({ key: 'base/test', result: {}, checkpoint: null, seconds: 1 }), /field key: expected "base\/dev", got "base\/test"/],
  ])('rejects a phase file with %s in one line naming the file', (_, text, message) => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-ledger-bad-'));
    PhaseLedger.create(directory, {}).record('base/test', {}, null, 1);
    const file = path.join(directory, 'phases', 'base__dev.json');
    writeFileSync(file, text);
    const error = (() => {
      try {
        PhaseLedger.open(directory);
        return null;
      } catch (thrown) {
        return thrown as Error;
      }
    })();
    expect(error).toBeInstanceOf(PhaseLedgerError);
    expect(error!.message.startsWith(`${file}: `)).toBe(true);
    expect(error!.message).toMatch(message);
    expect(error!.message).not.toContain('\n');
  });

  it('converts a ledger written before phases had their own files', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-ledger-version-1-'));
    mkdirSync(directory, { recursive: true });
    const phases = { 'base/dev': { result: { point: 1 }, checkpoint: null, seconds: 3 }, 'fate/round-1/supervised': { result: { steps: 1 }, checkpoint: '/runs/x/checkpoints/fate__round-1__supervised', seconds: 4 } };
    writeFileSync(path.join(directory, 'evolve-state.json'), JSON.stringify({ version: 1, options: { preset: 'micro' }, phases }));
    const ledger = PhaseLedger.open(directory);
    expect(ledger.options).toEqual({ preset: 'micro' });
    expect(ledger.get('fate/round-1/supervised')).toEqual({ key: 'fate/round-1/supervised', ...phases['fate/round-1/supervised'] });
    const reopened = PhaseLedger.open(directory);
    expect(reopened.get('base/dev').result).toEqual({ point: 1 });
    expect(JSON.parse(readFileSync(path.join(directory, 'evolve-state.json'), 'utf8')).version).toBe(2);
  });

  it('lists policy-optimization phases finished without a groups file, and names a damaged one with its field', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'fate-ledger-groups-'));
    const ledger = PhaseLedger.create(directory, {});
    ledger.record('fate/round-1/policy-optimization', {}, null, 1);
    ledger.record('fate-sft-only/round-1/supervised', {}, null, 1);
    expect(recordedPolicyGroups(ledger, ['fate', 'fate-sft-only', 'gdpo'], 2)).toEqual({ groups: [], withoutGroups: ['fate/round-1/policy-optimization'] });
    ledger.writeData('fate/round-1/policy-optimization', [{ method: 'fate', round: 0 }]);
    const file = ledger.dataFile('fate/round-1/policy-optimization');
    expect(() => recordedPolicyGroups(ledger, ['fate'], 1)).toThrow(new PhaseLedgerError(`${file}: field 0.round: Too small: expected number to be >0`));
    writeFileSync(file, '[{"method"');
    expect(() => recordedPolicyGroups(ledger, ['fate'], 1)).toThrow(/^.*fate__round-1__policy-optimization\.json: not valid JSON/);
  });
});
