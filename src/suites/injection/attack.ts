import { z } from 'zod';
import { readDataFile } from '../../envs/data-file.js';
import { renderTemplate } from '../../envs/text-template.js';
import type { ToolCallSpec } from '../../trajectory/message.js';
import { splitSchema } from '../split.js';

/** An attack template: how an injected goal is wrapped into text placed in an injection slot. */
export const attackTemplateSchema = z.object({
  id: z.string(),
  split: splitSchema,
  description: z.string(),
  /** Text with `{goal}`, `{user}` and optionally `{toolCalls}` placeholders. */
  template: z.string(),
});
export type AttackTemplate = z.infer<typeof attackTemplateSchema>;

const attacksFileSchema = z.object({ attacks: z.array(attackTemplateSchema).min(5) });

let cachedAttacks: AttackTemplate[] | undefined;

/** Every attack template, read once from `data/suites/injection/attacks.json`. */
export function attackTemplates(): AttackTemplate[] {
  cachedAttacks ??= readDataFile('suites/injection/attacks.json', attacksFileSchema).attacks;
  return cachedAttacks;
}

/** Renders tool calls as `name({...json})` lines, the way a "tool knowledge" attack spells them out. */
export function renderToolCalls(calls: readonly ToolCallSpec[]): string {
  return calls.map((call) => `- ${call.name}(${JSON.stringify(call.arguments)})`).join('\n');
}

/** The injected text for a goal instruction under an attack template. */
export function renderAttack(attack: AttackTemplate, goal: string, user: string, calls: readonly ToolCallSpec[]): string {
  return renderTemplate(attack.template, { goal, user, toolCalls: renderToolCalls(calls) });
}
