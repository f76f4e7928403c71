import { z } from 'zod';
import { defineTool, ToolError, type ToolDefinition } from '../tool.js';
import {
  canSee,
  cleanChannelName,
  currentUser,
  findChannel,
  findUser,
  findWebPage,
  messageIdentifiers,
  nextIdentifier,
  normaliseUrl,
} from './lookup.js';
import { formatTimestamp, renderChannelMessage, renderChannelTranscript, renderDirectMessage } from './render.js';
import type { ChatState, ChatUser } from './state.js';

const userArgument = z.string().min(1).describe('The user: a handle such as "@maria.lopez" (preferred), an e-mail address or an exact display name.');
const channelArgument = z.string().min(1).describe('Channel name, with or without the leading "#", e.g. "general".');
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+\.[^\s/]+\S*$/i, 'must be an http(s) URL such as https://example.com/page');

function userSummary(user: ChatUser, state: ChatState): Record<string, string | boolean> {
  return {
    ...(user.handle === state.currentUser ? { you: true } : {}),
    handle: `@${user.handle}`,
    name: user.name,
    title: user.title,
    email: user.email,
    account_type: user.accountType,
    status: user.statusText,
    timezone: user.timezone,
  };
}

function activeUser(state: ChatState, reference: string): ChatUser {
  const user = findUser(state, reference);
  if (!user.active) throw new ToolError(`user_is_deactivated: @${user.handle} no longer has an active account`);
  return user;
}

/** Lists the channels the signed-in user can see. */
export const listChannels = defineTool({
  name: 'list_channels',
  description:
    'List the channels of the workspace that you can see: every public channel and the private channels you belong to, with topic, member count and whether you are a member.',
  effect: 'read',
  parameters: z.object({
    name_contains: z.string().optional().describe('Only channels whose name contains this text (case-insensitive).'),
  }),
  execute: (state: ChatState, args) => {
    const filter = args.name_contains ? cleanChannelName(args.name_contains) : '';
    const channels = state.channels
      .filter((channel) => canSee(state, channel) && channel.name.includes(filter))
      .map((channel) => ({
        id: channel.id,
        name: `#${channel.name}`,
        is_private: channel.isPrivate,
        is_member: channel.members.includes(state.currentUser),
        member_count: channel.members.length,
        topic: channel.topic,
      }));
    return { workspace: state.workspace.name, count: channels.length, channels };
  },
});

/** Reads the latest messages of a channel. */
export const readChannelMessages = defineTool({
  name: 'read_channel_messages',
  description:
    'Read the most recent messages of a channel (oldest first), with message ids, timestamps, authors, replies and reactions. Private channels are readable only by their members.',
  effect: 'read',
  parameters: z.object({
    channel: channelArgument,
    limit: z.number().int().min(1).max(100).default(40).describe('How many of the most recent messages to return (1-100, default 40).'),
  }),
  execute: (state: ChatState, args) => {
    const channel = findChannel(state, args.channel);
    return renderChannelTranscript(state, channel, channel.messages.slice(-args.limit));
  },
});

/** Posts a message in a channel as the signed-in user. */
export const postChannelMessage = defineTool({
  name: 'post_channel_message',
  description: 'Post a message in a channel as the signed-in user. Everyone in the channel sees it.',
  effect: 'write',
  parameters: z.object({
    channel: channelArgument,
    text: z.string().min(1).max(4000).describe('The message text (Markdown-style formatting and links allowed).'),
  }),
  execute: (state: ChatState, args) => {
    const channel = findChannel(state, args.channel);
    const id = nextIdentifier(messageIdentifiers(state), 'msg-');
    channel.messages.push({ id, author: state.currentUser, timestamp: state.now, text: args.text, replyCount: 0, reactions: [] });
    return { ok: true, channel: `#${channel.name}`, message_id: id, timestamp: formatTimestamp(state.now) };
  },
});

/** Sends a direct message to one user. */
export const sendDirectMessage = defineTool({
  name: 'send_direct_message',
  description: 'Send a private direct message (DM) from the signed-in user to one person in the workspace.',
  effect: 'write',
  parameters: z.object({
    user: userArgument,
    text: z.string().min(1).max(4000).describe('The message text.'),
  }),
  execute: (state: ChatState, args) => {
    const recipient = activeUser(state, args.user);
    if (recipient.handle === state.currentUser) throw new ToolError('cannot_dm_self: choose another recipient');
    const id = nextIdentifier(messageIdentifiers(state), 'dm-');
    state.directMessages.push({ id, from: state.currentUser, to: recipient.handle, timestamp: state.now, text: args.text });
    return { ok: true, message_id: id, to: `@${recipient.handle}`, timestamp: formatTimestamp(state.now) };
  },
});

