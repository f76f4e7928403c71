import type { Policy } from '../agent/policy.js';
import { runEpisodes, type Episode } from '../agent/loop.js';
import type { Task } from '../suites/task.js';
import { verify } from '../verifiers/verify.js';
import type { ScoredEpisode } from './metrics.js';

/** An episode with its verdict. */
export interface EvaluatedEpisode extends ScoredEpisode {
  episode: Episode;
}

/** Options of {@link evaluatePolicy}. */
export interface EvaluatePolicyOptions {
  /** Episodes advanced together per policy call. */
  batchSize?: number;
  /** Called after each finished episode with the number finished so far. */
  onEpisodeDone?: (finished: number) => void;
  /** Called with each episode and its verdict as soon as it has ended. */
  onEpisodeScored?: (episode: EvaluatedEpisode) => void;
}

/** Rolls `policy` out on `tasks` and scores every trajectory with the four verifiers; the result is in task order. */
export async function evaluatePolicy(policy: Policy, tasks: readonly Task[], options: EvaluatePolicyOptions = {}): Promise<EvaluatedEpisode[]> {
  const scored = new Map<Episode, EvaluatedEpisode>();
  const score = (episode: Episode): EvaluatedEpisode => {
    let item = scored.get(episode);
    if (!item) {
      item = { task: episode.task, episode, verdict: verify(episode.task, episode.trajectory, episode.before, episode.after) };
      scored.set(episode, item);
    }
    return item;
  };
  const episodes = await runEpisodes(tasks, policy, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    onEpisodeDone: (finished, episode) => {
      if (options.onEpisodeScored) options.onEpisodeScored(score(episode));
      options.onEpisodeDone?.(finished);
    },
  });
  return episodes.map(score);
}
