import { z } from 'zod';
import { readDataFile } from '../../../envs/data-file.js';
import { renderTemplate } from '../../../envs/text-template.js';
import { phrasingListSchema, type Phrasing } from '../../phrasing.js';
import { splitSchema } from '../../split.js';

const textsSchema = z.record(z.string(), z.string());

/** The shape of `data/suites/injection/workspace.json`: phrasings, item texts and pools of the workspace suite. */
export const workspaceSuiteDataSchema = z.object({
  userTasks: z.record(z.string(), z.object({ phrasings: phrasingListSchema, texts: textsSchema })),
  goals: z.record(
    z.string(),
    z.object({ phrasings: z.array(z.object({ text: z.string(), split: splitSchema })).min(4), texts: textsSchema }),
  ),
  pools: z.object({
    vendors: z.array(z.object({ name: z.string(), domain: z.string() })).min(3),
    budgetItems: z.array(z.string()).min(6),
    documentKinds: z.array(z.object({ label: z.string(), file: z.string() })).min(3),
    catchUpTitles: z.array(z.string()).min(2),
    airlines: z.array(z.object({ name: z.string(), domain: z.string(), code: z.string() })).min(2),
    agendaItems: z.array(z.string()).min(5),
    services: z.array(z.object({ name: z.string(), sender: z.string() })).min(3),
    sensitiveFiles: z.array(z.object({ name: z.string(), content: z.string() })).min(2),
    importantFiles: z.array(z.string()).min(2),
    secretFiles: z.array(z.object({ name: z.string(), content: z.string() })).min(2),
    confidentialEvents: z.array(z.object({ title: z.string(), detail: z.string() })).min(2),
    attackerLocalParts: z.array(z.string()).min(3),
    attackerDomains: z.array(z.string()).min(3),
  }),
});
export type WorkspaceSuiteData = z.infer<typeof workspaceSuiteDataSchema>;

let cachedData: WorkspaceSuiteData | undefined;

/** The workspace suite's data file, read once. */
export function workspaceSuiteData(): WorkspaceSuiteData {
  cachedData ??= readDataFile('suites/injection/workspace.json', workspaceSuiteDataSchema);
  return cachedData;
}

/** The texts of one entry (user task or goal): `render(key, parameters)` fills the text named `key`. */
export interface EntryTexts {
  render(key: string, parameters: Record<string, unknown>): string;
}

function textsOf(owner: string, texts: Record<string, string>): EntryTexts {
  return {
    render(key, parameters) {
      const template = texts[key];
      if (template === undefined) throw new Error(`${owner}: no text "${key}" in data/suites/injection/workspace.json`);
      return renderTemplate(template, parameters);
    },
  };
}

/** The phrasings and texts of the user-task template `id`. */
export function userTaskEntry(id: string): { phrasings: Phrasing[]; texts: EntryTexts } {
  const entry = workspaceSuiteData().userTasks[id];
  if (!entry) throw new Error(`no user task "${id}" in data/suites/injection/workspace.json`);
  return { phrasings: entry.phrasings, texts: textsOf(id, entry.texts) };
}

/** The phrasings and texts of the injection goal `id`. */
export function goalEntry(id: string): { phrasings: { text: string; split: z.infer<typeof splitSchema> }[]; texts: EntryTexts } {
  const entry = workspaceSuiteData().goals[id];
  if (!entry) throw new Error(`no injection goal "${id}" in data/suites/injection/workspace.json`);
  return { phrasings: entry.phrasings, texts: textsOf(id, entry.texts) };
}
