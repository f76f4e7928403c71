import type { WorldDraft } from '../world-draft.js';
import type { InjectionVector } from '../domain.js';
import type { EntityRole } from '../entity.js';
import type { Random } from '../random.js';
import { vectorAt } from '../world-draft-helpers.js';
import { addDays, minutesOf, nextWorkday, timeOf } from './calendar-date.js';
import { addEmail, addEvent, addFile } from './records.js';
import type { CalendarEvent, Contact, DriveFile, Email, WorkspaceState } from './state.js';

/**
 * Helpers that add items to a workspace world draft: each one registers the values it creates
 * and declares the injection vector of the item's untrusted text (email body, file content,
 * event description). The world generator and the task builders both use them, so every item a
 * task may read has its slot.
 */

/** Someone who sends an email. */
export interface Sender {
  name: string;
  email: string;
}

/** A lower-case `first.last@domain` address, letters only in the local part. */
export function personAddress(firstName: string, lastName: string, domain: string): string {
  const clean = (text: string): string => text.toLowerCase().replace(/[^a-z]/g, '');
  return `${clean(firstName)}.${clean(lastName)}@${domain}`;
}

/** The first word of a full name. */
export function firstNameOf(fullName: string): string {
  return fullName.split(' ')[0] ?? fullName;
}

/** A file-name-friendly form of a text: lower case, words joined by hyphens ("Granite & Vale" becomes "granite-vale"). */
export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A whole number written with thousands separators ("12,400"). */
export function groupThousands(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A fictional phone number (reserved drama ranges). */
export function fictionalPhone(random: Random): string {
  return random.pick([
    `+1 555-01${random.between(10, 99)}`,
    `+44 20 7946 0${random.between(100, 999)}`,
    `+61 491 570 ${random.between(100, 999)}`,
  ]);
}

/** Contacts who work at the user's company. */
export function colleaguesOf(state: WorkspaceState): Contact[] {
  return state.contacts.filter((contact) => contact.company === state.user.company);
}

/** Contacts from other companies. */
export function externalContactsOf(state: WorkspaceState): Contact[] {
  return state.contacts.filter((contact) => contact.company !== state.user.company);
}

/** A moment between `minDaysAgo` and `maxDaysAgo` days before the simulated now (never after it). */
export function pastTimestamp(random: Random, state: WorkspaceState, minDaysAgo: number, maxDaysAgo: number): string {
  const daysAgo = random.between(minDaysAgo, maxDaysAgo);
  const day = addDays(state.today, -daysAgo);
  const latest = daysAgo === 0 ? minutesOf(state.currentTime) - 5 : 19 * 60;
  const earliest = Math.min(7 * 60, latest);
  return `${day} ${timeOf(random.between(earliest, latest))}`;
}

/** A workday between `minDays` and `maxDays` days after today (moved forward past a weekend). */
export function upcomingWorkday(random: Random, state: WorkspaceState, minDays: number, maxDays: number): string {
  return nextWorkday(addDays(state.today, random.between(minDays, maxDays)));
}

/** A start time on the quarter hour between 09:00 and the latest start that ends by 18:00. */
export function meetingStart(random: Random, minutes: number): string {
  const latest = 18 * 60 - minutes;
  const slots = Math.floor((latest - 9 * 60) / 15);
  return timeOf(9 * 60 + 15 * random.between(0, Math.max(0, slots)));
}

/** Adds an email received by the user, registers its sender address and declares its body as an injection vector. */
export function receiveEmail(
  draft: WorldDraft<WorkspaceState>,
  fields: {
    from: Sender;
    senderRole?: EntityRole;
    subject: string;
    body: string;
    timestamp: string;
    recipients?: string[];
    cc?: string[];
    attachments?: string[];
    unread?: boolean;
  },
): { email: Email; vector: InjectionVector } {
  draft.entities.add('email-address', fields.from.email, fields.senderRole ?? 'contact');
  const email = addEmail(draft.state, {
    folder: 'inbox',
    senderName: fields.from.name,
    sender: fields.from.email,
    recipients: fields.recipients ?? [draft.state.user.email],
    cc: fields.cc ?? [],
    subject: fields.subject,
    body: fields.body,
    timestamp: fields.timestamp,
    unread: fields.unread ?? false,
    attachments: fields.attachments ?? [],
    forwardedFrom: null,
  });
  const vector = vectorAt(`email-body:${email.id}`, 'email-body', ['emails', draft.state.emails.indexOf(email), 'body']);
  draft.vectors.push(vector);
  return { email, vector };
}

/** Adds an email the user sent earlier (trusted text: no injection vector). */
export function recordSentEmail(draft: WorldDraft<WorkspaceState>, fields: { recipients: string[]; subject: string; body: string; timestamp: string }): Email {
  return addEmail(draft.state, {
    folder: 'sent',
    senderName: draft.state.user.name,
    sender: draft.state.user.email,
    recipients: fields.recipients,
    cc: [],
    subject: fields.subject,
    body: fields.body,
    timestamp: fields.timestamp,
    unread: false,
    attachments: [],
    forwardedFrom: null,
  });
}

/** Adds a calendar event, registers its title, day, times and location, and declares its description as an injection vector. */
export function scheduleEvent(draft: WorldDraft<WorkspaceState>, fields: Omit<CalendarEvent, 'id'>): { event: CalendarEvent; vector: InjectionVector } {
  draft.entities.add('text', fields.title, 'other');
  draft.entities.add('date', fields.date, 'other');
  draft.entities.add('time', fields.startTime, 'other');
  draft.entities.add('time', fields.endTime, 'other');
  if (fields.location) draft.entities.add('place', fields.location, 'other');
  const event = addEvent(draft.state, fields);
  const vector = vectorAt(`calendar-description:${event.id}`, 'calendar-description', ['events', draft.state.events.indexOf(event), 'description']);
  draft.vectors.push(vector);
  return { event, vector };
}

/** Adds a drive file, registers its name and declares its content as an injection vector. */
export function storeFile(draft: WorldDraft<WorkspaceState>, fields: Omit<DriveFile, 'id'>): { file: DriveFile; vector: InjectionVector } {
  draft.entities.add('file', fields.name, fields.owner === draft.state.user.email ? 'user' : 'contact');
  const file = addFile(draft.state, fields);
  const vector = vectorAt(`file-content:${file.id}`, 'file-content', ['files', draft.state.files.indexOf(file), 'content']);
  draft.vectors.push(vector);
  return { file, vector };
}
