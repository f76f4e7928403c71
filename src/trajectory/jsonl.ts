import { trajectorySchema, type Trajectory } from './trajectory.js';

/** One line of fate's trajectory JSONL: OpenAI chat messages plus tools and fate's metadata. */
export function trajectoryToJsonLine(trajectory: Trajectory, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    messages: trajectory.messages,
    tools: trajectory.tools,
    metadata: { taskId: trajectory.taskId, termination: trajectory.termination, steps: trajectory.steps, ...extra },
  });
}

/** Parses one JSONL line written by {@link trajectoryToJsonLine}; throws with the zod path on a bad record. */
export function trajectoryFromJsonLine(line: string): Trajectory {
  const record = JSON.parse(line) as { messages?: unknown; tools?: unknown; metadata?: Record<string, unknown> };
  return trajectorySchema.parse({
    taskId: record.metadata?.['taskId'],
    messages: record.messages,
    tools: record.tools,
    steps: record.metadata?.['steps'],
    termination: record.metadata?.['termination'],
  });
}
