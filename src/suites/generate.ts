import { generateHarmTasks } from './harm/generate.js';
import { defaultInjectionGeneration, generateInjectionTasks } from './injection/generate.js';
import type { Split } from './split.js';
import type { SuiteName, Task } from './task.js';

/** Which suites a command runs. */
export type SuiteSelection = SuiteName | 'all';

/** Sizes of the generated suites (per split). */
export interface SuiteSizes {
  benignPerTemplate: number;
  attackedPerCombination: number;
  harmInstancesPerBehaviour: number;
  maxSteps: number;
}

/** Default suite sizes; the README's split table is generated with these. */
export const defaultSuiteSizes: SuiteSizes = {
  ...defaultInjectionGeneration,
  harmInstancesPerBehaviour: 3,
};

/** Generates the tasks of the selected suites for a split, deterministically from `seed`. */
export function generateTasks(options: { suite: SuiteSelection; split: Split; seed: number; sizes?: Partial<SuiteSizes> }): Task[] {
  const sizes = { ...defaultSuiteSizes, ...options.sizes };
  const tasks: Task[] = [];
  if (options.suite === 'injection' || options.suite === 'all') {
    tasks.push(
      ...generateInjectionTasks({
        split: options.split,
        seed: options.seed,
        benignPerTemplate: sizes.benignPerTemplate,
        attackedPerCombination: sizes.attackedPerCombination,
        maxSteps: sizes.maxSteps,
      }),
    );
  }
  if (options.suite === 'harm' || options.suite === 'all') {
    tasks.push(...generateHarmTasks({ split: options.split, seed: options.seed, instancesPerBehaviour: sizes.harmInstancesPerBehaviour }));
  }
  return tasks;
}
