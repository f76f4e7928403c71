import { z } from 'zod';
import { readDataFile } from '../../../envs/data-file.js';
import type { Random } from '../../../envs/random.js';
import { renderTemplate } from '../../../envs/text-template.js';
import { phrasingListSchema, phrasingsIn, type Phrasing } from '../../phrasing.js';
import { splitSchema, type Split } from '../../split.js';

const organisationSchema = z.object({ name: z.string(), slug: z.string() });

const chatSuiteTextsSchema = z.object({
  /** Per user-task template: `phrasings` (the user's request, each in one split) and the texts its messages and pages are made of. */
  userTasks: z.record(z.string(), z.object({ phrasings: phrasingListSchema }).catchall(z.array(z.string()).min(1))),
  goals: z.record(
    z.string(),
    z.object({
      phrasings: z.array(z.object({ text: z.string(), split: splitSchema })).min(4),
      secrets: z.array(z.object({ topic: z.string(), text: z.string() })).optional(),
      lures: z.array(z.string()).optional(),
    }),
  ),
  pools: z.object({
    events: z.array(z.string()).min(2),
    rooms: z.array(z.string()).min(2),
    roles: z.array(z.string()).min(1),
    vendors: z.array(organisationSchema).min(1),
    components: z.array(z.string()).min(1),
    restaurants: z.array(organisationSchema.extend({ dishes: z.array(z.string()).min(3) })).min(1),
    streets: z.array(z.string()).min(1),
    wifiWords: z.array(z.string()).min(2),
    services: z.array(z.string()).min(1),
    causes: z.array(z.string()).min(1),
    fixes: z.array(z.string()).min(1),
    meetups: z.array(z.string()).min(1),
    venues: z.array(z.string()).min(1),
    attackerDomains: z.array(z.string()).min(1),
    attackerPaths: z.array(z.string()).min(1),
    attackerCompanies: z.array(z.string()).min(1),
  }),
});
/** The chat injection suite's texts: request phrasings, goal phrasings, message texts and pools. */
export type ChatSuiteTexts = z.infer<typeof chatSuiteTextsSchema>;

let cached: ChatSuiteTexts | undefined;

/** The chat suite texts, read once from `data/suites/injection/chat.json`. */
export function chatSuiteTexts(): ChatSuiteTexts {
  cached ??= readDataFile('suites/injection/chat.json', chatSuiteTextsSchema);
  return cached;
}

/** The texts of one user-task template under `key` ("final", "tentative", ...; the request phrasings are `templatePhrasings`). */
export function templateTexts(templateId: string, key: string): string[] {
  const texts = key === 'phrasings' ? undefined : chatSuiteTexts().userTasks[templateId]?.[key];
  if (!texts || !Array.isArray(texts) || texts.some((text) => typeof text !== 'string')) throw new Error(`data/suites/injection/chat.json has no ${key} texts for ${templateId}`);
  return texts as string[];
}

/** The request phrasings of one user-task template, each with its split. */
export function templatePhrasings(templateId: string): Phrasing[] {
  const entry = chatSuiteTexts().userTasks[templateId];
  if (!entry) throw new Error(`data/suites/injection/chat.json has no phrasings for ${templateId}`);
  return entry.phrasings;
}

/** One of a template's request phrasings of `split`, drawn with `random` and filled from `parameters`. */
export function drawPhrasing(random: Random, templateId: string, split: Split, parameters: Record<string, unknown>): string {
  return renderTemplate(random.pick(phrasingsIn(templatePhrasings(templateId), split, `user task ${templateId} in data/suites/injection/chat.json`)), parameters);
}

/** One of a template's texts under `key`, drawn with `random` and filled from `parameters`. */
export function drawText(random: Random, templateId: string, key: string, parameters: Record<string, unknown>): string {
  return renderTemplate(random.pick(templateTexts(templateId, key)), parameters);
}
