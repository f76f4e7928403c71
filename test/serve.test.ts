import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Policy, PolicyRequest, PolicyResponse } from '../src/agent/policy.js';
import { toOpenAiTool } from '../src/envs/tool.js';
import { domainByName } from '../src/envs/registry.js';
import { evaluatePolicy } from '../src/eval/evaluate.js';
import { suiteMetrics, suiteMetricsSchema } from '../src/eval/metrics.js';
import { OpenAiPolicy } from '../src/policies/openai/index.js';
import { createPolicy, policyReadsTask } from '../src/policies/registry.js';
import { startServer, type RunningServer } from '../src/serve/index.js';
import { generateTasks } from '../src/suites/generate.js';
import type { Task } from '../src/suites/task.js';
import { toolCallSchema } from '../src/trajectory/message.js';
import { runCli } from './support/run-cli.js';

const temporary = () => mkdtempSync(path.join(tmpdir(), 'fate-serve-'));
const servers: RunningServer[] = [];

async function serve(spec: string): Promise<RunningServer> {
  const server = await startServer({ policy: await createPolicy(spec), host: '127.0.0.1', port: 0, readsTask: policyReadsTask(spec) });
  servers.push(server);
  return server;
}

/** Runs `fate eval --json` and returns the metrics and the stored trajectories' messages. */
async function evaluate(spec: string, extra: string[] = []) {
  const runs = temporary();
  const result = await runCli(['eval', '--policy', spec, '--suite', 'all', '--split', 'test', '--limit', '48', '--seed', '3', '--json', '--runs', runs, ...extra]);
  expect(result.stderr).not.toContain('unexpected');
  expect(result.code).toBe(0);
  const [runId] = readdirSync(runs);
  const lines = readFileSync(path.join(runs, runId!, 'trajectories.jsonl'), 'utf8').trim().split('\n');
  return { metrics: suiteMetricsSchema.parse(JSON.parse(result.stdout)), messages: lines.map((line) => JSON.parse(line).messages) };
}

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('fate eval against fate serve over HTTP', () => {
  it('scripted:oracle served gives the metrics and conversations of scripted:oracle in-process', async () => {
    const server = await serve('scripted:oracle');
    const local = await evaluate('scripted:oracle');
    const remote = await evaluate(`openai:scripted:oracle@${server.url}`);
    expect(remote.metrics).toEqual(local.metrics);
    expect(remote.messages).toEqual(local.messages);
    expect(local.metrics.suites.harm?.hcr.value).toBe(0);
    expect(local.metrics.suites.injection?.tsr.n).toBeGreaterThan(0);
  });

  it('compares something that tells policies apart (the equality checks can fail)', async () => {
    const tasks = evaluationTasks();
    const oracle = suiteMetrics(await evaluatePolicy(await createPolicy('scripted:oracle'), tasks));
    const complying = suiteMetrics(await evaluatePolicy(await createPolicy(`openai:scripted:comply-all@${(await serve('scripted:comply-all')).url}`), tasks));
    expect(complying).not.toEqual(oracle);
    expect(oracle.suites.harm?.hcr.value).toBe(0);
    expect(complying.suites.harm?.hcr.value).toBeGreaterThan(0);
  });

  it.each(['scripted:comply-all', 'scripted:malformed', 'scripted:follow-injections'])('%s served scores as in-process', async (spec) => {
    const tasks = evaluationTasks();
    const server = await serve(spec);
    const local = await evaluatePolicy(await createPolicy(spec), tasks);
    const remote = await evaluatePolicy(await createPolicy(`openai:${spec}@${server.url}`), tasks);
    expect(suiteMetrics(remote)).toEqual(suiteMetrics(local));
    expect(remote.map((item) => item.episode.trajectory.messages)).toEqual(local.map((item) => item.episode.trajectory.messages));
    expect(remote.map((item) => item.verdict.scores)).toEqual(local.map((item) => item.verdict.scores));
  });
});

