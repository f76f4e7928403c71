import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkToolCall } from '../src/envs/executor.js';
import { domainByName } from '../src/envs/registry.js';
import { toOpenAiTool } from '../src/envs/tool.js';
import { evaluatePolicy } from '../src/eval/evaluate.js';
import { createJaxBackend, initializeParameters, parseModelConfig, saveModel } from '../src/nn/index.js';
import { tokenizerToJsonText, trainTokenizer } from '../src/nn/tokenizer/index.js';
import { corpusTexts } from '../src/organism/corpus-sequences.js';
import { organismRecipeSchema } from '../src/organism/organism-recipe.js';
import { writeCorpusEpisodes } from '../src/organism/write-corpus.js';
import { createPolicy, UnknownPolicyError } from '../src/policies/registry.js';
import { loadTinyChatTemplate, renderPrompt, templateTokenIds, tinyChatSpecialTokens } from '../src/policies/tiny/chat-template/index.js';
import { baseCheckpointDirectory, TinyPolicy } from '../src/policies/tiny/tiny-policy.js';
import { generateTasks } from '../src/suites/generate.js';
import { runCli } from './support/run-cli.js';

let checkpoint = '';

beforeAll(async () => {
  const episodes = (await writeCorpusEpisodes(organismRecipeSchema.parse({ worldSeeds: 1 }))).slice(0, 120);
  const tokenizer = trainTokenizer(corpusTexts(episodes), { vocabSize: 1024, specialTokens: tinyChatSpecialTokens() });
  const config = parseModelConfig({ vocabSize: tokenizer.vocabularySize, dModel: 16, layers: 1, heads: 2, ffHidden: 32, maxSequence: 2048 });
  const backend = await createJaxBackend({ workers: false });
  checkpoint = mkdtempSync(path.join(tmpdir(), 'fate-tiny-'));
  await saveModel(backend, checkpoint, config, initializeParameters(backend, config, 1), tokenizerToJsonText(tokenizer));
}, 300_000);

