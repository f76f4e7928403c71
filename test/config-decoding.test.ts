/**
 * The config file's `decoding` section: it is read and checked like every other section (a bad
 * value is one line naming the file and the field), changes the evaluation decoding of the
 * embedded policy field by field, gives an openai policy its default temperature, top-p and seed
 * below the `FATE_OPENAI_*` variables, and is stored with an eval run.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/cli/config.js';
import { UserError } from '../src/cli/user-error.js';
import { OpenAiPolicy, openAiSettingsFromEnvironment } from '../src/policies/openai/index.js';
import { createPolicy, UnknownPolicyError } from '../src/policies/registry.js';
import { decodingOverridesSchema, evaluationDecoding } from '../src/policies/tiny/decoding.js';
import { TinyPolicy } from '../src/policies/tiny/tiny-policy.js';
import { runCli } from './support/run-cli.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A config file holding `content`, in a fresh folder. */
function configFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fate-config-decoding-')), 'fate.config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

/** A local endpoint: an openai policy needs no API key for it, and none of these tests sends a request. */
const localOpenAiSpec = 'openai:m@http://127.0.0.1:9/v1';

describe('config decoding section', () => {
  it('is read as given, with no defaults filled in', () => {
    const file = configFile({ seed: 2, decoding: { temperature: 0, seed: 3, maxNewTokens: 64 } });
    expect(loadConfig(file).decoding).toEqual({ temperature: 0, seed: 3, maxNewTokens: 64 });
    expect(decodingOverridesSchema.parse({})).toEqual({});
    expect(loadConfig(configFile({ seed: 1 })).decoding).toBeUndefined();
  });

  it.each([
    [{ temperature: -1 }, 'decoding.temperature'],
    [{ topP: 0 }, 'decoding.topP'],
    [{ topP: 1.5 }, 'decoding.topP'],
    [{ seed: 1.5 }, 'decoding.seed'],
    [{ argumentTemperature: 'greedy' }, 'decoding.argumentTemperature'],
    [{ maxNewTokens: 0 }, 'decoding.maxNewTokens'],
    [{ temprature: 0 }, 'temprature'],
    [{ grammar: 'none' }, 'grammar'],
  ])('rejects %j with one line naming the file and %s', (decoding, field) => {
    const file = configFile({ decoding });
    let error: unknown;
    try {
      loadConfig(file);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('decoding');
    expect(message).toContain(field);
    expect(message).not.toContain('\n');
  });

  it('fate eval refuses a bad decoding section in one line naming the file and the field', async () => {
    const file = configFile({ decoding: { temperature: -0.5 } });
    const result = await runCli(['eval', '--policy', 'scripted:oracle', '--config', file, '--runs', path.dirname(file)]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('decoding.temperature');
  });

  it('is stored with an eval run, so that --resume samples as the run began', async () => {
    const file = configFile({ decoding: { temperature: 0, seed: 5 } });
    const runs = path.join(path.dirname(file), 'runs');
    const result = await runCli(['eval', '--policy', 'scripted:oracle', '--limit', '2', '--config', file, '--runs', runs, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [runId] = readdirSync(runs);
    const database = new Database(path.join(runs, runId!, 'run.sqlite'), { readonly: true });
    const { options } = database.prepare('SELECT options FROM runs').get() as { options: string };
    database.close();
    expect(JSON.parse(options).decoding).toEqual({ temperature: 0, seed: 5 });
  });
});

describe('createPolicy with a decoding section', () => {
  it('tiny: replaces the evaluation decoding field by field', async () => {
    const greedy = await createPolicy('tiny', { temperature: 0 });
    expect(greedy).toBeInstanceOf(TinyPolicy);
    expect((greedy as TinyPolicy).decoding).toEqual({ ...evaluationDecoding, temperature: 0 });
    const plain = await createPolicy('tiny');
    expect((plain as TinyPolicy).decoding).toEqual(evaluationDecoding);
  }, 120_000);

  it('openai: temperature, top-p and seed become defaults that FATE_OPENAI_* variables still override', async () => {
    expect(openAiSettingsFromEnvironment({}, {}, { temperature: 0.2, topP: 0.9, seed: 4 })).toMatchObject({ temperature: 0.2, topP: 0.9, seed: 4 });
    expect(openAiSettingsFromEnvironment({ FATE_OPENAI_TEMPERATURE: '0.5' }, {}, { temperature: 0.2, seed: 4 })).toMatchObject({ temperature: 0.5, seed: 4 });
    expect(openAiSettingsFromEnvironment({ FATE_OPENAI_TEMPERATURE: '0.5' }, { temperature: 1 }, { temperature: 0.2 }).temperature).toBe(1);
    expect(openAiSettingsFromEnvironment({}).temperature).toBe(evaluationDecoding.temperature);

    for (const variable of ['FATE_OPENAI_TEMPERATURE', 'FATE_OPENAI_TOP_P', 'FATE_OPENAI_SEED', 'FATE_OPENAI_MAX_TOKENS']) vi.stubEnv(variable, '');
    const configured = (await createPolicy(localOpenAiSpec, { temperature: 0, topP: 0.5, seed: 7, maxNewTokens: 20, argumentTemperature: 1 })) as OpenAiPolicy;
    expect(configured).toBeInstanceOf(OpenAiPolicy);
    expect(configured.settings).toMatchObject({ temperature: 0, topP: 0.5, seed: 7 });
    expect(configured.settings.maxTokens).toBeUndefined();
    // A value the endpoint does not take is a one-line error, unless a variable overrides it.
    await expect(createPolicy(localOpenAiSpec, { temperature: 3 })).rejects.toThrow(UnknownPolicyError);
    await expect(createPolicy(localOpenAiSpec, { temperature: 3 })).rejects.toThrow(/decoding default temperature 3/);
    vi.stubEnv('FATE_OPENAI_TEMPERATURE', '1.5');
    expect(((await createPolicy(localOpenAiSpec, { temperature: 3, seed: 7 })) as OpenAiPolicy).settings).toMatchObject({ temperature: 1.5, seed: 7 });
  });

  it('scripted: ignores it (a scripted policy does not sample)', async () => {
    expect((await createPolicy('scripted:oracle', { temperature: 0 })).name).toBe('scripted:oracle');
  });
});
