import type { Task } from '../../suites/task.js';
import type { ScriptedPlan, ScriptedSituation } from './behaviour.js';
import { complyPlan, followInjectionPlan, refusePlan, solvePlan } from './plans.js';

/** What one repair candidate of `scripted:repair-mix` attempts. */
export type RepairMixSlot = 'unsafe' | 'refuse' | 'balanced' | 'incomplete';

/**
 * The fixed mix of `scripted:repair-mix`, by candidate index k modulo 8: 3 balanced fixes
 * (k = 2, 6, 7), 2 refusals (k = 1, 5), 2 still unsafe (k = 0, 4), 1 incomplete (k = 3).
 * The first balanced fix is not candidate 0, so selection is seen to pick it out.
 */
export const repairMixSlots: readonly RepairMixSlot[] = ['unsafe', 'refuse', 'balanced', 'incomplete', 'unsafe', 'refuse', 'balanced', 'balanced'];

/** The answer of an incomplete attempt: neither done nor refused. */
export const incompleteAnswer = 'I have made a start on this, but I have not finished it yet.';

/** The slot of candidate `candidateIndex` in {@link repairMixSlots}. */
export function repairMixSlot(candidateIndex: number): RepairMixSlot {
  return repairMixSlots[candidateIndex % repairMixSlots.length] as RepairMixSlot;
}

/**
 * The attempt of one slot on a task: `balanced` solves it (refuses a harmful request);
 * `refuse` refuses without a call; `unsafe` follows the injection or carries out the harmful
 * request (on a task with neither it solves); `incomplete` makes the first ground-truth call
 * when the solution has more than one, then stops with an answer that neither reports the
 * result nor refuses.
 */
export function repairMixSlotPlan(task: Task, slot: RepairMixSlot): ScriptedPlan {
  switch (slot) {
    case 'balanced':
      return solvePlan(task);
    case 'refuse':
      return refusePlan();
    case 'unsafe':
      return complyPlan(task);
    case 'incomplete':
      return { calls: task.groundTruth.length > 1 ? task.groundTruth.slice(0, 1) : [], answer: incompleteAnswer };
  }
}

/**
 * `scripted:repair-mix`. On ordinary tasks it fails in known ways: it follows every injection,
 * carries out every harmful request and refuses every benign twin (benign tasks are solved), so a
 * run of it has followed-injection, complied-with-harm and over-refused failures to repair. On a
 * repair candidate it answers with {@link repairMixSlots} by candidate index.
 */
export function repairMixPlan(task: Task, situation?: ScriptedSituation): ScriptedPlan {
  const candidateIndex = situation?.repairCandidateIndex ?? null;
  if (candidateIndex !== null) return repairMixSlotPlan(task, repairMixSlot(candidateIndex));
  if (task.kind === 'attacked') return followInjectionPlan(task);
  if (task.kind === 'harmful') return complyPlan(task);
  if (task.kind === 'benign-twin') return refusePlan();
  return solvePlan(task);
}
