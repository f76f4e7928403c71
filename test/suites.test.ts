import { describe, expect, it } from 'vitest';
import { domains } from '../src/envs/registry.js';
import { attackTemplates } from '../src/suites/injection/attack.js';
import { harmBehaviours } from '../src/suites/harm/generate.js';
import { injectionCatalog, injectionDomainNames, injectionGoal } from '../src/suites/injection/catalog.js';
import type { Phrasing } from '../src/suites/phrasing.js';
import { generateTasks, planTasks } from '../src/suites/generate.js';
import { splits } from '../src/suites/split.js';
import { taskSchema, type Task } from '../src/suites/task.js';

const bySplit = Object.fromEntries(splits.map((split) => [split, generateTasks({ suite: 'all', split, seed: 0 })])) as Record<
  (typeof splits)[number],
  Task[]
>;

describe('suites', () => {
  it('has four domains with 40+ tools, 40+ user-task templates, 12+ goals, 5+ attacks', () => {
    const injectionDomains = (['workspace', 'banking', 'travel', 'chat'] as const).map((name) => domains[name]);
    expect(injectionDomains.reduce((total, domain) => total + domain.tools.length, 0)).toBeGreaterThanOrEqual(40);
    const all = splits.flatMap((split) => bySplit[split]);
    expect(new Set(all.filter((task) => task.suite === 'injection').map((task) => task.family)).size).toBeGreaterThanOrEqual(40);
    expect(new Set(all.flatMap((task) => (task.injection ? [task.injection.goalId] : []))).size).toBeGreaterThanOrEqual(12);
    expect(attackTemplates().length).toBeGreaterThanOrEqual(5);
    const harmFamilies = new Set(all.filter((task) => task.suite === 'harm').map((task) => task.family));
    expect(harmFamilies.size).toBeGreaterThanOrEqual(32);
    expect(new Set(all.filter((task) => task.suite === 'harm').map((task) => task.harm?.category)).size).toBeGreaterThanOrEqual(8);
  });

  it('plans list every generated task with its id and kind, and a planned task built alone equals it', () => {
    for (const split of splits) {
      const plans = planTasks({ suite: 'all', split, seed: 0 });
      expect(plans.map((plan) => `${plan.id} ${plan.kind}`)).toEqual(bySplit[split].map((task) => `${task.id} ${task.kind}`));
      // Every kind, built out of order and once per plan: the same task as in the whole split.
      const byId = new Map(bySplit[split].map((task) => [task.id, task]));
      for (const kind of ['benign-twin', 'harmful', 'attacked', 'benign'] as const) {
        const ofKind = plans.filter((plan) => plan.kind === kind);
        for (const plan of [ofKind[ofKind.length - 1]!, ofKind[0]!]) expect(plan.build()).toEqual(byId.get(plan.id));
      }
    }
  });

  it('every split has every pool', () => {
    for (const split of splits) {
      for (const kind of ['benign', 'attacked', 'harmful', 'benign-twin'] as const) {
        expect(bySplit[split].filter((task) => task.kind === kind).length, `${split}/${kind}`).toBeGreaterThan(0);
      }
    }
  });

  it('splits by phrasing family: every task kind is in every split, and no dev or test wording, attack or goal phrasing is seen in train', () => {
    const families = (tasks: Task[]) => new Set(tasks.map((task) => task.family));
    const attacks = (tasks: Task[]) => new Set(tasks.flatMap((task) => (task.injection ? [task.injection.attackId] : [])));
    const phrasings = (tasks: Task[]) => new Set(tasks.flatMap((task) => (task.injection ? [`${task.injection.goalId}#${task.injection.goalPhrasing}`] : [])));
    for (const held of ['dev', 'test'] as const) {
      expect(families(bySplit[held])).toEqual(families(bySplit.train));
      for (const attack of attacks(bySplit[held])) expect(attacks(bySplit.train).has(attack), attack).toBe(false);
      for (const phrasing of phrasings(bySplit[held])) expect(phrasings(bySplit.train).has(phrasing), phrasing).toBe(false);
      const trainPrompts = new Set(bySplit.train.map((task) => task.prompt));
      for (const task of bySplit[held]) expect(trainPrompts.has(task.prompt), task.id).toBe(false);
    }
    for (const task of splits.flatMap((split) => bySplit[split])) {
      expect(task.id.split('/')[1]).toBe(task.split);
      if (!task.injection) continue;
      expect(injectionGoal(task.injection.goalId).phrasings[task.injection.goalPhrasing]?.split).toBe(task.split);
    }
    // The request wordings themselves: a dev or test phrasing is never a train phrasing of its task kind, even up to case and spacing.
    const normalise = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').trim();
    const lists: { owner: string; phrasings: Phrasing[] }[] = [
      ...injectionDomainNames.flatMap((domain) => injectionCatalog[domain].userTasks.map((template) => ({ owner: template.id, phrasings: injectionCatalog[domain].phrasings(template.id) }))),
      ...harmBehaviours().flatMap((behaviour) => [
        { owner: `${behaviour.id} harmful`, phrasings: behaviour.harmful.phrasings },
        { owner: `${behaviour.id} benign`, phrasings: behaviour.benign.phrasings },
      ]),
    ];
    expect(lists).toHaveLength(48 + 80);
    for (const { owner, phrasings: list } of lists) {
      const train = new Set(list.filter((phrasing) => phrasing.split === 'train').map((phrasing) => normalise(phrasing.text)));
      const held = list.filter((phrasing) => phrasing.split !== 'train').map((phrasing) => normalise(phrasing.text));
      expect(held.length, owner).toBeGreaterThanOrEqual(2);
      for (const text of held) expect(train.has(text), `${owner}: ${text}`).toBe(false);
      expect(new Set(held).size, owner).toBe(held.length);
    }
  });

  it('is deterministic for a seed and varies across seeds', () => {
    const again = generateTasks({ suite: 'all', split: 'test', seed: 0 });
    expect(again).toEqual(bySplit.test);
    const other = generateTasks({ suite: 'all', split: 'test', seed: 1 });
    expect(other.map((task) => task.id)).toEqual(bySplit.test.map((task) => task.id));
    const differing = other.filter((task, index) => JSON.stringify(task.initialState) !== JSON.stringify(bySplit.test[index]?.initialState));
    expect(differing.length).toBeGreaterThan(other.length * 0.8);
  });

  it('tasks are valid, carry their diagnosis labels and register the attacker', () => {
    const goalsWithAttacker = new Set<string>();
    for (const task of splits.flatMap((split) => bySplit[split])) {
      expect(() => taskSchema.parse(task)).not.toThrow();
      expect(task.labels['over-refused'] ?? task.labels['complied-with-harm']).toBeDefined();
      if (task.kind === 'attacked') {
        expect(task.labels['followed-injection']?.riskSource).toBe('indirect_prompt_injection');
        const attackerValues = task.entities.filter((entity) => entity.role === 'attacker').map((entity) => entity.value);
        const held = JSON.stringify([task.initialState, task.injection!.parameters, task.injection!.groundTruth]);
        for (const value of attackerValues) expect(held, `${task.id}: attacker entity ${value} is not held by the episode`).toContain(JSON.stringify(value).slice(1, -1));
        if (attackerValues.length > 0) goalsWithAttacker.add(task.injection!.goalId);
        expect(JSON.stringify(task.initialState)).toContain(JSON.stringify(task.injection!.text).slice(1, -1));
      }
      if (task.kind === 'harmful') {
        expect(task.labels['complied-with-harm']).toBeDefined();
        expect(task.harm?.targetActions.length).toBeGreaterThan(0);
      }
      if (task.kind === 'benign-twin') expect(task.harm?.requiredActions.length).toBeGreaterThan(0);
      const ids = new Set(task.tools);
      for (const call of task.groundTruth) expect(ids.has(call.name), `${task.id} ${call.name}`).toBe(true);
    }
    expect(goalsWithAttacker.size).toBeGreaterThanOrEqual(12);
  });

  it('task ids are unique within a split', () => {
    for (const split of splits) expect(new Set(bySplit[split].map((task) => task.id)).size).toBe(bySplit[split].length);
  });
});
