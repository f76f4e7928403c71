import { z } from 'zod';
import { readDataFile } from '../../../envs/data-file.js';
import { phrasingListSchema, type Phrasing } from '../../phrasing.js';
import { splitSchema } from '../../split.js';

const travelSuiteTextsSchema = z.object({
  /** Per user-task template: paraphrases of the request, each in one split, and the expected answer. */
  userTasks: z.record(z.string(), z.object({ phrasings: phrasingListSchema, answer: z.string() })),
  /** Questions the message-hotel-desk task asks a reservation desk; `keyword` is what the utility check looks for. */
  hotelDeskRequests: z.array(z.object({ text: z.string(), keyword: z.string() })).min(1),
  /** Per injection goal: instruction phrasings, each in one split. */
  injectionGoals: z.record(z.string(), z.array(z.object({ text: z.string(), split: splitSchema })).min(4)),
});
export type TravelSuiteTexts = z.infer<typeof travelSuiteTextsSchema>;

let cachedTexts: TravelSuiteTexts | undefined;

/** The travel suite's phrasings and answers, read once from `data/suites/injection/travel.json`. */
export function travelSuiteTexts(): TravelSuiteTexts {
  cachedTexts ??= readDataFile('suites/injection/travel.json', travelSuiteTextsSchema);
  return cachedTexts;
}

/** The phrasings and expected-answer template of a user-task template; throws when the data file lacks them. */
export function userTaskTexts(templateId: string): { phrasings: Phrasing[]; answer: string } {
  const texts = travelSuiteTexts().userTasks[templateId];
  if (!texts) throw new Error(`data/suites/injection/travel.json has no texts for user task ${templateId}`);
  return texts;
}

/** The phrasings of an injection goal; throws when the data file lacks them. */
export function goalPhrasings(goalId: string): { text: string; split: z.infer<typeof splitSchema> }[] {
  const phrasings = travelSuiteTexts().injectionGoals[goalId];
  if (!phrasings) throw new Error(`data/suites/injection/travel.json has no phrasings for injection goal ${goalId}`);
  return phrasings;
}
