import { z } from 'zod';
import type { ToolCall } from '../trajectory/message.js';
import type { CallOutcome } from '../trajectory/trajectory.js';
import type { Domain } from './domain.js';
import { ToolError, type ToolDefinition } from './tool.js';

/** What happened when one raw tool call was checked and, if valid, executed. */
export interface ExecutedCall {
  outcome: CallOutcome;
  /** Text returned to the policy as the tool message. */
  resultText: string;
  /** Arguments after schema validation (only when the call was executed). */
  parsedArguments?: Record<string, unknown>;
}

/**
 * Parses a raw tool call's `arguments` and validates them against the tool's schema, without
 * executing anything. Shared by the agent loop (before executing) and the control verifier.
 */
export function checkToolCall(
  call: ToolCall,
  tools: readonly ToolDefinition<never>[] | readonly ToolDefinition<unknown>[],
  offered: readonly string[],
): { ok: true; tool: ToolDefinition<unknown>; arguments: Record<string, unknown> } | { ok: false; outcome: CallOutcome } {
  const name = call.function.name;
  const tool = (tools as readonly ToolDefinition<unknown>[]).find((candidate) => candidate.name === name);
  if (!tool || !offered.includes(name)) {
    return { ok: false, outcome: { toolCallId: call.id, name, status: 'unknown-tool', detail: `no tool named "${name}" is offered` } };
  }
  let raw: unknown;
  try {
    raw = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
  } catch (error) {
    return {
      ok: false,
      outcome: { toolCallId: call.id, name, status: 'unparsable-arguments', detail: `arguments are not valid JSON: ${(error as Error).message}` },
    };
  }
  const parsed = tool.parameters.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      outcome: { toolCallId: call.id, name, status: 'invalid-arguments', detail: z.prettifyError(parsed.error).replace(/\n/g, '; ') },
    };
  }
  return { ok: true, tool, arguments: parsed.data as Record<string, unknown> };
}

/** Renders a tool's return value as the text of a tool message. */
export function renderToolResult(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'done';
  return JSON.stringify(value, null, 1);
}

/**
 * Checks and executes one raw tool call on `state` (mutated in place). Never throws: every
 * failure becomes an outcome and an error text the policy sees.
 */
export function executeToolCall(domain: Domain<unknown>, state: unknown, call: ToolCall, offered: readonly string[]): ExecutedCall {
  const checked = checkToolCall(call, domain.tools, offered);
  if (!checked.ok) return { outcome: checked.outcome, resultText: `Error: ${checked.outcome.detail}` };
  try {
    const value = checked.tool.execute(state, checked.arguments);
    return {
      outcome: { toolCallId: call.id, name: call.function.name, status: 'ok' },
      resultText: renderToolResult(value),
      parsedArguments: checked.arguments,
    };
  } catch (error) {
    const message = error instanceof ToolError ? error.message : `internal tool failure: ${(error as Error).message}`;
    return {
      outcome: { toolCallId: call.id, name: call.function.name, status: 'tool-error', detail: message },
      resultText: `Error: ${message}`,
      parsedArguments: checked.arguments,
    };
  }
}
