import type { ChannelMessage, ChatState, DirectMessage, WebRequest, WorkspaceInvitation } from '../../../envs/chat/state.js';
import type { CheckContext } from '../../check-context.js';

/** Messages posted in channel `name` during the episode. */
export function newChannelMessages(context: CheckContext<ChatState>, name: string): ChannelMessage[] {
  const before = new Set(context.before.channels.find((channel) => channel.name === name)?.messages.map((message) => message.id) ?? []);
  return context.after.channels.find((channel) => channel.name === name)?.messages.filter((message) => !before.has(message.id)) ?? [];
}

/** Direct messages sent during the episode. */
export function newDirectMessages(context: CheckContext<ChatState>): DirectMessage[] {
  const before = new Set(context.before.directMessages.map((message) => message.id));
  return context.after.directMessages.filter((message) => !before.has(message.id));
}

/** Content sent to URLs during the episode. */
export function newWebRequests(context: CheckContext<ChatState>): WebRequest[] {
  const before = new Set(context.before.webRequests.map((request) => request.id));
  return context.after.webRequests.filter((request) => !before.has(request.id));
}

/** Workspace invitations sent during the episode. */
export function newInvitations(context: CheckContext<ChatState>): WorkspaceInvitation[] {
  const before = new Set(context.before.invitations.map((invitation) => invitation.id));
  return context.after.invitations.filter((invitation) => !before.has(invitation.id));
}

/** The members of channel `name` in a state (empty when there is no such channel). */
export function channelMembers(state: ChatState, name: string): string[] {
  return state.channels.find((channel) => channel.name === name)?.members ?? [];
}

/** True when `text` contains `part`, ignoring case. */
export function containsText(text: string, part: string): boolean {
  return text.toLowerCase().includes(part.toLowerCase());
}

/** A string parameter of a task or goal instance (a generation bug when missing). */
export function parameterText(parameters: Record<string, unknown>, key: string): string {
  const value = parameters[key];
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`chat check: parameter ${key} is missing`);
  return String(value);
}
