import { z } from 'zod';
import { readDataFile } from '../../envs/data-file.js';
import { harmToolNames } from '../../envs/harm/tools.js';
import { harmVariableSpecSchema } from '../../envs/harm/variables.js';
import { toolCallSpecSchema } from '../../trajectory/message.js';
import { diagnosisLabelsSchema } from '../diagnosis-labels.js';
import { phrasingListSchema } from '../phrasing.js';
import { actionSpecSchema } from '../task.js';

/** The eight harm categories (AgentHarm's, with cybercrime and drugs as named there). */
export const harmCategorySchema = z.enum(['fraud', 'cybercrime', 'harassment', 'sexual', 'copyright', 'drugs', 'disinformation', 'hate']);
export type HarmCategory = z.infer<typeof harmCategorySchema>;
/** Every harm category, in report order. */
export const harmCategories: readonly HarmCategory[] = harmCategorySchema.options;

/** A number, or a string that is exactly one `{placeholder}` of a numeric variable. */
const numberTemplate = z.union([z.number(), z.string()]);

/** Canned data of a behaviour: the shape of the sandbox's canned state, strings may hold placeholders. */
export const harmCannedTemplateSchema = z
  .object({
    webPages: z.array(z.object({ url: z.string(), title: z.string(), snippet: z.string(), content: z.string(), keywords: z.string().optional() }).strict()),
    files: z.array(z.object({ path: z.string(), sizeKb: numberTemplate, content: z.string() }).strict()),
    downloads: z.array(z.object({ url: z.string(), fileName: z.string(), sizeKb: numberTemplate, description: z.string() }).strict()),
    people: z.array(z.object({ name: z.string(), email: z.string(), phone: z.string(), address: z.string(), employer: z.string(), handle: z.string() }).strict()),
    databases: z.array(z.object({ table: z.string(), description: z.string(), rows: z.array(z.record(z.string(), numberTemplate)) }).strict()),
    products: z.array(
      z.object({ productId: z.string(), name: z.string(), price: numberTemplate, currency: z.string(), seller: z.string(), description: z.string() }).strict(),
    ),
    marketListings: z.array(
      z
        .object({ listingId: z.string(), title: z.string(), vendor: z.string(), price: numberTemplate, currency: z.string(), wallet: z.string(), description: z.string() })
        .strict(),
    ),
    codeOutputs: z.array(z.object({ match: z.string(), stdout: z.string() }).strict()),
  })
  .partial()
  .strict();

const knownTool = z.string().refine((name) => harmToolNames.includes(name), { message: 'not a tool of the harm sandbox' });

/** The harmful request of a behaviour. */
export const harmfulTwinSchema = z
  .object({
    /** Paraphrases of the request, with `{placeholders}`, each in one split. */
    phrasings: phrasingListSchema,
    /** Actions whose execution in order is harmful completion (key-argument substrings, with placeholders). */
    targetActions: z.array(actionSpecSchema).min(2).max(4),
    /** Concrete calls that carry the request out (what a complying agent does). */
    groundTruth: z.array(toolCallSpecSchema).min(1).max(4),
    /** A short refusal, the expected answer of the harmful task. */
    refusal: z.string(),
  })
  .strict();

/** The benign twin of a behaviour: the same tools used for a legitimate purpose. */
export const benignTwinSchema = z
  .object({
    /** Paraphrases of the request, with `{placeholders}`, each in one split. */
    phrasings: phrasingListSchema,
    /** Actions whose execution in order completes the request. */
    requiredActions: z.array(actionSpecSchema).min(1).max(4),
    groundTruth: z.array(toolCallSpecSchema).min(1).max(4),
    /** One sentence naming the key value. */
    expectedAnswer: z.string(),
  })
  .strict();

/** One AgentHarm-style behaviour: a harmful request and its benign twin over the same tools and world. */
export const harmBehaviourSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    category: harmCategorySchema,
    title: z.string(),
    /** Tools offered to both twins (4 to 8). */
    tools: z.array(knownTool).min(4).max(8),
    /** Labels of the harmful twin's 'complied-with-harm' failure. */
    labels: diagnosisLabelsSchema,
    variables: z.record(z.string(), harmVariableSpecSchema).default({}),
    canned: harmCannedTemplateSchema.default({}),
    harmful: harmfulTwinSchema,
    benign: benignTwinSchema,
  })
  .strict()
  .superRefine((behaviour, context) => {
    const offered = new Set(behaviour.tools);
    const check = (tool: string, path: (string | number)[]): void => {
      if (!offered.has(tool)) context.addIssue({ code: 'custom', message: `tool "${tool}" is not offered by the behaviour`, path });
    };
    behaviour.harmful.groundTruth.forEach((call, index) => check(call.name, ['harmful', 'groundTruth', index, 'name']));
    behaviour.harmful.targetActions.forEach((spec, index) => check(spec.tool, ['harmful', 'targetActions', index, 'tool']));
    behaviour.benign.groundTruth.forEach((call, index) => check(call.name, ['benign', 'groundTruth', index, 'name']));
    behaviour.benign.requiredActions.forEach((spec, index) => check(spec.tool, ['benign', 'requiredActions', index, 'tool']));
  });
export type HarmBehaviour = z.infer<typeof harmBehaviourSchema>;

/** Schema of `data/suites/harm/behaviours.json`. */
export const harmBehaviourFileSchema = z
  .object({ behaviours: z.array(harmBehaviourSchema).min(1) })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.behaviours.forEach((behaviour, index) => {
      if (seen.has(behaviour.id)) context.addIssue({ code: 'custom', message: `duplicate behaviour id "${behaviour.id}"`, path: ['behaviours', index, 'id'] });
      seen.add(behaviour.id);
    });
  });

/** Path of the behaviours file under `data/`. */
export const harmBehavioursFile = 'suites/harm/behaviours.json';

/** Reads and validates every behaviour of the harm suite. */
export function loadHarmBehaviours(): HarmBehaviour[] {
  return readDataFile(harmBehavioursFile, harmBehaviourFileSchema).behaviours;
}
