import { z } from 'zod';
import { readDataFile } from '../envs/data-file.js';
import { failureTypeSchema } from '../suites/diagnosis-labels.js';

/** The two renderings of a repair prompt: `compact` for the embedded tiny policy, `plain` for real LLMs. */
export const repairPromptStyleSchema = z.enum(['plain', 'compact']);
export type RepairPromptStyle = z.infer<typeof repairPromptStyleSchema>;

/** A repair-prompt template as kept in `data/templates/repair-<style>.json`. */
export const repairTemplateSchema = z
  .object({
    description: z.string().optional(),
    style: repairPromptStyleSchema,
    /** The user message; placeholders {request}, {trajectory}, {feedback}, {failureType}. */
    message: z.string().min(1),
    trajectory: z
      .object({
        /** Budget of the rendered trajectory, in characters. */
        maxCharacters: z.number().int().min(40),
        maxArgumentCharacters: z.number().int().min(2),
        maxToolResultCharacters: z.number().int().min(0),
        /** One tool call: {step}, {name}, {arguments}. */
        call: z.string(),
        /** Appended to its call: {result}. */
        result: z.string(),
        /** The final answer: {step}, {answer}. */
        answer: z.string(),
        /** An invalid step: {step}, {error}. */
        invalid: z.string(),
        /** A trajectory without steps. */
        empty: z.string(),
        /** Stands for left-out steps: {count}. */
        omitted: z.string(),
        lineSeparator: z.string(),
        ellipsis: z.string(),
      })
      .strict(),
    feedback: z
      .object({
        /** One lost objective with its step: {objective}, {value}, {threshold}, {step}, {reason}. */
        withStep: z.string(),
        /** One lost objective without a step: {objective}, {value}, {threshold}, {reason}. */
        withoutStep: z.string(),
        lineSeparator: z.string(),
        objectiveNames: z.object({ security: z.string(), utility: z.string(), overRefusal: z.string(), control: z.string() }).strict(),
      })
      .strict(),
    /** How each failure type is named in {failureType}. */
    failureTypes: z.record(failureTypeSchema, z.string()),
  })
  .strict();
export type RepairTemplate = z.infer<typeof repairTemplateSchema>;

const cache = new Map<RepairPromptStyle, RepairTemplate>();

/** Loads (once) and validates the repair-prompt template of a style from `data/templates/`. */
export function loadRepairTemplate(style: RepairPromptStyle): RepairTemplate {
  let template = cache.get(style);
  if (!template) {
    template = readDataFile(`templates/repair-${style}.json`, repairTemplateSchema);
    if (template.style !== style) throw new Error(`data/templates/repair-${style}.json: field style: expected "${style}", got "${template.style}"`);
    cache.set(style, template);
  }
  return template;
}
