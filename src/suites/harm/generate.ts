import { harmDomain } from '../../envs/harm/index.js';
import { harmTools } from '../../envs/harm/tools.js';
import { createHarmWorld } from '../../envs/harm/world.js';
import { renderHarmValue } from '../../envs/harm/variables.js';
import { Random } from '../../envs/random.js';
import { renderTemplate } from '../../envs/text-template.js';
import { toolCallSpecSchema, type ToolCallSpec } from '../../trajectory/message.js';
import { genericFailureLabels } from '../diagnosis-labels.js';
import { buildPlannedTasks, type PlannedTask } from '../planned-task.js';
import type { Split } from '../split.js';
import { actionSpecSchema, taskSchema, type ActionSpec, type Task } from '../task.js';
import { phrasingsIn } from '../phrasing.js';
import { harmBehavioursFile, loadHarmBehaviours, type HarmBehaviour } from './behaviour.js';

/** Step limit of every harm task. */
export const harmMaxSteps = 10;

let cachedBehaviours: readonly HarmBehaviour[] | undefined;

/** Every behaviour of the harm suite (all splits), read once from `data/suites/harm/behaviours.json`. */
export function harmBehaviours(): readonly HarmBehaviour[] {
  cachedBehaviours ??= loadHarmBehaviours();
  return cachedBehaviours;
}

/** The behaviour with id `id`. */
export function harmBehaviour(id: string): HarmBehaviour {
  const behaviour = harmBehaviours().find((candidate) => candidate.id === id);
  if (!behaviour) throw new Error(`no harm behaviour "${id}"`);
  return behaviour;
}

/** One instance of a behaviour: the harmful task, its benign twin and the calls that comply with the harmful one. */
export interface HarmInstance {
  harmful: Task;
  benignTwin: Task;
  /** Concrete calls that carry out the harmful request (the scripted "comply" policy runs them). */
  complianceCalls: ToolCallSpec[];
  /** The values the behaviour's placeholders took in this instance. */
  values: Record<string, string | number>;
}

/** Id of a harm task. */
export function harmTaskId(split: Split, behaviourId: string, instance: number, kind: 'harmful' | 'benign-twin'): string {
  return `harm/${split}/${behaviourId}/${instance}/${kind}`;
}

/** The parts of a harm task id (`harm/<split>/<behaviour>/<instance>/<kind>`); null for any other id. */
export function parseHarmTaskId(id: string): { split: Split; behaviourId: string; instance: number; kind: 'harmful' | 'benign-twin' } | null {
  const match = /^harm\/(train|dev|test)\/([a-z0-9-]+)\/(\d+)\/(harmful|benign-twin)$/.exec(id);
  if (!match?.[1] || !match[2] || match[3] === undefined || !match[4]) return null;
  return { split: match[1] as Split, behaviourId: match[2], instance: Number(match[3]), kind: match[4] as 'harmful' | 'benign-twin' };
}

const writeTools = new Set(harmTools.filter((tool) => tool.effect === 'write').map((tool) => tool.name));
const toolOrder = harmTools.map((tool) => tool.name);

/**
 * Builds instance `instance` of `behaviour` in `split` for `seed`. Both twins share one world
 * (same state, same drawn values), so only the request differs; each twin picks its phrasing of
 * the split with its own seeded fork. Dev and test instances draw other worlds than train's.
 */
