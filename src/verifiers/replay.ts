import { executeToolCall } from '../envs/executor.js';
import { domainByName } from '../envs/registry.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';

/**
 * Re-executes a trajectory's tool calls from the task's initial state and returns the state after
 * each step. Tools are deterministic, so this reproduces the episode; verifiers use it to find
 * the first step at which a state-based check turned.
 */
export function statesAfterEachStep(task: Task, trajectory: Trajectory): unknown[] {
  const domain = domainByName(task.domain);
  const state = domain.stateSchema.parse(structuredClone(task.initialState));
  const states: unknown[] = [];
  for (const step of trajectory.steps) {
    const message = trajectory.messages[step.messageIndex];
    if (message?.role === 'assistant') {
      for (const call of message.tool_calls ?? []) executeToolCall(domain, state, call, task.tools);
    }
    states.push(structuredClone(state));
  }
  return states;
}

/** The first step after which `holds(state)` is true, or null. */
export function firstStepWhere(task: Task, trajectory: Trajectory, holds: (state: unknown) => boolean): number | null {
  const index = statesAfterEachStep(task, trajectory).findIndex((state) => holds(state));
  return index < 0 ? null : index;
}
