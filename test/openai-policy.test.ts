import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PolicyRequest } from '../src/agent/policy.js';
import { evaluatePolicy } from '../src/eval/evaluate.js';
import { suiteMetricsSchema } from '../src/eval/metrics.js';
import { OpenAiPolicy, OpenAiPolicyError, openAiSettingsFromEnvironment, parseOpenAiEndpoint } from '../src/policies/openai/index.js';
import { createPolicy, UnknownPolicyError } from '../src/policies/registry.js';
import { generateTasks } from '../src/suites/generate.js';
import type { Task } from '../src/suites/task.js';
import { runCli } from './support/run-cli.js';

describe('openai: specs and settings', () => {
  it.each([
    ['gpt-4o-mini', { model: 'gpt-4o-mini', baseUrl: undefined }],
    ['llama3:8b@http://localhost:11434/v1', { model: 'llama3:8b', baseUrl: 'http://localhost:11434/v1' }],
    ['scripted:oracle@http://127.0.0.1:8000/v1', { model: 'scripted:oracle', baseUrl: 'http://127.0.0.1:8000/v1' }],
    ['org/model@2024@https://example.com/v1', { model: 'org/model@2024', baseUrl: 'https://example.com/v1' }],
    ['claude@2024', { model: 'claude@2024', baseUrl: undefined }],
  ])('parses %s', (argument, expected) => {
    expect(parseOpenAiEndpoint(argument)).toEqual(expected);
  });

  it.each([
    ['', 'names no model'],
    ['@http://localhost:8000/v1', 'names no model'],
    ['model@ftp://host/v1', 'must be http:// or https://'],
    ['model@http://', 'not a valid URL'],
  ])('rejects %j', (argument, message) => {
    expect(() => parseOpenAiEndpoint(argument)).toThrow(message);
  });

  it('reads FATE_OPENAI_* variables, naming the variable of a bad value', () => {
    const settings = openAiSettingsFromEnvironment({ FATE_OPENAI_TIMEOUT_MS: '250', FATE_OPENAI_LOGPROBS: 'false', FATE_OPENAI_TEMPERATURE: '0.5', FATE_OPENAI_FATE_EXTENSION: 'off' });
    expect(settings).toMatchObject({ timeoutMs: 250, logprobs: false, temperature: 0.5, fateExtension: 'off', concurrency: 8, apiKeyVariable: 'OPENAI_API_KEY' });
    expect(() => openAiSettingsFromEnvironment({ FATE_OPENAI_CONCURRENCY: 'many' })).toThrow(/FATE_OPENAI_CONCURRENCY="many"/);
    expect(() => openAiSettingsFromEnvironment({ FATE_OPENAI_TOP_P: '3' })).toThrow(/FATE_OPENAI_TOP_P/);
    expect(() => openAiSettingsFromEnvironment({ FATE_OPENAI_FATE_EXTENSION: 'sometimes' })).toThrow(/FATE_OPENAI_FATE_EXTENSION/);
  });

  it('takes the API key from OPENAI_API_KEY or the variable FATE_OPENAI_API_KEY_ENV names', () => {
    expect(() => OpenAiPolicy.fromSpec('openai:gpt-4o', 'gpt-4o', {})).toThrow(/set OPENAI_API_KEY/);
    expect(OpenAiPolicy.fromSpec('openai:gpt-4o', 'gpt-4o', { OPENAI_API_KEY: 'sk-test' }).name).toBe('openai:gpt-4o');
    expect(() => OpenAiPolicy.fromSpec('openai:m', 'm@http://127.0.0.1:9/v1', { FATE_OPENAI_API_KEY_ENV: 'MY_KEY' })).toThrow(/set MY_KEY/);
    expect(OpenAiPolicy.fromSpec('openai:m', 'm@http://127.0.0.1:9/v1', { FATE_OPENAI_API_KEY_ENV: 'MY_KEY', MY_KEY: 'k' }).endpoint.model).toBe('m');
    // A local server needs no key.
    expect(OpenAiPolicy.fromSpec('openai:m', 'm@http://127.0.0.1:9/v1', {}).endpoint.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(() => OpenAiPolicy.fromSpec('openai:m', 'm', {})).toThrow(OpenAiPolicyError);
  });

  it('reaches createPolicy as a one-line UnknownPolicyError', async () => {
    await expect(createPolicy('openai:m@gopher://x')).rejects.toBeInstanceOf(UnknownPolicyError);
  });
});

/** What the stub server does for an episode. */
type Behaviour =
  | 'valid'
  | 'bad-json'
  | 'plain-text'
  | 'error-body'
  | 'unknown-tool'
  | 'bad-arguments'
  | 'array-arguments'
  | 'garbage-calls'
  | 'empty-choices'
  | 'missing-message'
  | 'flaky-500'
  | 'rate-limited'
  | 'always-503'
  | 'bad-request'
  | 'hang'
  | 'hang-body'
  | 'huge'
  | 'big-but-fine';

const behaviours: Behaviour[] = [
  'valid',
  'bad-json',
  'plain-text',
  'error-body',
  'unknown-tool',
  'bad-arguments',
  'array-arguments',
  'garbage-calls',
  'empty-choices',
  'missing-message',
  'flaky-500',
  'rate-limited',
  'always-503',
  'bad-request',
  'hang',
  'hang-body',
  'huge',
  'big-but-fine',
];

/** What the policy's first turn must show for each behaviour (`null`: no error). */
const expectedFirstError: Record<Behaviour, RegExp | null> = {
  valid: null,
  'bad-json': /response body is not JSON/,
  'plain-text': /response body is not JSON/,
  'error-body': /server answered with an error: "model overloaded"/,
  'unknown-tool': /names "format_disk", which is not an offered tool/,
  'bad-arguments': /are not valid JSON/,
  'array-arguments': /are not a JSON object/,
  'garbage-calls': /tool call 0 is malformed.*tool call 1 is malformed.*tool call 2 has type "weird"/,
  'empty-choices': /no choices/,
  'missing-message': /no valid message/,
  'flaky-500': null,
  'rate-limited': null,
  'always-503': /HTTP 503.*after 3 attempts/,
  'bad-request': /HTTP 400/,
  hang: /no complete response within 300 ms \(after 3 attempts\)/,
  'hang-body': /no complete response within 300 ms/,
  huge: /more than the 65536 bytes read|larger than the 65536 bytes read/,
  'big-but-fine': null,
};

interface ChatBody {
  messages: Array<{ role: string; content: string | null }>;
  tools?: Array<{ function: { name: string } }>;
  n?: number;
  seed?: number;
  temperature?: number;
  top_p?: number;
  logprobs?: boolean;
  fate?: unknown;
}

function completion(message: unknown, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ id: 'chatcmpl-stub', object: 'chat.completion', created: 0, model: 'stub', choices: [{ index: 0, message, finish_reason: 'stop', ...extra }] });
}

