import { Random } from '../envs/random.js';
import { planTasks } from '../suites/generate.js';
import { buildPlannedTasks, type PlannedTask } from '../suites/planned-task.js';
import type { Split } from '../suites/split.js';
import type { Task } from '../suites/task.js';
import type { EvolvePreset, KindCounts } from './evolve-config.js';

/**
 * The tasks of one split a phase uses: `counts` of each kind drawn with the seed (benign,
 * attacked, harmful and as many benign twins as harmful requests; null takes them all), in a
 * fixed order. Deterministic for (split, counts, seed).
 */
export function selectTasks(split: Split, counts: KindCounts, seed: number, label: string): Task[] {
  const plans = planTasks({ suite: 'all', split, seed });
  const random = new Random(`${seed}:${split}:${label}`);
  const take = (kind: Task['kind'], count: number | null): PlannedTask[] => {
    const ofKind = plans.filter((plan) => plan.kind === kind);
    return count === null ? ofKind : random.fork(kind).sample(ofKind, count);
  };
  return buildPlannedTasks([...take('benign', counts.benign), ...take('attacked', counts.attacked), ...take('harmful', counts.harmful), ...take('benign-twin', counts.harmful)]);
}

/** A copy of `task` for one sampled trajectory of a group (its own sampling stream); verify against the original. */
export function groupSampleTask(task: Task, round: number, sample: number): Task {
  return { ...task, id: `${task.id}~group~${round}.${sample}` };
}

/**
 * The tasks of an evolve run, each split selected on first use (generating a split's tasks takes
 * seconds, and a job may need only some): the train pool (rollouts, repairs, group prompts),
 * dev and test.
 */
export class EvolveTaskSets {
  private train: { pool: Task[]; byId: Map<string, Task> } | null = null;
  private dev: Task[] | null = null;
  private test: Task[] | null = null;

  constructor(private readonly preset: Pick<EvolvePreset, 'pools' | 'dev' | 'test' | 'seed'>) {}

  /** The train-split tasks rolled out each round. */
  get trainPool(): Task[] {
    return this.trainSets().pool;
  }

  /** The train pool by task id. */
  get trainById(): ReadonlyMap<string, Task> {
    return this.trainSets().byId;
  }

  /** The dev-split tasks evaluated after each round. */
  get devTasks(): Task[] {
    this.dev ??= selectTasks('dev', this.preset.dev, this.preset.seed, 'dev');
    return this.dev;
  }

  /** The test-split tasks evaluated at the end. */
  get testTasks(): Task[] {
    this.test ??= selectTasks('test', this.preset.test, this.preset.seed, 'test');
    return this.test;
  }

  /** Selects the given splits now (so that the phases that use them do not count the time). */
  select(splits: readonly ('train' | 'dev' | 'test')[]): void {
    if (splits.includes('train')) this.trainSets();
    if (splits.includes('dev')) void this.devTasks;
    if (splits.includes('test')) void this.testTasks;
  }

  private trainSets(): { pool: Task[]; byId: Map<string, Task> } {
    if (this.train === null) {
      const pool = selectTasks('train', this.preset.pools, this.preset.seed, 'pool');
      this.train = { pool, byId: new Map(pool.map((task) => [task.id, task])) };
    }
    return this.train;
  }
}
