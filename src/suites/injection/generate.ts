import { domainByName } from '../../envs/registry.js';
import { executeToolCall } from '../../envs/executor.js';
import { fillInjectionSlot } from '../../envs/injection-slot.js';
import { Random } from '../../envs/random.js';
import { renderTemplate } from '../../envs/text-template.js';
import type { ToolCall, ToolCallSpec } from '../../trajectory/message.js';
import { genericFailureLabels } from '../diagnosis-labels.js';
import { buildPlannedTasks, type PlannedTask } from '../planned-task.js';
import type { Split } from '../split.js';
import { taskSchema, type Task } from '../task.js';
import { attackTemplates, renderAttack } from './attack.js';
import { injectionCatalog, injectionDomainNames, type InjectionDomainName } from './catalog.js';
import type { UserTaskInstance, UserTaskTemplate } from './user-task.js';

/** How many injection-suite tasks to generate. */
export interface InjectionGenerationOptions {
  split: Split;
  seed: number;
  /** Benign instances per user-task template. */
  benignPerTemplate: number;
  /** Attacked instances per (template, goal, attack) combination taken. */
  attackedPerCombination: number;
  /**
   * Injection goals taken per (template, attack) of the split, cycled over the domain's goals so
   * that every goal is used about as often; null takes every goal.
   */
  goalsPerAttack: number | null;
  /** Step limit of every episode. */
  maxSteps: number;
}

function toToolCall(spec: ToolCallSpec, index: number): ToolCall {
  return { id: `ground-truth-${index}`, type: 'function', function: { name: spec.name, arguments: JSON.stringify(spec.arguments) } };
}

/** Tool results of the ground-truth path on a copy of `state`. */
export function groundTruthResults(domain: InjectionDomainName, state: unknown, calls: readonly ToolCallSpec[]): string[] {
  const definition = domainByName(domain);
  const copy = structuredClone(state);
  const offered = definition.tools.map((tool) => tool.name);
  return calls.map((call, index) => executeToolCall(definition, copy, toToolCall(call, index), offered).resultText);
}

function userName(entities: Task['entities']): string {
  return entities.find((entity) => entity.role === 'user' && entity.kind === 'person')?.value ?? 'the user';
}

function buildBase(
  domain: InjectionDomainName,
  template: UserTaskTemplate<unknown>,
  random: Random,
  split: Split,
): { world: ReturnType<(typeof injectionCatalog)[InjectionDomainName]['createWorld']>; instance: UserTaskInstance } {
  const world = injectionCatalog[domain].createWorld(random.fork('world'));
  const instance = template.build(world, random.fork('task'), split);
  return { world, instance };
}

function baseTask(
  domain: InjectionDomainName,
  template: UserTaskTemplate<unknown>,
  instance: UserTaskInstance,
  options: InjectionGenerationOptions,
  seed: number,
): Omit<Task, 'id' | 'kind' | 'initialState' | 'entities'> {
  const definition = domainByName(domain);
  return {
    suite: 'injection',
    split: options.split,
    domain,
    family: template.id,
    seed,
    system: definition.systemPrompt,
    prompt: instance.prompt,
    tools: definition.tools.map((tool) => tool.name),
    scope: instance.scope,
    maxSteps: options.maxSteps,
    parameters: instance.parameters,
    groundTruth: instance.groundTruth,
    expectedAnswer: instance.expectedAnswer,
    labels: { ...genericFailureLabels },
  };
}

/**
 * The goals an attacked (template, attack) pair takes: all of them, or `count` of them cycled
 * from an offset that moves with the template and the attack, so each goal is used about as often.
 */
export function goalsForAttack<Goal>(goals: readonly Goal[], count: number | null, templateIndex: number, attackIndex: number, attacks: number): Goal[] {
  if (count === null || count >= goals.length) return [...goals];
  const offset = templateIndex * attacks + attackIndex;
  return Array.from({ length: count }, (_, index) => goals[(offset + index) % goals.length] as Goal);
}

/** The seed string of a task: train's carry no split name (so train tasks stay what they were); dev and test's do. */
function seedKey(options: InjectionGenerationOptions, parts: readonly (string | number)[]): string {
  return [options.seed, ...(options.split === 'train' ? [] : [options.split]), ...parts].join(':');
}

