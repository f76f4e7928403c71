import { mineFailures } from '../fate/failure-mining.js';
import type { ObjectiveThresholds } from '../fate/objective-thresholds.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { Verdict } from '../verifiers/score.js';
import type { LearningConversation } from './tiny-learner.js';

/** A scored rollout of a train-pool task. */
export interface ScoredRollout {
  taskId: string;
  trajectory: Trajectory;
  verdict: Verdict;
}

/**
 * The rollouts that passed every applicable objective, as supervised conversations (x, a) keyed
 * by task id: what the policy already does right, which the warmup keeps it doing when the
 * preset's `supervised.successes` is on. Rollouts of tasks not in `tasks` are skipped.
 */
export function passingRolloutConversations(rollouts: readonly ScoredRollout[], tasks: ReadonlyMap<string, Task>, thresholds: ObjectiveThresholds): Map<string, LearningConversation> {
  const passing = new Map<string, LearningConversation>();
  for (const rollout of rollouts) {
    const task = tasks.get(rollout.taskId);
    if (!task) continue;
    if (mineFailures([{ task, trajectory: rollout.trajectory, verdict: rollout.verdict, sample: 0 }], thresholds).length > 0) continue;
    passing.set(task.id, { messages: rollout.trajectory.messages, tools: rollout.trajectory.tools, entities: task.entities });
  }
  return passing;
}
