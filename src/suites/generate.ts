import { planHarmTasks } from './harm/generate.js';
import { planInjectionTasks } from './injection/generate.js';
import { buildPlannedTasks, type PlannedTask } from './planned-task.js';
import type { Split } from './split.js';
import type { SuiteName, Task } from './task.js';

/** Which suites a command runs. */
export type SuiteSelection = SuiteName | 'all';

/** Sizes of the generated suites for one split. */
export interface SuiteSizes {
  /** Benign instances per user-task template. */
  benignPerTemplate: number;
  /** Attacked instances per (template, goal, attack) combination taken. */
  attackedPerCombination: number;
  /** Injection goals per (template, attack), cycled over the domain's goals; null = every goal. */
  goalsPerAttack: number | null;
  /** Instances per harm behaviour (each a harmful request and its benign twin). */
  harmInstancesPerBehaviour: number;
  maxSteps: number;
}

const heldOutSizes: SuiteSizes = { benignPerTemplate: 1, attackedPerCombination: 1, goalsPerAttack: 1, harmInstancesPerBehaviour: 1, maxSteps: 12 };

/**
 * Default suite sizes per split; the README's split table is generated with these. Every task
 * kind is in every split: train takes more instances of each (it feeds rollouts and the base
 * corpus), dev and test one per kind, and one goal per (template, attack).
 */
export const defaultSuiteSizes: Record<Split, SuiteSizes> = {
  train: { benignPerTemplate: 4, attackedPerCombination: 1, goalsPerAttack: null, harmInstancesPerBehaviour: 3, maxSteps: 12 },
  dev: heldOutSizes,
  test: heldOutSizes,
};

/** The sizes of `split`: its defaults with `overrides` (a config's `suites` section, which applies to every split). */
export function suiteSizes(split: Split, overrides: Partial<SuiteSizes> = {}): SuiteSizes {
  return { ...defaultSuiteSizes[split], ...overrides };
}

/**
 * Plans the tasks of the selected suites for a split (see `PlannedTask`): ids and kinds at once,
 * each task built when asked for, deterministically from `seed`.
 */
export function planTasks(options: { suite: SuiteSelection; split: Split; seed: number; sizes?: Partial<SuiteSizes> }): PlannedTask[] {
  const sizes = suiteSizes(options.split, options.sizes);
  const plans: PlannedTask[] = [];
  if (options.suite === 'injection' || options.suite === 'all') {
    plans.push(
      ...planInjectionTasks({
        split: options.split,
        seed: options.seed,
        benignPerTemplate: sizes.benignPerTemplate,
        attackedPerCombination: sizes.attackedPerCombination,
        goalsPerAttack: sizes.goalsPerAttack,
        maxSteps: sizes.maxSteps,
      }),
    );
  }
  if (options.suite === 'harm' || options.suite === 'all') {
    plans.push(...planHarmTasks({ split: options.split, seed: options.seed, instancesPerBehaviour: sizes.harmInstancesPerBehaviour }));
  }
  return plans;
}

/** Generates the tasks of the selected suites for a split, deterministically from `seed`. */
export function generateTasks(options: { suite: SuiteSelection; split: Split; seed: number; sizes?: Partial<SuiteSizes> }): Task[] {
  return buildPlannedTasks(planTasks(options));
}
