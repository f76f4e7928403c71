import { Random } from '../envs/random.js';
import { generateTasks } from '../suites/generate.js';
import type { Split } from '../suites/split.js';
import type { Task } from '../suites/task.js';
import type { KindCounts } from './evolve-config.js';

/**
 * The tasks of one split a phase uses: `counts` of each kind drawn with the seed (benign,
 * attacked, harmful and as many benign twins as harmful requests; null takes them all), in a
 * fixed order. Deterministic for (split, counts, seed).
 */
export function selectTasks(split: Split, counts: KindCounts, seed: number, label: string): Task[] {
  const tasks = generateTasks({ suite: 'all', split, seed });
  const random = new Random(`${seed}:${split}:${label}`);
  const take = (kind: Task['kind'], count: number | null): Task[] => {
    const ofKind = tasks.filter((task) => task.kind === kind);
    return count === null ? ofKind : random.fork(kind).sample(ofKind, count);
  };
  return [...take('benign', counts.benign), ...take('attacked', counts.attacked), ...take('harmful', counts.harmful), ...take('benign-twin', counts.harmful)];
}

/** A copy of `task` for one sampled trajectory of a group (its own sampling stream); verify against the original. */
export function groupSampleTask(task: Task, round: number, sample: number): Task {
  return { ...task, id: `${task.id}~group~${round}.${sample}` };
}
