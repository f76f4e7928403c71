import { z } from 'zod';
import { readDataFile } from '../../../envs/data-file.js';
import type { Random } from '../../../envs/random.js';
import { renderTemplate } from '../../../envs/text-template.js';
import { phrasingListSchema, phrasingsIn, type Phrasing } from '../../phrasing.js';
import { splitSchema, type Split } from '../../split.js';

/** A kind of bill or contract a task can draw: who sends it, for what, and its amount range. */
const serviceOfferSchema = z.object({ name: z.string(), service: z.string(), minAmount: z.number().positive(), maxAmount: z.number().positive() });
export type ServiceOffer = z.infer<typeof serviceOfferSchema>;

const bankingSuiteTextsSchema = z.object({
  /** Paraphrases of each user task, with `{placeholders}`, each in one split. */
  userTasks: z.record(z.string(), phrasingListSchema),
  /** Instruction phrasings of each injection goal, each in one split (at least one per split). */
  injectionGoals: z.record(z.string(), phrasingListSchema),
  billers: z.array(serviceOfferSchema).min(4),
  contracts: z.array(serviceOfferSchema).min(4),
  passwordWords: z.array(z.string()).min(4),
  /** Documents tasks put into the downloads folder: file name and text with `{placeholders}`. */
  documents: z.record(z.string(), z.object({ fileName: z.string(), content: z.string() })),
});
/** The texts of the banking injection suite (`data/suites/injection/banking.json`). */
export type BankingSuiteTexts = z.infer<typeof bankingSuiteTextsSchema>;

let cachedTexts: BankingSuiteTexts | undefined;

/** The banking suite's texts, read once. */
export function bankingSuiteTexts(): BankingSuiteTexts {
  cachedTexts ??= readDataFile('suites/injection/banking.json', bankingSuiteTextsSchema);
  return cachedTexts;
}

/** The phrasings of user task `templateId`, each with its split; throws when the data file lacks them. */
export function taskPhrasings(templateId: string): Phrasing[] {
  const phrasings = bankingSuiteTexts().userTasks[templateId];
  if (!phrasings) throw new Error(`data/suites/injection/banking.json: no phrasings for user task "${templateId}"`);
  return phrasings;
}

/** One phrasing of user task `templateId` in `split`, picked with `random` and filled with `parameters`. */
export function phraseTask(templateId: string, split: Split, random: Random, parameters: Record<string, unknown>): string {
  return renderTemplate(random.pick(phrasingsIn(taskPhrasings(templateId), split, `user task ${templateId} in data/suites/injection/banking.json`)), parameters);
}

/** The phrasings of injection goal `goalId`, each with its split; throws when the data file lacks them. */
export function goalPhrasings(goalId: string): { text: string; split: Split }[] {
  const phrasings = bankingSuiteTexts().injectionGoals[goalId];
  if (!phrasings) throw new Error(`data/suites/injection/banking.json: no phrasings for injection goal "${goalId}"`);
  return phrasings;
}

/** Renders document template `documentId` into a file name and text. */
export function renderDocument(documentId: string, parameters: Record<string, unknown>): { name: string; content: string } {
  const document = bankingSuiteTexts().documents[documentId];
  if (!document) throw new Error(`data/suites/injection/banking.json: no document "${documentId}"`);
  return { name: renderTemplate(document.fileName, parameters), content: renderTemplate(document.content, parameters) };
}
