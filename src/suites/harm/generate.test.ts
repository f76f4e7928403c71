import { describe, expect, it } from 'vitest';
import type { Domain } from '../../envs/domain.js';
import { executeToolCall } from '../../envs/executor.js';
import { harmDomain } from '../../envs/harm/index.js';
import { harmFreeTextArguments } from '../../envs/harm/tools.js';
import { harmStateSchema } from '../../envs/harm/state.js';
import { renderTemplate } from '../../envs/text-template.js';
import type { ToolCallSpec } from '../../trajectory/message.js';
import { isRefusal } from '../../verifiers/refusal-detector.js';
import { genericFailureLabels } from '../diagnosis-labels.js';
import { taskSchema, type ActionSpec, type Task } from '../task.js';
import { actionMatchesSpec, actionsMatch } from './action-match.js';
import { splits } from '../split.js';
import { buildHarmInstance, generateHarmTasks, harmBehaviour, harmBehaviours, harmComplianceCalls, parseHarmTaskId } from './generate.js';

/** The drawn values a generated harm task was rendered with, re-derived from its id and seed. */
function valuesOf(task: Task): Record<string, string | number> {
  const parts = parseHarmTaskId(task.id);
  if (!parts) throw new Error(`not a harm task id: ${task.id}`);
  return buildHarmInstance(harmBehaviour(parts.behaviourId), task.seed, parts.instance, parts.split).values;
}

const domain = harmDomain as unknown as Domain<unknown>;
const seeds = Array.from({ length: 10 }, (_, index) => 7 + index * 101);
/** Arguments whose value is a choice from the schema's enumeration, not copied from the context. */
const choiceArguments = new Set(['language', 'currency']);

interface Executed {
  name: string;
  arguments: Record<string, unknown>;
  status: string;
  resultText: string;
}

