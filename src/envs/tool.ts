import { z } from 'zod';
import type { OpenAiTool } from '../trajectory/message.js';

/** Whether a tool only reads the environment or changes it. */
export type ToolEffect = 'read' | 'write';

/**
 * A typed tool over an environment state. The zod schema validates arguments, documents the tool
 * to the policy (as JSON Schema) and is what the control verifier checks calls against.
 * `execute` may mutate `state` in place and returns text or JSON-serialisable data; it throws
 * {@link ToolError} for a failure the agent should see (no such file, insufficient funds, ...).
 */
export interface ToolDefinition<State = unknown> {
  readonly name: string;
  readonly description: string;
  readonly parameters: z.ZodObject;
  readonly effect: ToolEffect;
  execute(state: State, args: Record<string, unknown>): unknown;
}

/** Defines a tool with arguments typed by its schema. */
export function defineTool<State, Schema extends z.ZodObject>(definition: {
  name: string;
  description: string;
  parameters: Schema;
  effect: ToolEffect;
  execute: (state: State, args: z.infer<Schema>) => unknown;
}): ToolDefinition<State> {
  return definition as unknown as ToolDefinition<State>;
}

/** An error a tool reports to the agent as its result (not a crash). */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** The OpenAI `tools` entry for a tool definition. */
export function toOpenAiTool(tool: ToolDefinition<never> | ToolDefinition<unknown>): OpenAiTool {
  const schema = z.toJSONSchema(tool.parameters, { target: 'draft-7' }) as Record<string, unknown>;
  delete schema['$schema'];
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: schema } };
}
