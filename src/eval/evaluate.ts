import type { Policy } from '../agent/policy.js';
import { runEpisodes, type Episode } from '../agent/loop.js';
import type { Task } from '../suites/task.js';
import { verify } from '../verifiers/verify.js';
import type { ScoredEpisode } from './metrics.js';

/** An episode with its verdict. */
export interface EvaluatedEpisode extends ScoredEpisode {
  episode: Episode;
}

/** Rolls `policy` out on `tasks` and scores every trajectory with the four verifiers. */
export async function evaluatePolicy(
  policy: Policy,
  tasks: readonly Task[],
  options: { batchSize?: number; onEpisodeDone?: (finished: number) => void } = {},
): Promise<EvaluatedEpisode[]> {
  const episodes = await runEpisodes(tasks, policy, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    onEpisodeDone: (finished) => options.onEpisodeDone?.(finished),
  });
  return episodes.map((episode) => ({
    task: episode.task,
    episode,
    verdict: verify(episode.task, episode.trajectory, episode.before, episode.after),
  }));
}