/** Runs calls one after another on a copy of the task's initial state. */
function execute(task: Task, calls: readonly ToolCallSpec[]): { results: Executed[]; state: unknown } {
  const state = structuredClone(task.initialState);
  const results = calls.map((call, index) => {
    const executed = executeToolCall(domain, state, { id: `call-${index}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } }, task.tools);
    return { name: call.name, arguments: executed.parsedArguments ?? call.arguments, status: executed.outcome.status, resultText: executed.resultText };
  });
  return { results, state };
}

/** Copied values of a call: strings (also inside arrays) and numbers of the arguments that are not free text. */
function copiedValues(call: ToolCallSpec): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(call.arguments)) {
    if (harmFreeTextArguments.has(name) || choiceArguments.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' || typeof item === 'number') values.push(String(item));
    }
  }
  return values;
}

/** Fails when a copied argument value is neither in the prompt nor in an earlier tool result. */
function expectCopyable(label: string, prompt: string, calls: readonly ToolCallSpec[], results: readonly Executed[]): void {
  let context = prompt;
  calls.forEach((call, index) => {
    for (const value of copiedValues(call)) expect(context.includes(value), `${label}: ${call.name} argument "${value}" is not in the context`).toBe(true);
    context += `\n${results[index]?.resultText ?? ''}`;
  });
}

function matchingSpecs(specs: readonly ActionSpec[], actions: readonly { name: string; arguments: Record<string, unknown> }[]): ActionSpec[] {
  return specs.filter((spec) => actions.some((action) => actionMatchesSpec(spec, action)));
}

describe.each(harmBehaviours().map((behaviour) => [behaviour.id, behaviour] as const))('behaviour %s', (_id, behaviour) => {
  it.each(seeds)('seed %i: ground truths run, complete their own specs and never the other twin', (seed) => {
    const instance = buildHarmInstance(behaviour, seed, seed % 3, splits[seed % 3] ?? 'train');
    const { harmful, benignTwin } = instance;
    const targets = harmful.harm?.targetActions ?? [];
    const required = benignTwin.harm?.requiredActions ?? [];
    expect(benignTwin.harm?.targetActions).toEqual(targets);

    const complied = execute(harmful, instance.complianceCalls);
    for (const result of complied.results) expect(result.status, `${result.name}: ${result.resultText}`).toBe('ok');
    expect(actionsMatch(targets, complied.results).complete).toBe(true);
    expect(actionsMatch(required, complied.results).complete).toBe(false);

    const solved = execute(benignTwin, benignTwin.groundTruth);
    for (const result of solved.results) expect(result.status, `${result.name}: ${result.resultText}`).toBe('ok');
    expect(actionsMatch(required, solved.results).complete).toBe(true);
    expect(actionsMatch(targets, solved.results).matched).toBe(0);
    expect(matchingSpecs(targets, solved.results)).toEqual([]);

    expect(actionsMatch(targets, []).matched).toBe(0);
    expect(actionsMatch(required, []).matched).toBe(0);

    for (const { state } of [complied, solved]) expect(harmStateSchema.safeParse(state).success).toBe(true);
    expect(harmStateSchema.parse(harmful.initialState)).toEqual(harmful.initialState);
    expect(benignTwin.initialState).toEqual(harmful.initialState);

    for (const { text } of behaviour.harmful.phrasings) {
      expectCopyable(`${behaviour.id} harmful "${text}"`, renderTemplate(text, instance.values), instance.complianceCalls, complied.results);
    }
    for (const { text } of behaviour.benign.phrasings) {
      expectCopyable(`${behaviour.id} benign "${text}"`, renderTemplate(text, instance.values), benignTwin.groundTruth, solved.results);
    }
  });

  it.each(splits)('builds %s tasks with the agreed fields, phrased with that split\'s phrasings', (split) => {
    const { harmful, benignTwin } = buildHarmInstance(behaviour, 3, 1, split);
    for (const task of [harmful, benignTwin]) {
      expect(taskSchema.parse(task)).toEqual(task);
      expect(task.suite).toBe('harm');
      expect(task.domain).toBe('harm');
      expect(task.family).toBe(behaviour.id);
      expect(task.split).toBe(split);
      expect(task.maxSteps).toBe(10);
      expect(task.system).toBe(harmDomain.systemPrompt);
      expect(new Set(task.tools)).toEqual(new Set(behaviour.tools));
      expect(task.scope).toEqual(task.tools.filter((name) => harmDomain.tools.find((tool) => tool.name === name)?.effect === 'write'));
      expect(task.parameters).toEqual({});
      expect(task.prompt).not.toMatch(/\{[a-zA-Z]\w*\}/);
      expect(task.expectedAnswer).not.toMatch(/\{[a-zA-Z]\w*\}/);
      expect(task.harm?.behaviourId).toBe(behaviour.id);
      expect(task.harm?.category).toBe(behaviour.category);
    }
    expect(harmful.id).toBe(`harm/${split}/${behaviour.id}/1/harmful`);
    expect(benignTwin.id).toBe(`harm/${split}/${behaviour.id}/1/benign-twin`);
    const values = buildHarmInstance(behaviour, 3, 1, split).values;
    const rendered = (side: 'harmful' | 'benign'): string[] => behaviour[side].phrasings.filter((phrasing) => phrasing.split === split).map((phrasing) => renderTemplate(phrasing.text, values));
    expect(rendered('harmful')).toContain(harmful.prompt);
    expect(rendered('benign')).toContain(benignTwin.prompt);
    expect(harmful.kind).toBe('harmful');
    expect(benignTwin.kind).toBe('benign-twin');
    expect(harmful.groundTruth).toEqual([]);
    expect(harmful.harm?.requiredActions).toEqual([]);
    expect(harmful.labels).toEqual({ 'complied-with-harm': behaviour.labels });
    expect(benignTwin.labels).toEqual({ 'over-refused': genericFailureLabels['over-refused'], incomplete: genericFailureLabels.incomplete });
    expect(benignTwin.groundTruth.length).toBeGreaterThan(0);
  });

  it('has a refusal the refusal detector recognises, and a benign answer it does not', () => {
    const { harmful, benignTwin } = buildHarmInstance(behaviour, 5, 2, 'test');
    expect(isRefusal(harmful.expectedAnswer), harmful.expectedAnswer).toBe(true);
    expect(isRefusal(benignTwin.expectedAnswer), benignTwin.expectedAnswer).toBe(false);
  });

  it('registers the user and every value the prompts name', () => {
    const { harmful, benignTwin, values } = buildHarmInstance(behaviour, 11, 0, 'dev');
    for (const task of [harmful, benignTwin]) {
      const registered = new Set(task.entities.map((entity) => entity.value));
      expect(task.entities.filter((entity) => entity.role === 'user').map((entity) => entity.value)).toContain(values['user']);
      for (const entity of task.entities) expect(entity.value.length, `${task.id}: empty entity`).toBeGreaterThan(0);
      for (const call of task.kind === 'harmful' ? harmComplianceCalls(task) : task.groundTruth) {
        for (const value of copiedValues(call)) {
          if (task.prompt.includes(value) && /[@/.]|\d{3}/.test(value)) expect(registered.has(value), `${task.id}: "${value}" is not registered`).toBe(true);
        }
      }
    }
  });
});

describe('generateHarmTasks', () => {
  it('produces a harmful task and its benign twin per behaviour and instance, in every split', () => {
    for (const split of ['train', 'dev', 'test'] as const) {
      const tasks = generateHarmTasks({ split, seed: 5, instancesPerBehaviour: 2 });
      const behaviours = harmBehaviours();
      expect(tasks).toHaveLength(behaviours.length * 2 * 2);
      expect(new Set(tasks.map((task) => task.family))).toEqual(new Set(behaviours.map((behaviour) => behaviour.id)));
      expect(tasks.filter((task) => task.kind === 'harmful')).toHaveLength(behaviours.length * 2);
      expect(new Set(tasks.map((task) => task.id)).size).toBe(tasks.length);
    }
  });

  it('puts all 40 behaviours, 5 per category, in the test split', () => {
    const tasks = generateHarmTasks({ split: 'test', seed: 1, instancesPerBehaviour: 1 }).filter((task) => task.kind === 'harmful');
    expect(tasks).toHaveLength(40);
    expect(new Set(tasks.map((task) => task.harm?.category)).size).toBe(8);
  });

  it('never shows a dev or test phrasing in train, and draws other worlds for dev and test', () => {
    const train = generateHarmTasks({ split: 'train', seed: 2, instancesPerBehaviour: 6 });
    const test = generateHarmTasks({ split: 'test', seed: 2, instancesPerBehaviour: 1 });
    for (const task of train) {
      const behaviour = harmBehaviours().find((candidate) => candidate.id === task.family);
      const side = task.kind === 'harmful' ? 'harmful' : 'benign';
      const own = behaviour?.[side].phrasings.filter((phrasing) => phrasing.split === 'train').map((phrasing) => renderTemplate(phrasing.text, valuesOf(task))) ?? [];
      expect(own, task.id).toContain(task.prompt);
    }
    const trainPrompts = new Set(train.map((task) => task.prompt));
    for (const task of test) expect(trainPrompts.has(task.prompt), task.id).toBe(false);
    expect(test[0]?.initialState).not.toEqual(train[0]?.initialState);
  });

  it('is deterministic in the seed and varies with it', () => {
    const first = generateHarmTasks({ split: 'dev', seed: 42, instancesPerBehaviour: 2 });
    const again = generateHarmTasks({ split: 'dev', seed: 42, instancesPerBehaviour: 2 });
    const other = generateHarmTasks({ split: 'dev', seed: 43, instancesPerBehaviour: 2 });
    expect(again).toEqual(first);
    expect(other.map((task) => task.id)).toEqual(first.map((task) => task.id));
    first.forEach((task, index) => {
      const otherTask = other[index];
      expect(otherTask?.seed).toBe(43);
      expect(otherTask?.entities).not.toEqual(task.entities);
      expect(otherTask?.initialState).not.toEqual(task.initialState);
    });
    expect(first[0]?.entities).not.toEqual(first[2]?.entities);
  });

  it('varies phrasings across instances', () => {
    const tasks = generateHarmTasks({ split: 'train', seed: 9, instancesPerBehaviour: 6 });
    for (const behaviour of harmBehaviours()) {
      const prompts = tasks.filter((task) => task.family === behaviour.id && task.kind === 'harmful').map((task) => task.prompt);
      expect(new Set(prompts).size, behaviour.id).toBeGreaterThan(1);
    }
  });
});

describe('harmComplianceCalls', () => {
  it('re-derives the compliance calls of a generated harmful task', () => {
    const tasks = generateHarmTasks({ split: 'test', seed: 77, instancesPerBehaviour: 2 });
    for (const task of tasks.filter((candidate) => candidate.kind === 'harmful')) {
      const instance = Number(task.id.split('/')[3]);
      const behaviour = harmBehaviours().find((candidate) => candidate.id === task.family);
      if (!behaviour) throw new Error(task.family);
      const calls = harmComplianceCalls(JSON.parse(JSON.stringify(task)) as Task);
      expect(calls).toEqual(buildHarmInstance(behaviour, 77, instance, 'test').complianceCalls);
      expect(actionsMatch(task.harm?.targetActions ?? [], calls).complete).toBe(true);
    }
  });

  it('rejects benign twins, other suites and tasks whose prompt no longer matches the data', () => {
    const [harmful, twin] = generateHarmTasks({ split: 'dev', seed: 1, instancesPerBehaviour: 1 });
    if (!harmful || !twin) throw new Error('no tasks');
    expect(() => harmComplianceCalls(twin)).toThrow(/not a harmful task/);
    expect(() => harmComplianceCalls({ ...harmful, suite: 'injection' })).toThrow(/not a harmful task/);
    expect(() => harmComplianceCalls({ ...harmful, prompt: 'something else' })).toThrow(/other behaviour data/);
  });
});
