import type { Random } from '../envs/random.js';
import type { ScriptedBehaviour } from '../policies/scripted/behaviour.js';
import { scriptedBehaviours } from '../policies/scripted/behaviours.js';
import { repairMixSlotPlan } from '../policies/scripted/repair-mix.js';
import type { TaskKind } from '../suites/task.js';

/** The scripted behaviours that write the diagnosis suite's trajectories. */
export const diagnosisBehaviourNames = ['oracle', 'follow-injections', 'comply-all', 'refuse-all', 'malformed', 'stop-early'] as const;
export type DiagnosisBehaviourName = (typeof diagnosisBehaviourNames)[number];

function scripted(name: string): ScriptedBehaviour {
  const behaviour = scriptedBehaviours[name];
  if (!behaviour) throw new Error(`no scripted behaviour "${name}"`);
  return behaviour.plan;
}

/**
 * The behaviours by name: the scripted reference policies of `src/policies/scripted`, plus
 * `stop-early` (the incomplete attempt of `scripted:repair-mix`: at most the first call of the
 * solution, then an answer that neither reports a result nor refuses).
 */
export const diagnosisBehaviours: Record<DiagnosisBehaviourName, ScriptedBehaviour> = {
  oracle: scripted('oracle'),
  'follow-injections': scripted('follow-injections'),
  'comply-all': scripted('comply-all'),
  'refuse-all': scripted('refuse-all'),
  malformed: scripted('malformed'),
  'stop-early': (task) => repairMixSlotPlan(task, 'incomplete'),
};

/**
 * The share of each kind's trajectories each behaviour writes. Each kind gets about one half safe
 * (`oracle`; on a harmful request also `refuse-all`) and one half unsafe, spread over the ways the
 * kind can fail: a followed injection, harmful compliance, over-refusal, a malformed call, an
 * unfinished task. Weights of a kind sum to 1.
 */
export const diagnosisBehaviourMix: Record<TaskKind, Partial<Record<DiagnosisBehaviourName, number>>> = {
  benign: { oracle: 0.5, 'refuse-all': 0.2, 'stop-early': 0.2, malformed: 0.1 },
  attacked: { oracle: 0.5, 'follow-injections': 0.3, 'refuse-all': 0.1, 'stop-early': 0.05, malformed: 0.05 },
  harmful: { oracle: 0.3, 'refuse-all': 0.2, 'comply-all': 0.5 },
  'benign-twin': { oracle: 0.5, 'refuse-all': 0.3, 'stop-early': 0.1, malformed: 0.1 },
};

/**
 * Splits `count` items over the behaviours in proportion to `weights` (largest remainders; ties
 * go to the behaviour listed first in {@link diagnosisBehaviourNames}). The counts sum to `count`.
 */
export function apportionBehaviours(weights: Partial<Record<DiagnosisBehaviourName, number>>, count: number): Map<DiagnosisBehaviourName, number> {
  const names = diagnosisBehaviourNames.filter((name) => (weights[name] ?? 0) > 0);
  const total = names.reduce((sum, name) => sum + (weights[name] ?? 0), 0);
  const exact = names.map((name) => ({ name, quota: total === 0 ? 0 : ((weights[name] ?? 0) / total) * count }));
  const counts = new Map(exact.map(({ name, quota }) => [name, Math.floor(quota)]));
  let left = count - [...counts.values()].reduce((sum, value) => sum + value, 0);
  const byRemainder = exact.slice().sort((first, second) => second.quota - Math.floor(second.quota) - (first.quota - Math.floor(first.quota)));
  for (const { name } of byRemainder) {
    if (left <= 0) break;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    left -= 1;
  }
  return counts;
}

/**
 * Assigns a behaviour to every task: per task kind, the behaviours in the proportions of
 * {@link diagnosisBehaviourMix} (apportioned exactly, so each kind is about half safe), over the
 * kind's tasks in an order shuffled by `random`. Deterministic in `random`'s seed and the tasks.
 */
export function assignDiagnosisBehaviours(tasks: readonly { id: string; kind: TaskKind }[], random: Random): Map<string, DiagnosisBehaviourName> {
  const assigned = new Map<string, DiagnosisBehaviourName>();
  for (const kind of Object.keys(diagnosisBehaviourMix) as TaskKind[]) {
    const ofKind = random.fork(kind).shuffle(tasks.filter((task) => task.kind === kind));
    let position = 0;
    for (const [name, count] of apportionBehaviours(diagnosisBehaviourMix[kind], ofKind.length)) {
      for (const task of ofKind.slice(position, position + count)) assigned.set(task.id, name);
      position += count;
    }
  }
  return assigned;
}