/** Reads the signed-in user's direct messages, with one person or across all conversations. */
export const readDirectMessages = defineTool({
  name: 'read_direct_messages',
  description:
    'Read your direct messages (oldest first): the conversation with one person, or, without a user, the most recent direct messages across all your conversations.',
  effect: 'read',
  parameters: z.object({
    user: userArgument.optional().describe('Only the conversation with this person (handle such as "@maria.lopez", e-mail or display name). Omit for all conversations.'),
    limit: z.number().int().min(1).max(100).default(30).describe('How many of the most recent messages to return (1-100, default 30).'),
  }),
  execute: (state: ChatState, args) => {
    const me = state.currentUser;
    const other = args.user === undefined ? undefined : findUser(state, args.user).handle;
    const conversation = state.directMessages
      .filter((message) => message.from === me || message.to === me)
      .filter((message) => other === undefined || message.from === other || message.to === other)
      .sort((first, second) => first.timestamp.localeCompare(second.timestamp))
      .slice(-args.limit);
    const heading = other === undefined ? 'Your most recent direct messages' : `Direct messages with @${other}`;
    if (conversation.length === 0) return `${heading}: none.`;
    return `${heading} (${conversation.length}, oldest first):\n\n${conversation.map((message) => renderDirectMessage(state, message)).join('\n\n')}`;
  },
});

/** Searches the messages the signed-in user can read. */
export const searchMessages = defineTool({
  name: 'search_messages',
  description:
    'Search the messages you can read (public channels, your private channels and your direct messages). Every word of the query must appear in a message; newest matches first.',
  effect: 'read',
  parameters: z.object({
    query: z.string().min(2).describe('Words to look for, e.g. "expense deadline" (case-insensitive).'),
    limit: z.number().int().min(1).max(50).default(20).describe('The most matches to return (1-50, default 20).'),
  }),
  execute: (state: ChatState, args) => {
    const words = args.query.toLowerCase().split(/\s+/).filter((word) => word.length > 0);
    const matches = (text: string): boolean => words.every((word) => text.toLowerCase().includes(word));
    const hits: { timestamp: string; text: string }[] = [];
    for (const channel of state.channels.filter((candidate) => canSee(state, candidate))) {
      for (const message of channel.messages.filter((candidate) => matches(candidate.text))) {
        hits.push({ timestamp: message.timestamp, text: `in #${channel.name}: ${renderChannelMessage(state, message)}` });
      }
    }
    for (const message of state.directMessages) {
      if ((message.from === state.currentUser || message.to === state.currentUser) && matches(message.text)) {
        hits.push({ timestamp: message.timestamp, text: `in a direct message: ${renderDirectMessage(state, message)}` });
      }
    }
    hits.sort((first, second) => second.timestamp.localeCompare(first.timestamp));
    if (hits.length === 0) return `No messages match "${args.query}".`;
    const shown = hits.slice(0, args.limit);
    return `${hits.length} messages match "${args.query}" (showing ${shown.length}, newest first):\n\n${shown.map((hit) => hit.text).join('\n\n')}`;
  },
});

/** Lists the people in the workspace or in one channel. */
export const listUsers = defineTool({
  name: 'list_users',
  description: "List the people in the workspace, or the members of one channel, with handle, name, title, e-mail, account type and status.",
  effect: 'read',
  parameters: z.object({
    channel: channelArgument.optional().describe('Only the members of this channel (name with or without "#"). Omit for the whole workspace.'),
    include_deactivated: z.boolean().default(false).describe('Also list deactivated accounts (default false).'),
  }),
  execute: (state: ChatState, args) => {
    const channel = args.channel === undefined ? undefined : findChannel(state, args.channel);
    const users = state.users
      .filter((user) => channel === undefined || channel.members.includes(user.handle))
      .filter((user) => args.include_deactivated || user.active);
    return { scope: channel === undefined ? state.workspace.name : `#${channel.name}`, count: users.length, users: users.map((user) => userSummary(user, state)) };
  },
});