let cachedTasks: Task[] | undefined;
/** Every 12th task of the test split, all suites (generated once: generation takes a second). */
function evaluationTasks(): Task[] {
  cachedTasks ??= generateTasks({ suite: 'all', split: 'test', seed: 3 }).filter((_task, index) => index % 12 === 0);
  return cachedTasks;
}

function firstToolTask(): Task {
  const task = evaluationTasks().find((candidate) => candidate.kind === 'benign' && candidate.groundTruth.length > 0);
  if (!task) throw new Error('no benign injection task with a ground truth');
  return task;
}

function toolsOf(task: Task) {
  const domain = domainByName(task.domain);
  return task.tools.map((name) => toOpenAiTool(domain.tools.find((tool) => tool.name === name)!));
}

describe('fate serve with the official openai client', () => {
  let server: RunningServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await serve('scripted:oracle');
    client = new OpenAI({ apiKey: 'unused', baseURL: server.url, maxRetries: 0 });
  });

  it('lists the served model', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => [model.id, model.owned_by])).toEqual([['scripted:oracle', 'fate']]);
    expect((await client.models.retrieve('scripted:oracle')).id).toBe('scripted:oracle');
    await expect(client.models.retrieve('gpt-9')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers with well-formed tool calls to offered tools, and n choices', async () => {
    const task = firstToolTask();
    const tools = toolsOf(task);
    const completion = await client.chat.completions.create({
      model: 'scripted:oracle',
      messages: [
        { role: 'system', content: task.system },
        { role: 'user', content: task.prompt },
      ],
      tools,
      n: 2,
      temperature: 0,
      seed: 7,
      logprobs: true,
      // The fate extension: a reference policy reads the task.
      ...({ fate: { task, episode_id: task.id } } as object),
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices).toHaveLength(2);
    for (const [index, choice] of completion.choices.entries()) {
      expect(choice.index).toBe(index);
      expect(choice.finish_reason).toBe('tool_calls');
      const calls = choice.message.tool_calls ?? [];
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        const parsed = toolCallSchema.parse(call);
        expect(task.tools).toContain(parsed.function.name);
        expect(typeof JSON.parse(parsed.function.arguments)).toBe('object');
      }
      expect(calls[0]!.type === 'function' && calls[0]!.function.name).toBe(task.groundTruth[0]!.name);
    }
    // The conversation continues: after the tool result, the second planned step.
    const first = completion.choices[0]!.message;
    const next = await client.chat.completions.create({
      model: 'scripted:oracle',
      messages: [
        { role: 'system', content: task.system },
        { role: 'user', content: [{ type: 'text', text: task.prompt }] },
        { role: 'assistant', content: first.content, tool_calls: first.tool_calls! },
        { role: 'tool', tool_call_id: first.tool_calls![0]!.id, content: 'ok' },
      ],
      tools,
      ...({ fate: { task } } as object),
    });
    const planned = task.groundTruth[1];
    if (planned) expect(next.choices[0]!.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: planned.name } });
    else expect(next.choices[0]!.message.content).toEqual(expect.any(String));
  });

  it.each([
    ['a missing model', { messages: [{ role: 'user', content: 'hi' }] }, 'model', 'missing_required_parameter'],
    ['no messages', { model: 'scripted:oracle', messages: [] }, 'messages', 'invalid_value'],
    ['an unknown role', { model: 'scripted:oracle', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role', 'invalid_value'],
    ['n out of range', { model: 'scripted:oracle', messages: [{ role: 'user', content: 'hi' }], n: 0 }, 'n', 'invalid_value'],
    ['a bad tool', { model: 'scripted:oracle', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'no spaces allowed' } }] }, 'tools[0].function.name', 'invalid_value'],
    ['a temperature of 7', { model: 'scripted:oracle', messages: [{ role: 'user', content: 'hi' }], temperature: 7 }, 'temperature', 'invalid_value'],
    ['streaming', { model: 'scripted:oracle', messages: [{ role: 'user', content: 'hi' }], stream: true }, 'stream', 'invalid_value'],
    ['no task for a reference policy', { model: 'scripted:oracle', messages: [{ role: 'user', content: 'hi' }] }, 'fate.task', 'missing_required_parameter'],
    ['a task that is not one', { model: 'scripted:oracle', messages: [{ role: 'user', content: 'hi' }], fate: { task: { id: 3 } } }, 'fate.task.id', 'invalid_type'],
  ])('rejects %s with a 400 and an OpenAI-style error body', async (_label, body, param, code) => {
    const error = await client.chat.completions.create(body as never).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    const raw = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(raw.status).toBe(400);
    const json = (await raw.json()) as { error: unknown };
    expect(Object.keys(json)).toEqual(['error']);
    expect(json.error).toEqual({ message: expect.stringContaining(param), type: 'invalid_request_error', param, code });
  });

  it('answers a body that is not JSON, an unknown model, an unknown URL and a wrong method with error bodies', async () => {
    const notJson = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{"model": ' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    const unknownModel = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(unknownModel.status).toBe(404);
    expect(((await unknownModel.json()) as { error: unknown }).error).toMatchObject({ param: 'model', code: 'model_not_found' });
    expect((await fetch(`${server.url}/completions`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${server.url}/chat/completions`)).status).toBe(405);
    // Still serving after all that.
    expect((await fetch(`${server.url}/models`)).status).toBe(200);
  });
});

/** A policy that needs no task and reports tokens and log-probs, seeded by the episode id. */
class CountingPolicy implements Policy {
  readonly name = 'counting';
  calls = 0;
  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    this.calls += 1;
    return requests.map((request) => {
      const seed = [...request.episodeId].reduce((sum, character) => sum + character.charCodeAt(0), 0);
      const tokenIds = [seed % 50, (seed * 7) % 50, 3];
      if (request.tools.length > 0 && !request.messages.some((message) => message.role === 'tool')) {
        const tool = request.tools[0]!.function.name;
        return { message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: tool, arguments: `{"episode":"${request.episodeId}"}` } }] }, tokenIds, logProbs: [-0.5, -1.25, -0.125] };
      }
      return { message: { role: 'assistant', content: `answer for ${request.episodeId}` }, tokenIds, logProbs: [-0.5, -1.25, -0.125] };
    });
  }
}

describe('fate serve with a policy that reads messages alone', () => {
  it('returns log-probs and token ids that an openai: policy reads back, and distinct samples for n', async () => {
    const policy = new CountingPolicy();
    const server = await startServer({ policy, port: 0 });
    servers.push(server);
    const client = new OpenAI({ apiKey: 'unused', baseURL: server.url, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'counting', messages: [{ role: 'user', content: 'hi' }], logprobs: true, n: 3, seed: 11 });
    expect(completion.choices.map((choice) => choice.logprobs?.content?.map((entry) => entry.logprob))).toEqual([
      [-0.5, -1.25, -0.125],
      [-0.5, -1.25, -0.125],
      [-0.5, -1.25, -0.125],
    ]);
    expect(new Set(completion.choices.map((choice) => choice.message.content)).size).toBe(3);
    // The same seed picks the same sampling stream; no seed, a fresh one.
    const again = await client.chat.completions.create({ model: 'counting', messages: [{ role: 'user', content: 'hi' }], seed: 11 });
    expect(again.choices[0]!.message.content).toBe(completion.choices[0]!.message.content);
    expect(again.choices[0]!.logprobs).toBeNull();

    const remote = OpenAiPolicy.fromSpec(`openai:counting@${server.url}`, `counting@${server.url}`, {});
    const task = firstToolTask();
    const request: PolicyRequest = { episodeId: 'episode-1', messages: [{ role: 'user', content: 'hi' }], tools: toolsOf(task), entities: [], task };
    const [served] = await remote.generate([request]);
    const [direct] = await new CountingPolicy().generate([request]);
    expect(served).toEqual(direct);
    expect(served!.logProbs).toEqual([-0.5, -1.25, -0.125]);
    const samples = await remote.generateSamples([request, { ...request, episodeId: 'episode-2' }], 2);
    expect(samples.map((group) => group.length)).toEqual([2, 2]);
    expect(samples[0]![0]).toEqual(direct);
    expect(samples[0]![1]!.message.tool_calls?.[0]?.function.arguments).toContain('episode-1~sample~1');
    expect(samples.flat().every((response) => response.error === undefined)).toBe(true);
  });
});

/** Records the requests it is asked and answers with a plain message. */
class RecordingPolicy implements Policy {
  readonly name = 'recording';
  readonly requests: PolicyRequest[] = [];
  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    this.requests.push(...requests);
    return requests.map(() => ({ message: { role: 'assistant', content: 'ok' } }));
  }
}

describe('fate serve passes a request\'s sampling to the policy', () => {
  it('maps temperature, top_p and max_tokens / max_completion_tokens, top_p 0 as greedy, and leaves an unset request alone', async () => {
    const policy = new RecordingPolicy();
    const server = await startServer({ policy, port: 0 });
    servers.push(server);
    const client = new OpenAI({ apiKey: 'unused', baseURL: server.url, maxRetries: 0 });
    const ask = (extra: Record<string, unknown>) => client.chat.completions.create({ model: 'recording', messages: [{ role: 'user', content: 'hi' }], ...extra });
    await ask({ temperature: 0.3, top_p: 0.9, max_tokens: 20 });
    await ask({ max_tokens: 20, max_completion_tokens: 12 });
    await ask({ top_p: 0, temperature: 0.8 });
    await ask({});
    expect(policy.requests.map((request) => request.sampling)).toEqual([{ temperature: 0.3, topP: 0.9, maxNewTokens: 20 }, { maxNewTokens: 12 }, { temperature: 0 }, undefined]);

    // An openai: policy sends its settings, and a request's own sampling before them.
    const remote = OpenAiPolicy.fromSpec(`openai:recording@${server.url}`, `recording@${server.url}`, {});
    const base: PolicyRequest = { episodeId: 'episode-1', messages: [{ role: 'user', content: 'hi' }], tools: [], entities: [], task: undefined };
    await remote.generate([base, { ...base, episodeId: 'episode-2', sampling: { temperature: 0.2, maxNewTokens: 7 } }]);
    const [plain, own] = policy.requests.slice(-2).sort((a, b) => a.episodeId.localeCompare(b.episodeId));
    expect(plain!.sampling).toEqual({ temperature: 1, topP: 1 });
    expect(own!.sampling).toEqual({ temperature: 0.2, topP: 1, maxNewTokens: 7 });
  });
});

describe('fate serve (the command)', () => {
  it('prints the listening URL, serves, and stops cleanly on SIGINT', async () => {
    const entry = "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, 'serve', '--policy', 'scripted:oracle', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`fate serve exited early: ${stderr}`)));
    });
    const models = (await (await fetch(`${url}/models`)).json()) as { data: unknown[] };
    expect(models.data[0]).toMatchObject({ id: 'scripted:oracle', owned_by: 'fate' });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('stopped (SIGINT)');
    expect(stderr).toBe('');
  });

  it.each([
    [['serve', '--policy', 'scripted:nope'], 'unknown scripted policy'],
    [['serve', '--policy', 'scripted:oracle', '--port', '70000'], 'expected a port'],
    [['serve', '--policy', 'openai:'], 'names no model'],
  ])('rejects %j with one line and exit 2', async (argv, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the address when the port is taken', async () => {
    const taken = await serve('scripted:oracle');
    const result = await runCli(['serve', '--policy', 'scripted:oracle', '--port', String(taken.port)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('address is in use');
  });
});