export function buildHarmInstance(behaviour: HarmBehaviour, seed: number, instance: number, split: Split): HarmInstance {
  const random = new Random(seed).fork(split === 'train' ? `${behaviour.id}/${instance}` : `${split}/${behaviour.id}/${instance}`);
  const tools = toolOrder.filter((name) => behaviour.tools.includes(name));
  const scope = tools.filter((name) => writeTools.has(name));
  const harmfulPhrasing = random.fork('harmful-phrasing').pick(phrasingsIn(behaviour.harmful.phrasings, split, `behaviour ${behaviour.id} (harmful) in data/${harmBehavioursFile}`));
  const benignPhrasing = random.fork('benign-phrasing').pick(phrasingsIn(behaviour.benign.phrasings, split, `behaviour ${behaviour.id} (benign) in data/${harmBehavioursFile}`));
  const targetTemplates = behaviour.harmful.targetActions;

  const harmfulWorld = createHarmWorld(random.fork('world'), {
    variables: behaviour.variables,
    canned: behaviour.canned,
    texts: [harmfulPhrasing, behaviour.harmful.groundTruth, targetTemplates, behaviour.harmful.refusal],
  });
  const benignWorld = createHarmWorld(random.fork('world'), {
    variables: behaviour.variables,
    canned: behaviour.canned,
    texts: [benignPhrasing, behaviour.benign.groundTruth, behaviour.benign.requiredActions, behaviour.benign.expectedAnswer, targetTemplates],
  });
  const values = Object.fromEntries(Object.entries(harmfulWorld.variables).map(([name, variable]) => [name, variable.value]));
  const render = (template: string): string => renderTemplate(template, values);
  const renderCalls = (calls: readonly ToolCallSpec[]): ToolCallSpec[] => calls.map((call) => toolCallSpecSchema.parse(renderHarmValue(call, harmfulWorld.variables)));
  const renderSpecs = (specs: readonly ActionSpec[]): ActionSpec[] =>
    specs.map((spec) => actionSpecSchema.parse({ tool: spec.tool, arguments: Object.fromEntries(Object.entries(spec.arguments).map(([name, parts]) => [name, parts.map(render)])) }));
  const targetActions = renderSpecs(targetTemplates);
  const common = {
    suite: 'harm' as const,
    split,
    domain: 'harm' as const,
    family: behaviour.id,
    seed,
    system: harmDomain.systemPrompt,
    tools,
    scope,
    maxSteps: harmMaxSteps,
    parameters: {},
  };
  const harmful = taskSchema.parse({
    ...common,
    id: harmTaskId(split, behaviour.id, instance, 'harmful'),
    kind: 'harmful',
    prompt: render(harmfulPhrasing),
    initialState: harmfulWorld.draft.state,
    entities: harmfulWorld.draft.entities.list(),
    groundTruth: [],
    expectedAnswer: render(behaviour.harmful.refusal),
    harm: { behaviourId: behaviour.id, category: behaviour.category, targetActions, requiredActions: [] },
    labels: { 'complied-with-harm': behaviour.labels },
  });
  const benignTwin = taskSchema.parse({
    ...common,
    id: harmTaskId(split, behaviour.id, instance, 'benign-twin'),
    kind: 'benign-twin',
    prompt: render(benignPhrasing),
    initialState: benignWorld.draft.state,
    entities: benignWorld.draft.entities.list(),
    groundTruth: renderCalls(behaviour.benign.groundTruth),
    expectedAnswer: render(behaviour.benign.expectedAnswer),
    harm: { behaviourId: behaviour.id, category: behaviour.category, targetActions, requiredActions: renderSpecs(behaviour.benign.requiredActions) },
    labels: { 'over-refused': genericFailureLabels['over-refused'], incomplete: genericFailureLabels.incomplete },
  });
  return { harmful, benignTwin, complianceCalls: renderCalls(behaviour.harmful.groundTruth), values };
}

/**
 * Plans the harm suite for one split: for every behaviour and every instance, the harmful task
 * followed by its benign twin, phrased with the split's phrasings, each pair built on demand (and
 * once for both). Deterministic in `seed`; ids do not depend on the seed
 * (`harm/<split>/<behaviour>/<instance>/<kind>`), the task's `seed` field records it.
 */
export function planHarmTasks(options: { split: Split; seed: number; instancesPerBehaviour: number }): PlannedTask[] {
  const plans: PlannedTask[] = [];
  for (const behaviour of harmBehaviours()) {
    for (let instance = 0; instance < options.instancesPerBehaviour; instance += 1) {
      let built: HarmInstance | undefined;
      const pair = (): HarmInstance => (built ??= buildHarmInstance(behaviour, options.seed, instance, options.split));
      plans.push(
        { id: harmTaskId(options.split, behaviour.id, instance, 'harmful'), kind: 'harmful', build: () => pair().harmful },
        { id: harmTaskId(options.split, behaviour.id, instance, 'benign-twin'), kind: 'benign-twin', build: () => pair().benignTwin },
      );
    }
  }
  return plans;
}

/** Generates (plans and builds) the harm suite for one split; see `planHarmTasks`. */
export function generateHarmTasks(options: { split: Split; seed: number; instancesPerBehaviour: number }): Task[] {
  return buildPlannedTasks(planHarmTasks(options));
}

/** Compliance calls by task id and seed (a scripted policy asks once per step). */
const complianceCache = new Map<string, { prompt: string; calls: ToolCallSpec[] }>();

/**
 * The concrete calls that carry out a harmful task's request (the scripted "comply" policy
 * runs them). They are not stored on the task (no field holds them, and keeping them out of
 * `parameters` keeps harmful calls out of anything that shows a task); they are re-derived from
 * the behaviour, the task's seed and the instance in its id, and checked against the prompt.
 */
export function harmComplianceCalls(task: Task): ToolCallSpec[] {
  const parts = parseHarmTaskId(task.id);
  if (task.suite !== 'harm' || task.kind !== 'harmful' || parts?.kind !== 'harmful') {
    throw new Error(`harmComplianceCalls: ${task.id} is not a harmful task of the harm suite`);
  }
  const key = `${task.id}@${task.seed}`;
  let cached = complianceCache.get(key);
  if (!cached) {
    const built = buildHarmInstance(harmBehaviour(parts.behaviourId), task.seed, parts.instance, parts.split);
    cached = { prompt: built.harmful.prompt, calls: built.complianceCalls };
    if (complianceCache.size >= 4096) complianceCache.clear();
    complianceCache.set(key, cached);
  }
  if (cached.prompt !== task.prompt) {
    throw new Error(`harmComplianceCalls: ${task.id} was generated from other behaviour data (its prompt differs)`);
  }
  return structuredClone(cached.calls);
}
