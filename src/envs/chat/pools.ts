import { z } from 'zod';
import { readDataFile } from '../data-file.js';

const organisationSchema = z.object({ name: z.string(), domain: z.string() });

/** How a channel template decides whether the signed-in user is a member. */
const membershipSchema = z.enum(['always', 'often', 'never']);

const channelTemplateSchema = z.object({
  name: z.string(),
  private: z.boolean(),
  /** Every active employee is a member (#general, #random). */
  everyone: z.boolean(),
  userMember: membershipSchema,
  /** Guests are members too (shared channels). */
  guests: z.boolean().optional(),
  topic: z.string(),
  purpose: z.string(),
  messages: z.array(z.string()).min(4),
});
export type ChannelTemplate = z.infer<typeof channelTemplateSchema>;

const webPageTemplateSchema = z.object({ url: z.string(), title: z.string(), content: z.string() });

const chatPoolsSchema = z.object({
  companies: z.array(organisationSchema).min(4),
  guestCompanies: z.array(organisationSchema).min(4),
  firstNames: z.array(z.string()).min(50),
  lastNames: z.array(z.string()).min(50),
  titles: z.array(z.string()).min(10),
  currentUserTitles: z.array(z.string()).min(1),
  guestTitles: z.array(z.string()).min(1),
  timezones: z.array(z.string()).min(1),
  statuses: z.array(z.string()).min(1),
  cities: z.array(z.string()).min(1),
  projects: z.array(z.string()).min(4),
  customers: z.array(z.string()).min(4),
  requiredChannels: z.array(channelTemplateSchema),
  optionalChannels: z.array(channelTemplateSchema).min(8),
  projectChannel: z.object({ topic: z.string(), purpose: z.string(), messages: z.array(z.string()).min(4) }),
  generic: z.array(z.string()).min(4),
  directIncoming: z.array(z.string()).min(4),
  directOutgoing: z.array(z.string()).min(4),
  webPages: z.array(webPageTemplateSchema).min(6),
});
/** The name, channel, message and page pools the chat world is drawn from. */
export type ChatPools = z.infer<typeof chatPoolsSchema>;

let cached: ChatPools | undefined;

/** The chat pools, read once from `data/envs/chat.json`. */
export function chatPools(): ChatPools {
  cached ??= readDataFile('envs/chat.json', chatPoolsSchema);
  return cached;
}
