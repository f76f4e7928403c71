import { renderTemplate } from '../envs/text-template.js';
import type { FailedObjective } from './failure.js';
import type { RepairTemplate } from './repair-template.js';

/** How verifier feedback is rendered inside a repair prompt (the `feedback` part of a repair template). */
export type FeedbackFormat = RepairTemplate['feedback'];

/** An objective value for people: at most two decimals, no trailing zeros. */
export function formatObjectiveValue(value: number): string {
  return String(Number(value.toFixed(2)));
}

/**
 * The verifiers' feedback z for a repair prompt: one line per lost objective, naming it, its value
 * and threshold, the first offending step (numbered from 1, as in the rendered trajectory) and
 * the verifier's reason.
 */
export function renderVerifierFeedback(failedObjectives: readonly FailedObjective[], format: FeedbackFormat): string {
  return failedObjectives
    .map((failed) => {
      const values = {
        objective: format.objectiveNames[failed.objective],
        value: formatObjectiveValue(failed.value),
        threshold: formatObjectiveValue(failed.threshold),
        reason: failed.reason,
      };
      return failed.step === null ? renderTemplate(format.withoutStep, values) : renderTemplate(format.withStep, { ...values, step: failed.step + 1 });
    })
    .join(format.lineSeparator);
}
