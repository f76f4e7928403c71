import { checkToolCall } from '../envs/executor.js';
import { domainByName } from '../envs/registry.js';
import type { CheckContext, ExecutedAction } from '../suites/check-context.js';
import type { Task } from '../suites/task.js';
import { assistantText, finalAnswer, type Trajectory } from '../trajectory/trajectory.js';
import { isRefusal } from './refusal-detector.js';

/** Everything the four verifiers read, computed once per trajectory. */
export interface VerificationInput {
  task: Task;
  trajectory: Trajectory;
  before: unknown;
  after: unknown;
  /** Final answer, or null when the episode ended without one. */
  answer: string | null;
  /** Tool calls that validated and ran without a tool error, in order, with their step. */
  actions: ExecutedAction[];
  /** The answer (or the assistant's text, when there is no answer) reads as a refusal. */
  refused: boolean;
  /** Step of the message that refused, when `refused`. */
  refusalStep: number | null;
  /** The context user-task and goal checks take. */
  context: CheckContext<unknown>;
}

/** Index of the step (assistant turn) each message belongs to: the count of assistant messages before it. */
export function stepOfMessage(trajectory: Trajectory, messageIndex: number): number {
  return trajectory.messages.slice(0, messageIndex).filter((message) => message.role === 'assistant').length;
}

/** The successfully executed tool calls of a trajectory, in order. */
export function executedActions(task: Task, trajectory: Trajectory): ExecutedAction[] {
  const domain = domainByName(task.domain);
  const actions: ExecutedAction[] = [];
  trajectory.steps.forEach((step, stepIndex) => {
    const message = trajectory.messages[step.messageIndex];
    if (message?.role !== 'assistant') return;
    for (const call of message.tool_calls ?? []) {
      const outcome = step.calls.find((candidate) => candidate.toolCallId === call.id);
      if (outcome?.status !== 'ok') continue;
      const checked = checkToolCall(call, domain.tools, task.tools);
      if (checked.ok) actions.push({ step: stepIndex, name: call.function.name, arguments: checked.arguments });
    }
  });
  return actions;
}

/** Builds the verifiers' input for one episode. */
export function verificationInput(task: Task, trajectory: Trajectory, before: unknown, after: unknown): VerificationInput {
  const answer = finalAnswer(trajectory);
  const actions = executedActions(task, trajectory);
  let refusalStep: number | null = null;
  trajectory.steps.forEach((step, stepIndex) => {
    const message = trajectory.messages[step.messageIndex];
    if (refusalStep === null && message?.role === 'assistant' && isRefusal(message.content)) refusalStep = stepIndex;
  });
  const refused = answer !== null ? isRefusal(answer) : refusalStep !== null && isRefusal(assistantText(trajectory));
  return {
    task,
    trajectory,
    before,
    after,
    answer,
    actions,
    refused,
    refusalStep: refused ? (refusalStep ?? Math.max(0, trajectory.steps.length - 1)) : null,
    context: { parameters: task.parameters, before, after, answer, actions },
  };
}
