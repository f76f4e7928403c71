import { runEpisodes, type Episode } from '../agent/loop.js';
import type { Policy } from '../agent/policy.js';
import type { Task } from '../suites/task.js';
import type { EvolvePreset } from './evolve-config.js';
import { groupSampleTask } from './task-pools.js';

/** Options of {@link sampleGroups}. */
export interface GroupRolloutOptions {
  /** The preset's group size (`pfpo.groupSize`, G) and the sampling of the groups (`policyOptimization.temperature`, `.argumentTemperature`). */
  preset: Pick<EvolvePreset, 'pfpo' | 'policyOptimization'>;
  /** The round, part of each sample's task id (so each round samples its own streams). */
  round: number;
  /** Episodes advanced together in one policy call. */
  batchSize?: number;
  /** Called after each finished episode with the number finished so far and the total. */
  onEpisodeDone?: (done: number, total: number) => void;
}

/**
 * Stage 2's rollouts: each prompt played G times by `policy`, every sample a copy of the task
 * with its own id ({@link groupSampleTask}) and so its own sampling stream, every turn sampled at
 * the preset's `policyOptimization.temperature` and `argumentTemperature` (1 and 1 in every
 * preset: the policy itself, as the clipped ratio to π_old assumes). Resolves with one group per
 * prompt, in prompt order; verify each member against the original task.
 */
export async function sampleGroups(prompts: readonly Task[], policy: Policy, options: GroupRolloutOptions): Promise<Episode[][]> {
  const { groupSize } = options.preset.pfpo;
  const { temperature, argumentTemperature } = options.preset.policyOptimization;
  const tasks = prompts.flatMap((task) => Array.from({ length: groupSize }, (_, sample) => groupSampleTask(task, options.round, sample)));
  const episodes = await runEpisodes(tasks, policy, {
    batchSize: options.batchSize ?? 64,
    sampling: { temperature, argumentTemperature },
    onEpisodeDone: (done) => options.onEpisodeDone?.(done, tasks.length),
  });
  return prompts.map((_, group) => episodes.slice(group * groupSize, (group + 1) * groupSize));
}
