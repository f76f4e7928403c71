import { diagnosisExamplesFromRepair } from '../diagnosis/repair-examples.js';
import { withUserMessage } from '../fate/exports/conversation-split.js';
import { classifyFailure } from '../fate/failure-classification.js';
import { mineFailures } from '../fate/failure-mining.js';
import { defaultObjectiveThresholds } from '../fate/objective-thresholds.js';
import type { ReplayBufferEntry } from '../fate/replay-buffer.js';
import type { Task } from '../suites/task.js';
import type { EvolvePreset } from './evolve-config.js';
import type { LearningConversation } from './tiny-learner.js';

/** The stratum of the diagnosis examples (`repair.diagnosisShare` gives it its share of the warmup). */
export const diagnosisStratum = 'diagnosis';

/**
 * The warmup's conversations from the repair buffer, per entry and as `settings` switch them on:
 * (p_f, a*); (x, a*), with `originalPromptPassingOnly` only when a* passes every threshold; and
 * the two diagnosis examples of the repaired failure. Entries of tasks not in `tasks` are skipped.
 */
export function bufferConversations(entries: readonly ReplayBufferEntry[], settings: EvolvePreset['repair'], tasks: ReadonlyMap<string, Task>): LearningConversation[] {
  return entries.flatMap((entry) => {
    const task = tasks.get(entry.taskId);
    if (!task) return [];
    const conversations: LearningConversation[] = [];
    if (settings.repairPrompt) conversations.push({ messages: withUserMessage(entry.repair.messages, entry.repairPrompt), tools: entry.repair.tools, entities: task.entities });
    const passing = classifyFailure(task, entry.repairVerdict, defaultObjectiveThresholds).length === 0;
    if (settings.originalPrompt && (passing || !settings.originalPromptPassingOnly)) {
      conversations.push({ messages: withUserMessage(entry.repair.messages, entry.originalPrompt), tools: entry.repair.tools, entities: task.entities });
    }
    if (settings.diagnosisExamples) {
      const [failure] = mineFailures([{ task, trajectory: entry.failure, verdict: entry.failureVerdict, sample: 0 }]);
      if (failure) {
        for (const example of diagnosisExamplesFromRepair(failure, { trajectory: entry.repair, verdict: entry.repairVerdict }, { style: 'compact' })) {
          conversations.push({ messages: example.messages, tools: example.tools, entities: example.entities, stratum: diagnosisStratum });
        }
      }
    }
    return conversations;
  });
}