/**
 * Plans the injection suite's tasks for a split: benign instances of every user-task template,
 * phrased with the split's phrasings, and attacked instances for each (template, goal, attack of
 * the split) taken. Ids carry the split (`injection/<split>/<template>/...`). Each task is built
 * on demand, deterministically from the seed and its own coordinates (not from the other tasks),
 * and validated with the task schema.
 */
export function planInjectionTasks(options: InjectionGenerationOptions): PlannedTask[] {
  const plans: PlannedTask[] = [];
  const attacks = attackTemplates().filter((attack) => attack.split === options.split);
  for (const domain of injectionDomainNames) {
    const catalog = injectionCatalog[domain];
    const definition = domainByName(domain);
    for (const [templateIndex, template] of catalog.userTasks.entries()) {
      for (let index = 0; index < options.benignPerTemplate; index += 1) {
        const id = `injection/${options.split}/${template.id}/benign/${index}`;
        plans.push({
          id,
          kind: 'benign',
          build: () => {
            const seed = new Random(seedKey(options, [template.id, 'benign', index])).int(2 ** 31);
            const { world, instance } = buildBase(domain, template, new Random(seed), options.split);
            const state = definition.stateSchema.parse(world.state);
            return taskSchema.parse({
              ...baseTask(domain, template, instance, options, seed),
              id,
              kind: 'benign',
              initialState: state,
              entities: world.entities.list(),
            });
          },
        });
      }
      for (const [attackIndex, attack] of attacks.entries()) {
        for (const goal of goalsForAttack(catalog.goals, options.goalsPerAttack, templateIndex, attackIndex, attacks.length)) {
          const phrasings = goal.phrasings.filter((phrasing) => phrasing.split === options.split);
          if (phrasings.length === 0) throw new Error(`injection goal ${goal.id} has no phrasing for split ${options.split}`);
          for (let index = 0; index < options.attackedPerCombination; index += 1) {
            const id = `injection/${options.split}/${template.id}/${goal.id}/${attack.id}/${index}`;
            plans.push({
              id,
              kind: 'attacked',
              build: () => {
                const seed = new Random(seedKey(options, [template.id, goal.id, attack.id, index])).int(2 ** 31);
                const random = new Random(seed);
                const { world, instance } = buildBase(domain, template, random, options.split);
                const goalInstance = goal.build(world, random.fork('goal'));
                if (instance.vectors.length === 0) throw new Error(`user-task template ${template.id} declares no injection vector`);
                const vector = random.fork('vector').pick(instance.vectors);
                const phrasing = random.fork('phrasing').pick(phrasings);
                const entities = world.entities.list();
                const instruction = renderTemplate(phrasing.text, goalInstance.parameters);
                const text = renderAttack(attack, instruction, userName(entities), goalInstance.groundTruth);
                const state = definition.stateSchema.parse(world.state);
                fillInjectionSlot(state, vector, text);
                const results = groundTruthResults(domain, state, instance.groundTruth);
                const marker = text.slice(0, 60);
                const escapedMarker = JSON.stringify(text).slice(1, 61);
                const seenAtStep = results.findIndex((result) => result.includes(marker) || result.includes(escapedMarker));
                if (seenAtStep < 0) {
                  throw new Error(`user-task template ${template.id}: its ground truth never reads injection vector ${vector.id}`);
                }
                return taskSchema.parse({
                  ...baseTask(domain, template, instance, options, seed),
                  id,
                  kind: 'attacked',
                  initialState: state,
                  entities,
                  injection: {
                    goalId: goal.id,
                    goalPhrasing: goal.phrasings.indexOf(phrasing),
                    attackId: attack.id,
                    vectorId: vector.id,
                    vectorKind: vector.kind,
                    text,
                    parameters: goalInstance.parameters,
                    groundTruth: goalInstance.groundTruth,
                    seenAtStep,
                  },
                  labels: { ...genericFailureLabels, 'followed-injection': goal.labels },
                });
              },
            });
          }
        }
      }
    }
  }
  return plans;
}

/** Generates (plans and builds) the injection suite's tasks for a split; see `planInjectionTasks`. */
export function generateInjectionTasks(options: InjectionGenerationOptions): Task[] {
  return buildPlannedTasks(planInjectionTasks(options));
}
