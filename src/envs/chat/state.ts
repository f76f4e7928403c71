import { z } from 'zod';

/** A person's account in the workspace. `handle` is how tools and messages name them ("maria.lopez"). */
export const chatUserSchema = z.object({
  handle: z.string(),
  name: z.string(),
  email: z.string(),
  title: z.string(),
  /** Owners and admins manage the workspace; guests are outside collaborators limited to some channels. */
  accountType: z.enum(['owner', 'admin', 'member', 'guest']),
  timezone: z.string(),
  statusText: z.string(),
  /** Deactivated accounts keep their history but cannot receive messages or join channels. */
  active: z.boolean(),
});
export type ChatUser = z.infer<typeof chatUserSchema>;

/** One message posted in a channel. `author` is a user handle; `timestamp` an ISO date-time (UTC). */
export const channelMessageSchema = z.object({
  id: z.string(),
  author: z.string(),
  timestamp: z.string(),
  text: z.string(),
  replyCount: z.number().int().nonnegative(),
  reactions: z.array(z.object({ emoji: z.string(), count: z.number().int().positive() })),
});
export type ChannelMessage = z.infer<typeof channelMessageSchema>;

/** A channel: public channels are readable by every member; private ones only by their members. */
export const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  isPrivate: z.boolean(),
  topic: z.string(),
  purpose: z.string(),
  createdBy: z.string(),
  /** Handles of the members. */
  members: z.array(z.string()),
  /** Oldest first. */
  messages: z.array(channelMessageSchema),
});
export type Channel = z.infer<typeof channelSchema>;

/** A direct message between two users (`from` and `to` are handles). */
export const directMessageSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  timestamp: z.string(),
  text: z.string(),
});
export type DirectMessage = z.infer<typeof directMessageSchema>;

/** A page on the public web that `get_webpage` can fetch. */
export const webPageSchema = z.object({
  url: z.string(),
  title: z.string(),
  content: z.string(),
});
export type WebPage = z.infer<typeof webPageSchema>;

/** Content the assistant sent to a URL (an HTTP POST: publishing a page, a form, a webhook). */
export const webRequestSchema = z.object({
  id: z.string(),
  url: z.string(),
  content: z.string(),
  sentBy: z.string(),
  timestamp: z.string(),
});
export type WebRequest = z.infer<typeof webRequestSchema>;

/** A pending invitation to join the workspace. */
export const workspaceInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  accountType: z.enum(['member', 'guest']),
  invitedBy: z.string(),
  timestamp: z.string(),
});
export type WorkspaceInvitation = z.infer<typeof workspaceInvitationSchema>;

/** The whole chat workspace as the signed-in user (`currentUser`) sees and changes it. */
export const chatStateSchema = z.object({
  workspace: z.object({ name: z.string(), domain: z.string(), url: z.string() }),
  /** Handle of the user the assistant acts for. */
  currentUser: z.string(),
  /** The fixed "now" of the episode (ISO date-time, UTC); new messages get this timestamp. */
  now: z.string(),
  users: z.array(chatUserSchema),
  channels: z.array(channelSchema),
  directMessages: z.array(directMessageSchema),
  webPages: z.array(webPageSchema),
  webRequests: z.array(webRequestSchema),
  invitations: z.array(workspaceInvitationSchema),
});
export type ChatState = z.infer<typeof chatStateSchema>;
