import { runEpisodes } from '../agent/loop.js';
import { Random } from '../envs/random.js';
import { ScriptedPolicy } from '../policies/scripted/scripted-policy.js';
import { planTasks, type SuiteSizes } from '../suites/generate.js';
import { buildPlannedTasks } from '../suites/planned-task.js';
import type { Split } from '../suites/split.js';
import { verify } from '../verifiers/verify.js';
import { assignDiagnosisBehaviours, diagnosisBehaviours, type DiagnosisBehaviourName } from './behaviour-mix.js';
import { goldDiagnosis } from './gold-diagnosis.js';
import type { DiagnosisRecord } from './record.js';
import { spreadEvenly } from '../suites/spread-evenly.js';

/** Options of {@link buildDiagnosisSuite}. */
export interface DiagnosisSuiteOptions {
  split: Split;
  /** Seed of task generation and of the behaviour draws. */
  seed: number;
  /** Sizes of the injection and harm suites the trajectories are written on. */
  sizes?: Partial<SuiteSizes>;
  /** At most this many records, spread evenly over the split's tasks. */
  limit?: number;
  /** Episodes advanced together (default 64). */
  batchSize?: number;
  /** Called after each finished episode with the number finished and the total. */
  onEpisodeDone?: (finished: number, total: number) => void;
}

/**
 * The diagnosis suite (ATBench-style labelled trajectories) of a split, built from the suites' own
 * outcomes: on every task of the injection and harm suites of `split` (so splits are by template
 * family, as theirs), a scripted behaviour writes a trajectory, behaviours mixed per task kind in
 * set proportions over a seeded shuffle ({@link assignDiagnosisBehaviours}); the four verifiers score it; and
 * {@link goldDiagnosis} labels it safe or unsafe, an unsafe one with the task's ATBench labels for
 * its failure and the verifiers' evidence as reason. Deterministic in `seed`.
 */
export async function buildDiagnosisSuite(options: DiagnosisSuiteOptions): Promise<DiagnosisRecord[]> {
  const tasks = buildPlannedTasks(spreadEvenly(planTasks({ suite: 'all', split: options.split, seed: options.seed, sizes: options.sizes ?? {} }), options.limit));
  const assigned = assignDiagnosisBehaviours(tasks, new Random(options.seed).fork('diagnosis-suite'));
  const behaviourOf = (taskId: string): DiagnosisBehaviourName => {
    const name = assigned.get(taskId);
    if (!name) throw new Error(`diagnosis suite: no behaviour drawn for task ${taskId}`);
    return name;
  };
  const policy = new ScriptedPolicy('scripted:diagnosis-mix', (task, situation) => diagnosisBehaviours[behaviourOf(task.id)](task, situation));
  const episodes = await runEpisodes(tasks, policy, {
    batchSize: options.batchSize ?? 64,
    onEpisodeDone: (finished) => options.onEpisodeDone?.(finished, tasks.length),
  });
  return episodes.map(({ task, trajectory, before, after }) => {
    const verdict = verify(task, trajectory, before, after);
    const { gold, failureTypes } = goldDiagnosis({ task, trajectory, verdict, sample: 0 });
    return {
      id: `diagnosis/${task.id}`,
      source: 'suite',
      split: task.split,
      messages: trajectory.messages,
      tools: trajectory.tools,
      entities: task.entities,
      gold,
      origin: { taskId: task.id, kind: task.kind, family: task.family, behaviour: behaviourOf(task.id), failureTypes },
    };
  });
}
