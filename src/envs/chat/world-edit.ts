import type { InjectionVector } from '../domain.js';
import type { EntityRole } from '../entity.js';
import type { Random } from '../random.js';
import { vectorAt } from '../world-draft-helpers.js';
import type { WorldDraft } from '../world-draft.js';
import { shiftMinutes } from './dates.js';
import { messageIdentifiers, nextIdentifier } from './lookup.js';
import type { Channel, ChannelMessage, ChatState, ChatUser, DirectMessage } from './state.js';

/** A chat world being generated. */
export type ChatDraft = WorldDraft<ChatState>;

/** The channel named `name` of a draft (a generation bug when missing). */
export function draftChannel(draft: ChatDraft, name: string): Channel {
  const channel = draft.state.channels.find((candidate) => candidate.name === name);
  if (!channel) throw new Error(`chat world has no channel #${name}`);
  return channel;
}

/** Active employees other than the signed-in user (no guests), optionally filtered. */
export function colleagues(draft: ChatDraft, keep: (user: ChatUser) => boolean = () => true): ChatUser[] {
  return draft.state.users.filter(
    (user) => user.active && user.accountType !== 'guest' && user.handle !== draft.state.currentUser && keep(user),
  );
}

/** Channels the signed-in user belongs to, optionally filtered (never empty for a valid world). */
export function userChannels(draft: ChatDraft, keep: (channel: Channel) => boolean = () => true): Channel[] {
  return draft.state.channels.filter((channel) => channel.members.includes(draft.state.currentUser) && keep(channel));
}

/** Picks one element, failing with a clear message when a world lacks what a template needs. */
export function pickFrom<T>(random: Random, items: readonly T[], what: string): T {
  if (items.length === 0) throw new Error(`chat world has no ${what}`);
  return random.pick(items);
}

/** The injection vector of a channel message's text. */
function channelMessageVector(draft: ChatDraft, channel: Channel, message: ChannelMessage): InjectionVector {
  const channelIndex = draft.state.channels.indexOf(channel);
  const messageIndex = channel.messages.indexOf(message);
  return vectorAt(`message-${message.id}`, 'channel-message', ['channels', channelIndex, 'messages', messageIndex, 'text']);
}

/**
 * Appends a message to a channel `minutesAgo` before "now" (moved just after the channel's last
 * message if that is later, so messages stay in order and earlier slots keep their paths). A
 * message by someone other than the signed-in user is untrusted: its slot is declared and returned.
 */
export function appendChannelMessage(
  draft: ChatDraft,
  channelName: string,
  author: string,
  text: string,
  minutesAgo: number,
): { message: ChannelMessage; vector: InjectionVector | undefined } {
  const channel = draftChannel(draft, channelName);
  const last = channel.messages[channel.messages.length - 1];
  let timestamp = shiftMinutes(draft.state.now, -minutesAgo);
  if (last && timestamp <= last.timestamp) timestamp = shiftMinutes(last.timestamp, 3);
  const message: ChannelMessage = {
    id: nextIdentifier(messageIdentifiers(draft.state), 'msg-'),
    author,
    timestamp,
    text,
    replyCount: 0,
    reactions: [],
  };
  channel.messages.push(message);
  if (author === draft.state.currentUser) return { message, vector: undefined };
  const vector = channelMessageVector(draft, channel, message);
  draft.vectors.push(vector);
  return { message, vector };
}

/** Declares the slot of every untrusted message of a channel (used once the world's channels are final). */
export function declareChannelVectors(draft: ChatDraft, channel: Channel): void {
  for (const message of channel.messages) {
    if (message.author !== draft.state.currentUser) draft.vectors.push(channelMessageVector(draft, channel, message));
  }
}

/**
 * Appends a direct message `minutesAgo` before "now". A message received by the signed-in user
 * is untrusted (a DM is a one-to-one channel): its slot is declared and returned.
 */
export function appendDirectMessage(
  draft: ChatDraft,
  from: string,
  to: string,
  text: string,
  minutesAgo: number,
): { message: DirectMessage; vector: InjectionVector | undefined } {
  const message: DirectMessage = {
    id: nextIdentifier(messageIdentifiers(draft.state), 'dm-'),
    from,
    to,
    timestamp: shiftMinutes(draft.state.now, -minutesAgo),
    text,
  };
  draft.state.directMessages.push(message);
  if (from === draft.state.currentUser) return { message, vector: undefined };
  const vector = vectorAt(`message-${message.id}`, 'channel-message', ['directMessages', draft.state.directMessages.length - 1, 'text']);
  draft.vectors.push(vector);
  return { message, vector };
}

/** Adds a web page and declares its content as an injection slot. */
export function addWebPage(draft: ChatDraft, url: string, title: string, content: string, role: EntityRole = 'other'): InjectionVector {
  draft.entities.add('url', url, role);
  draft.state.webPages.push({ url, title, content });
  const vector = vectorAt(`page-${draft.state.webPages.length - 1}`, 'web-page', ['webPages', draft.state.webPages.length - 1, 'content']);
  draft.vectors.push(vector);
  return vector;
}

/** "Maria" + "Lopez" as the handle "maria.lopez" (letters and digits only). */
export function handleFor(firstName: string, lastName: string): string {
  const clean = (part: string): string => part.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return `${clean(firstName)}.${clean(lastName)}`;
}

/** Adds a user to a draft and registers their name, handle and e-mail with `role`. */
export function addUser(draft: ChatDraft, user: ChatUser, role: EntityRole): ChatUser {
  if (draft.state.users.some((candidate) => candidate.handle === user.handle || candidate.email === user.email)) {
    throw new Error(`chat world already has @${user.handle}`);
  }
  draft.state.users.push(user);
  draft.entities.add('person', user.name, role);
  draft.entities.add('identifier', user.handle, role);
  draft.entities.add('email-address', user.email, role);
  return user;
}

/** A full name not yet used in the draft, drawn from the name pools. */
export function freshName(draft: ChatDraft, random: Random, firstNames: readonly string[], lastNames: readonly string[]): { first: string; last: string } {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const first = random.pick(firstNames);
    const last = random.pick(lastNames);
    const handle = handleFor(first, last);
    if (!draft.state.users.some((user) => user.handle === handle || user.name === `${first} ${last}`)) return { first, last };
  }
  throw new Error('chat world ran out of fresh names');
}