describe('tiny policy', () => {
  it('drives the agent loop from a checkpoint; whatever it emits is scored, never thrown', async () => {
    const policy = await createPolicy(`tiny:${checkpoint}`);
    const tasks = generateTasks({ suite: 'all', split: 'dev', seed: 0 }).filter((_task, index) => index % 40 === 0);
    const evaluated = await evaluatePolicy(policy, tasks);
    expect(evaluated).toHaveLength(tasks.length);
    for (const item of evaluated) {
      expect(['answer', 'step-limit', 'policy-error']).toContain(item.episode.trajectory.termination);
      expect(item.verdict.scores.control.value).not.toBeUndefined();
      const first = item.episode.trajectory.steps[0]!;
      if (first.kind !== 'invalid') {
        expect(first.tokenIds?.length).toBeGreaterThan(0);
        expect(first.logProbs?.length).toBe(first.tokenIds?.length);
      }
    }
  }, 300_000);

  it('with slotConstraint "seen" never emits a slot that stands for nothing yet', async () => {
    const policy = await TinyPolicy.load(checkpoint, { slotConstraint: 'seen', grammar: 'none', maxNewTokens: 64 });
    const slots = templateTokenIds(policy.tokenizer, loadTinyChatTemplate()).slots;
    const tasks = generateTasks({ suite: 'injection', split: 'dev', seed: 0 }).slice(0, 8);
    const requests = tasks.map((task) => ({ episodeId: task.id, messages: [{ role: 'system' as const, content: task.system }, { role: 'user' as const, content: task.prompt }], tools: [], entities: task.entities, task }));
    const responses = await policy.generate(requests);
    const unconstrained = await (await TinyPolicy.load(checkpoint, { grammar: 'none', maxNewTokens: 64 })).generate(requests);
    responses.forEach((response, index) => {
      const used = renderPrompt(requests[index]!.messages, [], requests[index]!.entities, { tokenizer: policy.tokenizer }).slotMap.values.length;
      const forbidden = new Set(slots.slice(used));
      expect(response.tokenIds!.some((id) => forbidden.has(id))).toBe(false);
    });
    // The random model does emit unused slots when unconstrained, so the check above can fail.
    expect(unconstrained.some((response, index) => {
      const used = renderPrompt(requests[index]!.messages, [], requests[index]!.entities, { tokenizer: policy.tokenizer }).slotMap.values.length;
      return response.tokenIds!.some((id) => slots.slice(used).includes(id));
    })).toBe(true);
  }, 300_000);

  it('with the tool-call grammar and no slips writes only calls that parse, name an offered tool and fit its schema; with slips, only their syntax breaks', async () => {
    // The committed base writes calls from its first turn (a random model almost never starts one).
    const tasks = generateTasks({ suite: 'injection', split: 'dev', seed: 0 }).filter((_task, index) => index % 6 === 0).slice(0, 16);
    const requests = tasks.map((task) => ({
      episodeId: task.id,
      messages: [{ role: 'system' as const, content: task.system }, { role: 'user' as const, content: task.prompt }],
      tools: task.tools.map((name) => toOpenAiTool(domainByName(task.domain).tools.find((tool) => tool.name === name)!)),
      entities: task.entities,
      task,
    }));
    const responses = await (await TinyPolicy.load(baseCheckpointDirectory, { maxNewTokens: 96, slips: 'none' })).generate(requests);
    let calls = 0;
    responses.forEach((response, index) => {
      for (const call of response.message.tool_calls ?? []) {
        calls += 1;
        const checked = checkToolCall(call, domainByName(tasks[index]!.domain).tools, tasks[index]!.tools);
        expect(checked.ok, `${call.function.name} ${call.function.arguments}`).toBe(true);
      }
    });
    expect(calls).toBeGreaterThanOrEqual(8);
    // At temperature 2 the base strays often: with the grammar its calls still all fit, and the same
    // streams without it give other turns, so the constraint is in effect.
    const hot = await (await TinyPolicy.load(baseCheckpointDirectory, { maxNewTokens: 96, temperature: 2, slips: 'none' })).generate(requests);
    hot.forEach((response, index) => {
      for (const call of response.message.tool_calls ?? []) expect(checkToolCall(call, domainByName(tasks[index]!.domain).tools, tasks[index]!.tools).ok, `${call.function.name} ${call.function.arguments}`).toBe(true);
    });
    // With the slips (the evaluation default) a call may break its syntax, and only that: it names
    // an offered tool, and arguments that parse fit the tool's schema.
    const slipping = await (await TinyPolicy.load(baseCheckpointDirectory, { maxNewTokens: 96, temperature: 2 })).generate(requests);
    slipping.forEach((response, index) => {
      for (const call of response.message.tool_calls ?? []) {
        const checked = checkToolCall(call, domainByName(tasks[index]!.domain).tools, tasks[index]!.tools);
        expect(checked.ok ? 'ok' : checked.outcome.status, `${call.function.name} ${call.function.arguments}`).toMatch(/^(ok|unparsable-arguments)$/);
      }
    });
    const free = await (await TinyPolicy.load(baseCheckpointDirectory, { maxNewTokens: 96, temperature: 2, grammar: 'none' })).generate(requests);
    expect(free.some((response, index) => response.tokenIds!.join(',') !== hot[index]!.tokenIds!.join(','))).toBe(true);

    // Argument values have their own temperature: with the turn's choices greedy, greedy values
    // (the default) and hot values give the same turns up to the first value token, and the hot
    // values differ somewhere.
    const greedyPolicy = await TinyPolicy.load(baseCheckpointDirectory, { maxNewTokens: 96, temperature: 0 });
    const policyTokenizer = greedyPolicy.tokenizer;
    const greedy = await greedyPolicy.generate(requests);
    const hotValues = await (await TinyPolicy.load(baseCheckpointDirectory, { maxNewTokens: 96, temperature: 0, argumentTemperature: 3 })).generate(requests);
    let differing = 0;
    greedy.forEach((response, index) => {
      const cold = response.tokenIds!;
      const warm = hotValues[index]!.tokenIds!;
      const firstDifference = cold.findIndex((token, position) => token !== warm[position]);
      if (firstDifference < 0) return;
      differing += 1;
      // Before the values differ both turns are in a call (greedy choices agree).
      expect(response.message.tool_calls?.length ?? 0, policyTokenizer.decode(cold)).toBeGreaterThan(0);
      expect(policyTokenizer.decode(cold.slice(0, firstDifference))).toContain('":');
    });
    expect(differing).toBeGreaterThan(0);
    // A request may ask for its own argument temperature (evolve samples PFPO groups so): the
    // greedy-valued policy then gives what the hot-valued one gives.
    const asked = await greedyPolicy.generate(requests.map((request) => ({ ...request, sampling: { argumentTemperature: 3 } })));
    expect(asked.map((response) => response.tokenIds)).toEqual(hotValues.map((response) => response.tokenIds));
  }, 300_000);

  it('continues each episode from the cache of its previous turn, to the same episodes as running every prompt whole', async () => {
    const tasks = generateTasks({ suite: 'injection', split: 'dev', seed: 0 }).filter((_task, index) => index % 9 === 0).slice(0, 8);
    const reusing = await TinyPolicy.load(baseCheckpointDirectory, {}, 'tiny');
    const whole = await TinyPolicy.load(baseCheckpointDirectory, {}, 'tiny', { prefixReuse: false });
    const withReuse = await evaluatePolicy(reusing, tasks);
    const without = await evaluatePolicy(whole, tasks);
    expect(withReuse.map((item) => item.episode.trajectory.messages)).toEqual(without.map((item) => item.episode.trajectory.messages));
    expect(withReuse.some((item) => item.episode.trajectory.steps.length > 1)).toBe(true);
    // Later turns took most of their prompt from the cache; the other policy ran every token.
    const counts = reusing.promptTokenCounts;
    expect(counts.prompt).toBe(whole.promptTokenCounts.prompt);
    expect(counts.reused / counts.prompt).toBeGreaterThan(0.3);
    expect(whole.promptTokenCounts.reused).toBe(0);
  }, 300_000);

  it('samples each request with its own temperature, top-p and turn budget, the others with the decoding', async () => {
    const policy = await TinyPolicy.load(checkpoint, { grammar: 'none', maxNewTokens: 48 });
    const task = generateTasks({ suite: 'injection', split: 'dev', seed: 0 })[0]!;
    const request = (episodeId: string, sampling?: { temperature?: number; topP?: number; maxNewTokens?: number }) => ({
      episodeId,
      messages: [{ role: 'system' as const, content: task.system }, { role: 'user' as const, content: task.prompt }],
      tools: [],
      entities: task.entities,
      task,
      ...(sampling ? { sampling } : {}),
    });
    const responses = await policy.generate([
      request('a', { temperature: 0 }),
      request('b'),
      request('c', { temperature: 0 }),
      request('d'),
      request('e', { maxNewTokens: 6 }),
      request('f', { maxNewTokens: 500 }),
    ]);
    const tokens = responses.map((response) => response.tokenIds!);
    // Greedy rows do not depend on the episode's sampling stream; sampled rows do.
    expect(tokens[0]).toEqual(tokens[2]);
    expect(tokens[1]).not.toEqual(tokens[3]);
    expect(tokens[4]!.length).toBeLessThanOrEqual(6);
    // A budget above the policy's own is capped at it.
    expect(tokens[5]!.length).toBeLessThanOrEqual(48);
    // A request without sampling gets exactly what it gets alone.
    const [alone] = await policy.generate([request('b')]);
    expect(alone!.tokenIds).toEqual(tokens[1]);
    // Greedy is the likeliest token at every step: its log-probabilities are at least the sampled row's on average.
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(responses[0]!.logProbs!)).toBeGreaterThan(mean(responses[1]!.logProbs!));
  }, 300_000);

  it('names the file when a checkpoint is missing or corrupt', async () => {
    await expect(createPolicy(`tiny:${path.join(checkpoint, 'nope')}`)).rejects.toThrow(UnknownPolicyError);
    const broken = mkdtempSync(path.join(tmpdir(), 'fate-tiny-broken-'));
    writeFileSync(path.join(broken, 'config.json'), '{"vocabSize": 10}');
    await expect(createPolicy(`tiny:${broken}`)).rejects.toThrow(/config\.json/);
    const result = await runCli(['eval', '--policy', `tiny:${broken}`, '--runs', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('config.json');
  });
});