/** An OpenAI-compatible stub that misbehaves according to the episode (found by its user prompt). */
class StubServer {
  readonly attempts = new Map<string, number>();
  readonly bodies: ChatBody[] = [];
  readonly byPrompt = new Map<string, Behaviour>();
  inFlight = 0;
  maxInFlight = 0;
  requests = 0;
  private server: Server | undefined;
  private readonly hanging: ServerResponse[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private behaviourOf(body: ChatBody): Behaviour {
    const prompt = body.messages.find((message) => message.role === 'user')?.content ?? '';
    // Unknown episodes (the CLI run) take behaviours in turn, skipping the slow hanging ones.
    return this.byPrompt.get(prompt) ?? behaviours.filter((name) => !name.startsWith('hang'))[this.requests % (behaviours.length - 2)]!;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.url?.endsWith('/models')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'stub', object: 'model', owned_by: 'someone' }] }));
      return;
    }
    this.requests += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    response.on('close', () => (this.inFlight -= 1));
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
    this.bodies.push(body);
    const behaviour = this.behaviourOf(body);
    const turn = body.messages.filter((message) => message.role === 'assistant').length;
    const key = `${body.messages[1]?.content}:${turn}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const json = (status: number, text: string, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
    };
    const finalAnswer = () => json(200, completion({ role: 'assistant', content: 'All done.' }));
    const tool = body.tools?.[0]?.function.name ?? 'none';
    if (turn > 0) return finalAnswer();
    switch (behaviour) {
      case 'valid':
        return json(
          200,
          completion(
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_x', type: 'function', function: { name: tool, arguments: '{}' } }] },
            { logprobs: { content: [{ token: 'token_id:5', logprob: -0.25 }, { token: 'token_id:9', logprob: -1.5 }] } },
          ),
        );
      case 'bad-json':
        return json(200, '{"choices": [');
      case 'plain-text':
        response.writeHead(200, { 'content-type': 'text/plain' }).end('I am a teapot, not JSON');
        return;
      case 'error-body':
        return json(200, JSON.stringify({ error: { message: 'model overloaded' } }));
      case 'unknown-tool':
        return json(200, completion({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'format_disk', arguments: '{}' } }] }));
      case 'bad-arguments':
        return json(200, completion({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: tool, arguments: '{"x": ' } }] }));
      case 'array-arguments':
        return json(200, completion({ role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: tool, arguments: '[1, 2]' } }] }));
      case 'garbage-calls':
        return json(200, completion({ role: 'assistant', content: 'calling', tool_calls: [42, { function: {} }, { type: 'weird', function: { name: tool } }] }));
      case 'empty-choices':
        return json(200, JSON.stringify({ id: 'x', choices: [] }));
      case 'missing-message':
        return json(200, JSON.stringify({ id: 'x', choices: [{ index: 0, finish_reason: 'stop' }] }));
      case 'flaky-500':
        return attempt <= 2 ? json(500, JSON.stringify({ error: { message: 'boom' } })) : finalAnswer();
      case 'rate-limited':
        return attempt === 1 ? json(429, JSON.stringify({ error: { message: 'slow down' } }), { 'retry-after-ms': '20' }) : finalAnswer();
      case 'always-503':
        return json(503, 'unavailable');
      case 'bad-request':
        return json(400, JSON.stringify({ error: { message: 'context too long', type: 'invalid_request_error', param: null, code: null } }));
      case 'hang':
        this.hanging.push(response);
        return;
      case 'hang-body':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"choices": [');
        this.hanging.push(response);
        return;
      case 'huge':
        return json(200, completion({ role: 'assistant', content: 'x'.repeat(300_000) }));
      case 'big-but-fine':
        return json(200, completion({ role: 'assistant', content: 'y'.repeat(40_000) }));
    }
  }
}

describe('openai: policy against a misbehaving server', () => {
  const stub = new StubServer();
  let tasks: Task[] = [];
  const settings = { timeoutMs: 300, maxRetries: 2, retryBaseDelayMs: 5, retryMaxDelayMs: 50, concurrency: 4, maxResponseBytes: 65_536, fateExtension: 'off' as const };

  beforeAll(async () => {
    await stub.start();
    const seen = new Set<string>();
    tasks = generateTasks({ suite: 'injection', split: 'dev', seed: 0 })
      .filter((task) => !seen.has(task.prompt) && seen.add(task.prompt))
      .slice(0, behaviours.length);
    tasks.forEach((task, index) => stub.byPrompt.set(task.prompt, behaviours[index]!));
  });
  afterAll(() => stub.close());
  afterEach(() => vi.restoreAllMocks());

  it('scores every episode, names every defect, retries what can be retried, and never throws', async () => {
    const policy = OpenAiPolicy.fromSpec(`openai:stub@${stub.url}`, `stub@${stub.url}`, {}, settings);
    const started = Date.now();
    const evaluated = await evaluatePolicy(policy, tasks, { batchSize: 64 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(evaluated).toHaveLength(behaviours.length);
    for (const [index, item] of evaluated.entries()) {
      const behaviour = behaviours[index]!;
      const first = item.episode.trajectory.steps[0]!;
      const expected = expectedFirstError[behaviour];
      if (expected) {
        expect(first.kind, behaviour).toBe('invalid');
        expect(first.error, behaviour).toMatch(expected);
      } else {
        expect(first.error, behaviour).toBeUndefined();
      }
      expect(item.episode.trajectory.termination, behaviour).toBe('answer');
      for (const score of Object.values(item.verdict.scores)) expect(score.value === null || typeof score.value === 'number', behaviour).toBe(true);
    }
    const byBehaviour = (behaviour: Behaviour) => evaluated[behaviours.indexOf(behaviour)]!;
    // Valid output keeps its tool call and the log-probs and token ids the server sent.
    const valid = byBehaviour('valid').episode.trajectory;
    expect(valid.steps[0]).toMatchObject({ kind: 'tool-calls', logProbs: [-0.25, -1.5], tokenIds: [5, 9] });
    // Malformed calls stay in the trajectory exactly as produced; the verifiers see them.
    const badArguments = byBehaviour('bad-arguments');
    expect(badArguments.episode.trajectory.messages[2]).toMatchObject({ tool_calls: [{ function: { arguments: '{"x": ' } }] });
    expect(badArguments.verdict.scores.control.value).toBe(0);
    expect(byBehaviour('unknown-tool').episode.trajectory.steps[0]!.calls[0]).toMatchObject({ name: 'format_disk', status: 'unknown-tool' });
    expect(byBehaviour('array-arguments').episode.trajectory.messages[2]).toMatchObject({ tool_calls: [{ id: 'call_0_0', function: { arguments: '[1, 2]' } }] });
    expect(byBehaviour('garbage-calls').episode.trajectory.messages[2]).toEqual({ role: 'assistant', content: 'calling' });
    // Retries: two 500s then success; one 429 then success; 503 three times; 400 once.
    const attemptsOf = (behaviour: Behaviour) => stub.attempts.get(`${tasks[behaviours.indexOf(behaviour)]!.prompt}:0`);
    expect(attemptsOf('flaky-500')).toBe(3);
    expect(attemptsOf('rate-limited')).toBe(2);
    expect(attemptsOf('always-503')).toBe(3);
    expect(attemptsOf('bad-request')).toBe(1);
    expect(attemptsOf('hang')).toBe(3);
    expect(byBehaviour('flaky-500').episode.trajectory.messages[2]).toEqual({ role: 'assistant', content: 'All done.' });
    expect((byBehaviour('big-but-fine').episode.trajectory.messages[2] as { content: string }).content).toHaveLength(40_000);
    expect(stub.maxInFlight).toBeLessThanOrEqual(4);
    expect(stub.maxInFlight).toBeGreaterThan(1);
  });

  it('sends the tools, the evaluation decoding, a per-episode-and-turn seed and no fate field', async () => {
    const bodies = stub.bodies.filter((body) => body.tools !== undefined);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(body).toMatchObject({ temperature: 1, top_p: 1, logprobs: true });
      expect(body.fate).toBeUndefined();
      expect(Number.isInteger(body.seed)).toBe(true);
      expect(body.tools!.every((tool) => typeof tool.function.name === 'string')).toBe(true);
    }
    expect(new Set(bodies.map((body) => body.seed)).size).toBeGreaterThan(behaviours.length / 2);
  });

  it('asks for n samples and fills what the server did not return with failed samples', async () => {
    const policy = OpenAiPolicy.fromSpec(`openai:stub@${stub.url}`, `stub@${stub.url}`, {}, settings);
    const task = tasks[behaviours.indexOf('valid')]!;
    const request: PolicyRequest = { episodeId: task.id, messages: [{ role: 'system', content: task.system }, { role: 'user', content: task.prompt }], tools: [], entities: [], task };
    const [samples] = await policy.generateSamples([request], 3);
    expect(stub.bodies.at(-1)!.n).toBe(3);
    expect(samples).toHaveLength(3);
    expect(samples![0]!.error).toMatch(/not an offered tool/);
    expect(samples![1]!.error).toBe('the server returned 1 of 3 choices');
    expect(samples![2]!.message).toEqual({ role: 'assistant', content: null });
  });

  it('turns a refused connection into failed turns after the retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const policy = OpenAiPolicy.fromSpec('openai:m', `m@http://127.0.0.1:${port}/v1`, {}, settings);
    const [response] = await policy.generate([{ episodeId: 'e', messages: [{ role: 'user', content: 'hi' }], tools: [], entities: [], task: undefined }]);
    expect(response).toEqual({ message: { role: 'assistant', content: null }, error: expect.stringMatching(/^connection failed: .*ECONNREFUSED.*\(after 3 attempts\)$/) });
  });

  it('runs `fate eval` against the stub to the end, settings from the environment', async () => {
    const runs = mkdtempSync(path.join(tmpdir(), 'fate-openai-'));
    const variables = { FATE_OPENAI_TIMEOUT_MS: '300', FATE_OPENAI_MAX_RETRIES: '1', FATE_OPENAI_RETRY_DELAY_MS: '5', FATE_OPENAI_MAX_RESPONSE_BYTES: '65536', FATE_OPENAI_CONCURRENCY: '3' };
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
    try {
      const result = await runCli(['eval', '--policy', `openai:stub@${stub.url}`, '--suite', 'all', '--split', 'dev', '--limit', '24', '--json', '--runs', runs]);
      expect(result.stderr).not.toContain('unexpected');
      expect(result.code).toBe(0);
      suiteMetricsSchema.parse(JSON.parse(result.stdout));
      const [runId] = readdirSync(runs);
      const lines = readFileSync(path.join(runs, runId!, 'trajectories.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(24);
      const errors = lines.flatMap((line) => (JSON.parse(line).metadata.steps as Array<{ error?: string }>).map((step) => step.error).filter(Boolean));
      expect(errors.length).toBeGreaterThan(3);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
