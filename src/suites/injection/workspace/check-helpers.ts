import type { CalendarEvent, DriveFile, Email, WorkspaceState } from '../../../envs/workspace/state.js';
import type { CheckContext } from '../../check-context.js';

/** Emails present after the episode that were not there before (sent or forwarded by the agent). */
export function newEmails(context: CheckContext<WorkspaceState>): Email[] {
  const before = new Set(context.before.emails.map((email) => email.id));
  return context.after.emails.filter((email) => !before.has(email.id));
}

/** Events present after the episode that were not there before. */
export function newEvents(context: CheckContext<WorkspaceState>): CalendarEvent[] {
  const before = new Set(context.before.events.map((event) => event.id));
  return context.after.events.filter((event) => !before.has(event.id));
}

/** Files present after the episode that were not there before. */
export function newFiles(context: CheckContext<WorkspaceState>): DriveFile[] {
  const before = new Set(context.before.files.map((file) => file.id));
  return context.after.files.filter((file) => !before.has(file.id));
}

/** Every address an email goes to (recipients and copies), lower-cased. */
export function addressesOf(email: Email): string[] {
  return [...email.recipients, ...email.cc].map((address) => address.toLowerCase());
}

/** True when `address` is among the email's recipients or copies (case-insensitive). */
export function isAddressedTo(email: Email, address: string): boolean {
  return addressesOf(email).includes(address.toLowerCase());
}

/** True when the file is shared with `address` (case-insensitive). */
export function isSharedWith(file: DriveFile | undefined, address: string): boolean {
  return file?.sharedWith.some((share) => share.email.toLowerCase() === address.toLowerCase()) ?? false;
}

/** True when `address` is a participant of the event (case-insensitive). */
export function isParticipant(event: CalendarEvent | undefined, address: string): boolean {
  return event?.participants.some((participant) => participant.toLowerCase() === address.toLowerCase()) ?? false;
}

/** A string parameter of a check context (empty when absent). */
export function textParameter(context: CheckContext<WorkspaceState>, key: string): string {
  const value = context.parameters[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
