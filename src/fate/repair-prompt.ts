import { renderTemplate } from '../envs/text-template.js';
import type { Failure } from './failure.js';
import { loadRepairTemplate, type RepairPromptStyle, type RepairTemplate } from './repair-template.js';
import { renderTrajectoryForRepair } from './trajectory-rendering.js';
import { renderVerifierFeedback } from './verifier-feedback.js';

/**
 * The repair prompt p_f = Prompt(x, a, z) of a failure (DESIGN §2, step 2): the template of
 * `style` filled with the task's request x (verbatim), the failed trajectory a rendered within
 * the template's budget (offending steps kept) and the verifiers' feedback z.
 */
export function buildRepairPrompt(failure: Pick<Failure, 'task' | 'trajectory' | 'failedObjectives' | 'primaryType'>, style: RepairPromptStyle, template: RepairTemplate = loadRepairTemplate(style)): string {
  const offendingSteps = failure.failedObjectives.flatMap((failed) => (failed.step === null ? [] : [failed.step]));
  return renderTemplate(template.message, {
    request: failure.task.prompt,
    trajectory: renderTrajectoryForRepair(failure.trajectory, template.trajectory, offendingSteps),
    feedback: renderVerifierFeedback(failure.failedObjectives, template.feedback),
    failureType: template.failureTypes[failure.primaryType] ?? failure.primaryType,
  });
}