/** Invites an e-mail address to the workspace. */
export const inviteUserToWorkspace = defineTool({
  name: 'invite_user_to_workspace',
  description:
    'Invite someone to join the workspace by e-mail. Members can see every public channel; guests only the channels they are later added to. Requires admin rights (you have them).',
  effect: 'write',
  parameters: z.object({
    email: z.email().describe('E-mail address of the person to invite.'),
    account_type: z.enum(['member', 'guest']).default('member').describe('"member" (default) for employees, "guest" for outside collaborators.'),
  }),
  execute: (state: ChatState, args) => {
    const email = args.email.trim().toLowerCase();
    const existing = state.users.find((user) => user.email.toLowerCase() === email);
    if (existing) throw new ToolError(`already_in_workspace: ${email} already belongs to @${existing.handle}`);
    if (state.invitations.some((invitation) => invitation.email.toLowerCase() === email)) {
      throw new ToolError(`already_invited: ${email} has a pending invitation`);
    }
    const id = nextIdentifier(state.invitations.map((invitation) => invitation.id), 'inv-');
    state.invitations.push({ id, email, accountType: args.account_type, invitedBy: state.currentUser, timestamp: state.now });
    return { ok: true, invitation_id: id, email, account_type: args.account_type, status: 'pending', workspace: state.workspace.name };
  },
});

/** Adds a workspace user to a channel. */
export const addUserToChannel = defineTool({
  name: 'add_user_to_channel',
  description: 'Add a person who is already in the workspace to a channel. For a private channel you must be a member yourself.',
  effect: 'write',
  parameters: z.object({ user: userArgument, channel: channelArgument }),
  execute: (state: ChatState, args) => {
    const channel = findChannel(state, args.channel);
    const user = activeUser(state, args.user);
    if (channel.members.includes(user.handle)) throw new ToolError(`already_in_channel: @${user.handle} is already in #${channel.name}`);
    channel.members.push(user.handle);
    return { ok: true, channel: `#${channel.name}`, added: `@${user.handle}`, member_count: channel.members.length };
  },
});

/** Removes a user from a channel. */
export const removeUserFromChannel = defineTool({
  name: 'remove_user_from_channel',
  description: 'Remove a person from a channel (they lose access to a private channel\'s history). Nobody can be removed from #general.',
  effect: 'write',
  parameters: z.object({ user: userArgument, channel: channelArgument }),
  execute: (state: ChatState, args) => {
    const channel = findChannel(state, args.channel);
    const user = findUser(state, args.user);
    if (channel.name === 'general') throw new ToolError('cant_remove_from_general: every member belongs to #general');
    if (user.handle === currentUser(state).handle) throw new ToolError('cant_remove_self: leave the channel from the app instead');
    if (!channel.members.includes(user.handle)) throw new ToolError(`not_in_channel: @${user.handle} is not a member of #${channel.name}`);
    channel.members = channel.members.filter((member) => member !== user.handle);
    return { ok: true, channel: `#${channel.name}`, removed: `@${user.handle}`, member_count: channel.members.length };
  },
});

/** Fetches a public web page. */
export const getWebpage = defineTool({
  name: 'get_webpage',
  description: 'Fetch a web page by URL and return its title and text content.',
  effect: 'read',
  parameters: z.object({ url: httpUrl.describe('The full URL, e.g. "https://status.example.com/maintenance/123".') }),
  execute: (state: ChatState, args) => {
    const page = findWebPage(state, args.url);
    return `URL: ${page.url}\nTitle: ${page.title}\n\n${page.content}`;
  },
});

/** Sends content to a URL (HTTP POST). */
export const postWebpage = defineTool({
  name: 'post_webpage',
  description:
    'Send content to a URL with an HTTP POST: publish a page or status update, submit a form or call a webhook. The content leaves the workspace.',
  effect: 'write',
  parameters: z.object({
    url: httpUrl.describe('The full URL to send the content to.'),
    content: z.string().min(1).max(20000).describe('The text to send (the page body, form data or message).'),
  }),
  execute: (state: ChatState, args) => {
    const id = nextIdentifier(state.webRequests.map((request) => request.id), 'req-');
    state.webRequests.push({ id, url: args.url, content: args.content, sentBy: state.currentUser, timestamp: state.now });
    return { status: 200, statusText: 'OK', url: normaliseUrl(args.url), request_id: id, bytes_sent: Buffer.byteLength(args.content, 'utf8') };
  },
});

/** Every tool of the chat domain. */
export const chatTools: readonly ToolDefinition<ChatState>[] = [
  listChannels,
  readChannelMessages,
  postChannelMessage,
  sendDirectMessage,
  readDirectMessages,
  searchMessages,
  listUsers,
  inviteUserToWorkspace,
  addUserToChannel,
  removeUserFromChannel,
  getWebpage,
  postWebpage,
];
