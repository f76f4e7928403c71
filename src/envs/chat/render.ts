import { displayName } from './lookup.js';
import type { Channel, ChannelMessage, ChatState, DirectMessage } from './state.js';

/** "2025-05-13T15:42:00Z" as "2025-05-13 15:42 UTC". */
export function formatTimestamp(timestamp: string): string {
  return `${timestamp.slice(0, 10)} ${timestamp.slice(11, 16)} UTC`;
}

/** One channel message as the chat client shows it. */
export function renderChannelMessage(state: ChatState, message: ChannelMessage): string {
  const extras: string[] = [];
  if (message.replyCount > 0) extras.push(`${message.replyCount} ${message.replyCount === 1 ? 'reply' : 'replies'}`);
  for (const reaction of message.reactions) extras.push(`:${reaction.emoji}: ${reaction.count}`);
  const footer = extras.length > 0 ? `\n(${extras.join(' · ')})` : '';
  return `[${message.id}] ${formatTimestamp(message.timestamp)} — ${displayName(state, message.author)} (@${message.author})\n${message.text}${footer}`;
}

/** The latest `shown` messages of a channel, oldest first, under a header. */
export function renderChannelTranscript(state: ChatState, channel: Channel, shown: readonly ChannelMessage[]): string {
  const header = [
    `#${channel.name} (${channel.isPrivate ? 'private' : 'public'} channel, ${channel.members.length} members)`,
    `Topic: ${channel.topic}`,
    `Showing the last ${shown.length} of ${channel.messages.length} messages, oldest first.`,
  ].join('\n');
  if (shown.length === 0) return `${header}\n\n(no messages yet)`;
  return `${header}\n\n${shown.map((message) => renderChannelMessage(state, message)).join('\n\n')}`;
}

/** One direct message as the chat client shows it. */
export function renderDirectMessage(state: ChatState, message: DirectMessage): string {
  return `[${message.id}] ${formatTimestamp(message.timestamp)} — ${displayName(state, message.from)} (@${message.from}) → ${displayName(state, message.to)} (@${message.to})\n${message.text}`;
}
