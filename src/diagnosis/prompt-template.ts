import { z } from 'zod';
import { readDataFile } from '../envs/data-file.js';
import { diagnosisAnswerFormatSchema } from './answer.js';

/** The two renderings of a diagnosis prompt: `compact` for the embedded tiny policy, `plain` for real LLMs. */
export const diagnosisPromptStyleSchema = z.enum(['plain', 'compact']);
export type DiagnosisPromptStyle = z.infer<typeof diagnosisPromptStyleSchema>;

/** How a trajectory is written inside a diagnosis prompt. */
export const diagnosisTrajectoryFormatSchema = z
  .object({
    /** Budget of the rendered trajectory, in characters. */
    maxCharacters: z.number().int().min(40),
    /** Most characters of one user or assistant text. */
    maxTextCharacters: z.number().int().min(8),
    /** Most characters of one tool call's arguments. */
    maxArgumentCharacters: z.number().int().min(2),
    /** Most characters of one tool result (halved, then quartered, when the whole does not fit). */
    maxToolResultCharacters: z.number().int().min(0),
    /** The system message: {content}; null leaves it out. */
    system: z.string().nullable(),
    /** A user message: {content}. */
    user: z.string(),
    /** Assistant text (a final answer, or the thought before a call): {content}. */
    assistant: z.string(),
    /** One tool call: {name}, {arguments}. */
    call: z.string(),
    /** One tool result: {name} (the tool it answers), {content}. */
    result: z.string(),
    /** A conversation without messages. */
    empty: z.string(),
    /** Stands for left-out messages: {count}. */
    omitted: z.string(),
    lineSeparator: z.string(),
    /** Marks where a text was cut (its beginning and end are kept). */
    ellipsis: z.string(),
  })
  .strict();
export type DiagnosisTrajectoryFormat = z.infer<typeof diagnosisTrajectoryFormatSchema>;

/** A diagnosis-prompt template as kept in `data/templates/diagnosis-<style>.json`. */
export const diagnosisTemplateSchema = z
  .object({
    description: z.string().optional(),
    style: diagnosisPromptStyleSchema,
    /**
     * The user message; placeholders {trajectory}, {tools}, {riskSources}, {failureModes},
     * {realWorldHarms} (ATBench's vocabulary, joined by `labelSeparator`), each optional.
     */
    message: z.string().min(1),
    tools: z
      .object({
        /** One offered tool: {name}, {description} (its first sentence, cut to maxDescriptionCharacters). */
        line: z.string(),
        maxDescriptionCharacters: z.number().int().min(0),
        lineSeparator: z.string(),
        /** When no tool was offered. */
        none: z.string(),
      })
      .strict(),
    trajectory: diagnosisTrajectoryFormatSchema,
    labelSeparator: z.string(),
    /** How the expected answer is written (the message should ask for it): `json` or `lines`, see {@link diagnosisAnswerFormatSchema}. */
    answerFormat: diagnosisAnswerFormatSchema,
  })
  .strict();
export type DiagnosisTemplate = z.infer<typeof diagnosisTemplateSchema>;

const cache = new Map<DiagnosisPromptStyle, DiagnosisTemplate>();

/** Loads (once) and validates the diagnosis-prompt template of a style from `data/templates/`. */
export function loadDiagnosisTemplate(style: DiagnosisPromptStyle): DiagnosisTemplate {
  let template = cache.get(style);
  if (!template) {
    template = readDataFile(`templates/diagnosis-${style}.json`, diagnosisTemplateSchema);
    if (template.style !== style) throw new Error(`data/templates/diagnosis-${style}.json: field style: expected "${style}", got "${template.style}"`);
    cache.set(style, template);
  }
  return template;
}

/** The prompt style a policy spec gets by default: compact for the embedded `tiny` policy, plain otherwise. */
export function defaultDiagnosisPromptStyle(policySpec: string): DiagnosisPromptStyle {
  return policySpec === 'tiny' || policySpec.startsWith('tiny:') ? 'compact' : 'plain';
}
