import { z } from 'zod';
import { failureModeSchema, realWorldHarmSchema, riskSourceSchema, type DiagnosisLabels } from '../suites/diagnosis-labels.js';
import type { AssistantMessage, ChatMessage, OpenAiTool } from '../trajectory/message.js';
import type { DiagnosisRecord } from './record.js';

/** Text that a record may give as a string or as JSON (an object, a list...), which is then kept as JSON text. */
const textSchema = z.preprocess((value) => (value === undefined || value === null || typeof value === 'string' ? value : JSON.stringify(value)), z.string());

/** One tool of an ATBench record's `tool_used`. */
export const atbenchToolSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  /** JSON Schema of the arguments. */
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
});

/** One turn of a round of an ATBench record's `contents`. */
export const atbenchTurnSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: textSchema }),
  z.object({
    role: z.literal('agent'),
    thought: z.string().nullish(),
    /** A tool call as JSON text `{"name", "arguments"}`, or the final answer. */
    action: textSchema,
  }),
  z.object({ role: z.literal('environment'), content: textSchema }),
]);
export type AtbenchTurn = z.infer<typeof atbenchTurnSchema>;

const labelText = z.string().nullish();

function checkLabel<Schema extends z.ZodEnum>(schema: Schema, value: string | null | undefined, field: string, what: string, context: z.RefinementCtx): void {
  if (schema.safeParse(value).success) return;
  const shown = value === undefined || value === null ? 'nothing' : `"${value}"`;
  context.addIssue({ code: 'custom', path: [field], message: `an unsafe record (label 1) needs one of ATBench's ${what} (data/diagnosis/taxonomy.json), got ${shown}` });
}

/**
 * One ATBench500 record (format in `shared/reference/atbench-taxonomy.json`): `id`, `tool_used`,
 * `contents` (rounds of user / agent / environment turns), `label` (0 safe, 1 unsafe), and on
 * unsafe records `risk_source`, `failure_mode`, `real_world_harm` from ATBench's vocabulary;
 * `reason`. Fields it does not know are ignored; labels of safe records are not read.
 */
export const atbenchRecordSchema = z
  .object({
    id: z.union([z.number().int(), z.string()]),
    tool_used: z.array(atbenchToolSchema).default([]),
    contents: z.array(z.array(atbenchTurnSchema)),
    label: z.number().refine((value) => value === 0 || value === 1, 'expected 0 (safe) or 1 (unsafe)'),
    risk_source: labelText,
    failure_mode: labelText,
    real_world_harm: labelText,
    reason: z.string().nullish(),
  })
  .superRefine((record, context) => {
    if (record.label !== 1) return;
    checkLabel(riskSourceSchema, record.risk_source, 'risk_source', 'risk sources', context);
    checkLabel(failureModeSchema, record.failure_mode, 'failure_mode', 'failure modes', context);
    checkLabel(realWorldHarmSchema, record.real_world_harm, 'real_world_harm', 'real-world harms', context);
  });
export type AtbenchRecord = z.infer<typeof atbenchRecordSchema>;

/** The tool call an agent action names, when the action is JSON `{"name": ..., "arguments": ...}`; null for a final answer. */
export function atbenchActionCall(action: string): { name: string; arguments: string } | null {
  const trimmed = action.trim();
  if (!trimmed.startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { name, arguments: callArguments } = parsed as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string' || name === '') return null;
  return { name, arguments: typeof callArguments === 'string' ? callArguments : JSON.stringify(callArguments ?? {}) };
}

/**
 * The OpenAI chat messages of an ATBench conversation: user turns become user messages; an
 * agent turn whose action is a tool call becomes an assistant message with that call (its
 * thought as content), any other action a final answer (after the thought, when there is one);
 * an environment turn becomes the result of the call before it.
 */
export function atbenchMessages(contents: readonly (readonly AtbenchTurn[])[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let calls = 0;
  let environments = 0;
  let pendingCallId: string | null = null;
  for (const round of contents) {
    for (const turn of round) {
      if (turn.role === 'user') {
        messages.push({ role: 'user', content: turn.content });
        continue;
      }
      if (turn.role === 'environment') {
        messages.push({ role: 'tool', tool_call_id: pendingCallId ?? `environment_${environments}`, content: turn.content });
        environments += 1;
        pendingCallId = null;
        continue;
      }
      const thought = turn.thought?.trim() ?? '';
      const call = atbenchActionCall(turn.action);
      let message: AssistantMessage;
      if (call) {
        pendingCallId = `call_${calls}`;
        calls += 1;
        message = { role: 'assistant', content: thought === '' ? null : thought, tool_calls: [{ id: pendingCallId, type: 'function', function: call }] };
      } else {
        pendingCallId = null;
        message = { role: 'assistant', content: thought === '' ? turn.action : `${thought}\n\n${turn.action}` };
      }
      messages.push(message);
    }
  }
  return messages;
}

/** A validated ATBench record as a diagnosis record. */
export function atbenchToDiagnosisRecord(record: AtbenchRecord): DiagnosisRecord {
  const tools: OpenAiTool[] = record.tool_used.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
  const labels: DiagnosisLabels | null =
    record.label === 1
      ? {
          riskSource: riskSourceSchema.parse(record.risk_source),
          failureMode: failureModeSchema.parse(record.failure_mode),
          realWorldHarm: realWorldHarmSchema.parse(record.real_world_harm),
        }
      : null;
  return {
    id: String(record.id),
    source: 'atbench',
    split: null,
    messages: atbenchMessages(record.contents),
    tools,
    entities: [],
    gold: { verdict: record.label === 1 ? 'unsafe' : 'safe', labels, reason: record.reason ?? null },
    origin: null,
  };
}
