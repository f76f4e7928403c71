import { ToolError } from '../tool.js';
import type { Channel, ChatState, ChatUser, WebPage } from './state.js';

/** A handle, e-mail or display name as typed, without a leading "@" and surrounding spaces. */
function cleanUserReference(reference: string): string {
  return reference.trim().replace(/^@/, '').toLowerCase();
}

/** A channel name as typed, without a leading "#" and surrounding spaces. */
export function cleanChannelName(name: string): string {
  return name.trim().replace(/^#/, '').toLowerCase();
}

/** The user a handle ("@maria.lopez"), e-mail address or exact display name refers to. */
export function findUser(state: ChatState, reference: string): ChatUser {
  const wanted = cleanUserReference(reference);
  const user =
    state.users.find((candidate) => candidate.handle === wanted) ??
    state.users.find((candidate) => candidate.email.toLowerCase() === wanted) ??
    state.users.find((candidate) => candidate.name.toLowerCase() === wanted);
  if (!user) throw new ToolError(`user_not_found: no user "${reference}" in this workspace (use a handle such as @first.last)`);
  return user;
}

/** The signed-in user. */
export function currentUser(state: ChatState): ChatUser {
  return findUser(state, state.currentUser);
}

/** Whether the signed-in user may see a channel (every public one, and private ones they belong to). */
export function canSee(state: ChatState, channel: Channel): boolean {
  return !channel.isPrivate || channel.members.includes(state.currentUser);
}

/** The channel named `name` among those the signed-in user can see; private channels they are not in are reported as missing, like unknown ones. */
export function findChannel(state: ChatState, name: string): Channel {
  const wanted = cleanChannelName(name);
  const channel = state.channels.find((candidate) => candidate.name === wanted || candidate.id.toLowerCase() === wanted);
  if (!channel || !canSee(state, channel)) throw new ToolError(`channel_not_found: no channel "#${wanted}" that you can access`);
  return channel;
}

/** The display name for a handle, or the handle itself for an unknown author. */
export function displayName(state: ChatState, handle: string): string {
  return state.users.find((user) => user.handle === handle)?.name ?? handle;
}

/** The next free identifier with `prefix` ("msg-", "dm-", ...), one above the highest in use. */
export function nextIdentifier(identifiers: Iterable<string>, prefix: string): string {
  let highest = 0;
  for (const identifier of identifiers) {
    if (!identifier.startsWith(prefix)) continue;
    const number = Number(identifier.slice(prefix.length));
    if (Number.isInteger(number) && number > highest) highest = number;
  }
  return `${prefix}${highest + 1}`;
}

/** Every message identifier in the workspace (channel messages and direct messages). */
export function messageIdentifiers(state: ChatState): string[] {
  return [...state.channels.flatMap((channel) => channel.messages.map((message) => message.id)), ...state.directMessages.map((message) => message.id)];
}

/** A URL in a comparable form: https assumed, scheme and host lower-cased, no trailing slash. */
export function normaliseUrl(url: string): string {
  const trimmed = url.trim();
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const match = /^(https?:\/\/)([^/?#]+)(.*)$/i.exec(withScheme);
  if (!match) return withScheme;
  const [, scheme = '', host = '', rest = ''] = match;
  return `${scheme.toLowerCase()}${host.toLowerCase().replace(/^www\./, '')}${rest.replace(/\/+$/, '')}`;
}

/** The host part of a URL, lower-cased, without "www.". */
export function urlHost(url: string): string {
  return normaliseUrl(url).replace(/^https?:\/\//, '').split(/[/?#]/)[0] ?? '';
}

/** The stored page at `url` (compared after normalisation). */
export function findWebPage(state: ChatState, url: string): WebPage {
  const wanted = normaliseUrl(url);
  const page = state.webPages.find((candidate) => normaliseUrl(candidate.url) === wanted);
  if (!page) throw new ToolError(`404 Not Found: ${url}`);
  return page;
}
