import type { Task } from './task.js';

/**
 * A task of a generated suite before it is built: its id and kind are known at once, its worlds,
 * prompt and ground truth only when `build` runs (building a task creates and validates its
 * world, which is what generating a split spends its time on). Plans list tasks in generation
 * order, so choosing among plans and building the chosen ones gives the same tasks as choosing
 * among the built split.
 */
export interface PlannedTask {
  id: string;
  kind: Task['kind'];
  /** Builds the task; deterministic, the same task on every call. */
  build(): Task;
}

/** Builds every planned task, in order. */
export function buildPlannedTasks(plans: readonly PlannedTask[]): Task[] {
  return plans.map((plan) => plan.build());
}
