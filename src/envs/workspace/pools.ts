import { z } from 'zod';
import { readDataFile } from '../data-file.js';

const messageTemplateSchema = z.object({ subject: z.string(), body: z.string() });

/** The shape of `data/envs/workspace.json`: name pools and text templates for background data. */
export const workspacePoolsSchema = z.object({
  firstNames: z.array(z.string()).min(30),
  lastNames: z.array(z.string()).min(30),
  companies: z.array(z.object({ name: z.string(), domain: z.string() })).min(6),
  jobTitles: z.array(z.string()).min(5),
  projects: z.array(z.string()).min(10),
  rooms: z.array(z.string()).min(5),
  cities: z.array(z.string()).min(8),
  colleagueEmails: z.array(messageTemplateSchema).min(5),
  externalEmails: z.array(messageTemplateSchema).min(5),
  serviceEmails: z.array(messageTemplateSchema.extend({ senderName: z.string(), sender: z.string() })).min(5),
  sentEmails: z.array(messageTemplateSchema).min(3),
  eventTemplates: z
    .array(
      z.object({
        title: z.string(),
        description: z.string(),
        minutes: z.number().int().positive(),
        location: z.string(),
        kind: z.enum(['team', 'external', 'personal']),
      }),
    )
    .min(8),
  fileTemplates: z.array(z.object({ name: z.string(), content: z.string() })).min(8),
});
export type WorkspacePools = z.infer<typeof workspacePoolsSchema>;

let cachedPools: WorkspacePools | undefined;

/** The workspace pools, read once. */
export function workspacePools(): WorkspacePools {
  cachedPools ??= readDataFile('envs/workspace.json', workspacePoolsSchema);
  return cachedPools;
}
