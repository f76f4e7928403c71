import { renderTemplate } from '../envs/text-template.js';
import { collapseWhitespace } from '../envs/whitespace.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { RepairTemplate } from './repair-template.js';

/** How a trajectory is rendered inside a repair prompt (the `trajectory` part of a repair template). */
export type TrajectoryFormat = RepairTemplate['trajectory'];

/** Cuts `text` to at most `limit` characters, ending with `ellipsis` when cut. */
export function shorten(text: string, limit: number, ellipsis: string): string {
  if (text.length <= limit) return text;
  if (limit <= ellipsis.length) return text.slice(0, Math.max(0, limit));
  return text.slice(0, limit - ellipsis.length) + ellipsis;
}

/** The rendered lines of one step (an assistant turn with its tool results), tool results cut to `resultCharacters`. */
function renderStep(trajectory: Trajectory, stepIndex: number, format: TrajectoryFormat, resultCharacters: number): string {
  const step = trajectory.steps[stepIndex];
  if (!step) return '';
  const message = trajectory.messages[step.messageIndex];
  const number = stepIndex + 1;
  const lines: string[] = [];
  if (step.kind === 'invalid') {
    lines.push(renderTemplate(format.invalid, { step: number, error: shorten(collapseWhitespace(step.error ?? 'unparsable output'), format.maxArgumentCharacters, format.ellipsis) }));
  }
  if (message?.role !== 'assistant') return lines.join(format.lineSeparator);
  const calls = message.tool_calls ?? [];
  const nextAssistant = trajectory.messages.findIndex((candidate, index) => index > step.messageIndex && candidate.role === 'assistant');
  const results = trajectory.messages.slice(step.messageIndex + 1, nextAssistant < 0 ? undefined : nextAssistant);
  for (const call of calls) {
    let line = renderTemplate(format.call, {
      step: number,
      name: call.function.name,
      arguments: shorten(collapseWhitespace(call.function.arguments), format.maxArgumentCharacters, format.ellipsis),
    });
    const result = results.find((candidate) => candidate.role === 'tool' && candidate.tool_call_id === call.id);
    if (result?.role === 'tool' && resultCharacters > 0) {
      line += renderTemplate(format.result, { result: shorten(collapseWhitespace(result.content), resultCharacters, format.ellipsis) });
    }
    lines.push(line);
  }
  if (calls.length === 0 && step.kind !== 'invalid') {
    lines.push(renderTemplate(format.answer, { step: number, answer: shorten(collapseWhitespace(message.content ?? ''), format.maxArgumentCharacters, format.ellipsis) }));
  }
  return lines.join(format.lineSeparator);
}

/** Joins the kept step blocks in order; each run of left-out steps becomes one `omitted` line. */
function assemble(blocks: readonly string[], kept: ReadonlySet<number>, format: TrajectoryFormat): string {
  const parts: string[] = [];
  let omitted = 0;
  blocks.forEach((block, index) => {
    if (kept.has(index)) {
      if (omitted > 0) parts.push(renderTemplate(format.omitted, { count: omitted }));
      omitted = 0;
      parts.push(block);
    } else {
      omitted += 1;
    }
  });
  if (omitted > 0) parts.push(renderTemplate(format.omitted, { count: omitted }));
  return parts.join(format.lineSeparator);
}

/**
 * Renders a trajectory for a repair prompt within `format.maxCharacters`: one line per tool call
 * (name, arguments cut to `maxArgumentCharacters`, its result cut to `maxToolResultCharacters`),
 * the final answer, invalid steps; steps numbered from 1. When it does not fit, tool results are
 * cut shorter, then left out; then steps are left out (marked), keeping `mustKeepSteps` (the
 * offending steps, indexes from 0) and the last step first, then as many earlier steps as fit, in
 * order. The result never exceeds `maxCharacters`.
 */
export function renderTrajectoryForRepair(trajectory: Trajectory, format: TrajectoryFormat, mustKeepSteps: readonly number[] = []): string {
  const count = trajectory.steps.length;
  if (count === 0) return shorten(format.empty, format.maxCharacters, format.ellipsis);
  const all = new Set(Array.from({ length: count }, (_unused, index) => index));
  const resultBudgets = [...new Set([format.maxToolResultCharacters, Math.floor(format.maxToolResultCharacters / 2), Math.min(16, format.maxToolResultCharacters), 0])];
  let blocks: string[] = [];
  for (const budget of resultBudgets) {
    blocks = Array.from({ length: count }, (_unused, index) => renderStep(trajectory, index, format, budget));
    const whole = assemble(blocks, all, format);
    if (whole.length <= format.maxCharacters) return whole;
  }
  const kept = new Set([...mustKeepSteps.filter((step) => step >= 0 && step < count), count - 1]);
  for (let index = 0; index < count; index += 1) {
    if (kept.has(index)) continue;
    kept.add(index);
    if (assemble(blocks, kept, format).length > format.maxCharacters) kept.delete(index);
  }
  return shorten(assemble(blocks, kept, format), format.maxCharacters, format.ellipsis);
}
