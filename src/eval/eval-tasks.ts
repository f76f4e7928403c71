import { planTasks, type SuiteSelection, type SuiteSizes } from '../suites/generate.js';
import { buildPlannedTasks } from '../suites/planned-task.js';
import { spreadEvenly } from '../suites/spread-evenly.js';
import type { Split } from '../suites/split.js';
import type { Task } from '../suites/task.js';

/** Which tasks an evaluation runs: a suite split generated from a seed, optionally cut to a spread of `limit`. */
export interface EvalTaskSelection {
  suite: SuiteSelection;
  split: Split;
  seed: number;
  /** Overrides of the split's suite sizes (a config's `suites` section). */
  sizes: Partial<SuiteSizes>;
  /** At most this many tasks, spread evenly over the generated list. */
  limit?: number;
}

/**
 * The tasks of `selection`, in order: every worker process of one evaluation generates the same
 * list from the same selection (generation is deterministic), so task i means the same task in
 * each of them. Only the tasks a limit keeps are built.
 */
export function evalTasks(selection: EvalTaskSelection): Task[] {
  return buildPlannedTasks(spreadEvenly(planTasks({ suite: selection.suite, split: selection.split, seed: selection.seed, sizes: selection.sizes }), selection.limit));
}

