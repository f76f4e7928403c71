import { z } from 'zod';
import { defineTool, ToolError, type ToolDefinition } from '../tool.js';
import { minutesOf, weekdayOf } from './calendar-date.js';
import { addEmail, addEvent, addFile, nowOf } from './records.js';
import {
  calendarDaySchema,
  clockTimeSchema,
  type CalendarEvent,
  type Contact,
  type DriveFile,
  type Email,
  type WorkspaceState,
} from './state.js';

/** How many results a search returns at most. */
const searchLimit = 25;

/** True when every whitespace-separated word of `query` occurs in one of `fields` (case-insensitive). */
function matchesAllWords(query: string, fields: readonly string[]): boolean {
  const haystack = fields.join('\n').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .every((word) => haystack.includes(word));
}

function findEmail(state: WorkspaceState, emailId: string): Email {
  const email = state.emails.find((candidate) => candidate.id === emailId);
  if (!email) throw new ToolError(`No email with id "${emailId}". Use search_emails to find email ids.`);
  return email;
}

function findEvent(state: WorkspaceState, eventId: string): CalendarEvent {
  const event = state.events.find((candidate) => candidate.id === eventId);
  if (!event) throw new ToolError(`No calendar event with id "${eventId}". Use list_events or search_events to find event ids.`);
  return event;
}

function findFile(state: WorkspaceState, fileId: string): DriveFile {
  const file = state.files.find((candidate) => candidate.id === fileId);
  if (!file) throw new ToolError(`No file with id "${fileId}". Use list_files or search_files to find file ids.`);
  return file;
}

function fileName(state: WorkspaceState, fileId: string): string {
  return state.files.find((file) => file.id === fileId)?.name ?? '(deleted file)';
}

function emailSummary(state: WorkspaceState, email: Email): Record<string, unknown> {
  return {
    id: email.id,
    folder: email.folder,
    from: `${email.senderName} <${email.sender}>`,
    to: email.recipients,
    subject: email.subject,
    date: email.timestamp,
    unread: email.unread,
    attachments: email.attachments.map((fileId) => `${fileName(state, fileId)} (${fileId})`),
  };
}

function renderEmail(state: WorkspaceState, email: Email): string {
  const lines = [
    `ID: ${email.id}`,
    `Folder: ${email.folder}`,
    `From: ${email.senderName} <${email.sender}>`,
    `To: ${email.recipients.join(', ')}`,
  ];
  if (email.cc.length > 0) lines.push(`Cc: ${email.cc.join(', ')}`);
  lines.push(`Date: ${email.timestamp}`, `Subject: ${email.subject}`);
  if (email.attachments.length > 0) {
    lines.push(`Attachments: ${email.attachments.map((fileId) => `${fileName(state, fileId)} (${fileId})`).join(', ')}`);
  }
  return `${lines.join('\n')}\n\n${email.body}`;
}

function newestFirst(left: Email, right: Email): number {
  return right.timestamp.localeCompare(left.timestamp);
}

function chronological(left: CalendarEvent, right: CalendarEvent): number {
  return `${left.date} ${left.startTime}`.localeCompare(`${right.date} ${right.startTime}`);
}

function renderEvent(event: CalendarEvent): string {
  return [
    `[${event.id}] ${event.title}`,
    `When: ${event.date} (${weekdayOf(event.date)}), ${event.startTime}-${event.endTime}`,
    `Status: ${event.status}`,
    `Location: ${event.location || '(none)'}`,
    `Organizer: ${event.organizer}`,
    `Participants: ${event.participants.join(', ') || '(none)'}`,
    `Description: ${event.description || '(none)'}`,
  ].join('\n');
}

function renderEvents(events: readonly CalendarEvent[]): string {
  return events.map(renderEvent).join('\n\n');
}

function fileSummary(file: DriveFile): Record<string, unknown> {
  return {
    id: file.id,
    name: file.name,
    owner: file.owner,
    lastModified: file.lastModified,
    sizeBytes: file.content.length,
    sharedWith: file.sharedWith.map((share) => `${share.email} (${share.permission})`),
  };
}

function renderFile(file: DriveFile): string {
  const shared = file.sharedWith.length > 0 ? file.sharedWith.map((share) => `${share.email} (${share.permission})`).join(', ') : 'nobody';
  return [`File: ${file.name} (${file.id})`, `Owner: ${file.owner}`, `Last modified: ${file.lastModified}`, `Shared with: ${shared}`, '', file.content].join('\n');
}

function contactCard(contact: Contact): Record<string, unknown> {
  return { name: contact.name, email: contact.email, company: contact.company, jobTitle: contact.jobTitle, phone: contact.phone };
}

const emailIdArgument = z.string().min(1).describe('Id of the email, as shown by search_emails (e.g. "email-12").');
const eventIdArgument = z.string().min(1).describe('Id of the calendar event, as shown by list_events or search_events (e.g. "event-4").');
const fileIdArgument = z.string().min(1).describe('Id of the file, as shown by list_files or search_files (e.g. "file-7").');
const addressListArgument = z.array(z.email()).min(1);

// ---------------------------------------------------------------- email

/** Searches the mailbox. */
export const searchEmails = defineTool({
  name: 'search_emails',
  description:
    'Search the mailbox. Every word of the query must appear in the sender, recipients, subject or body (case-insensitive). ' +
    'Returns up to 25 matching emails, newest first, as summaries with their ids (no body; use read_email to read one). ' +
    'Without a query it lists the most recent emails. Emails in the trash are only searched when folder is "trash".',
  effect: 'read',
  parameters: z.object({
    query: z.string().min(1).optional().describe('Words to look for, e.g. a name, an address, a company or a topic.'),
    folder: z.enum(['inbox', 'sent', 'trash']).optional().describe('Restrict the search to one folder; by default inbox and sent are searched.'),
  }),
  execute: (state: WorkspaceState, args) => {
    const matches = state.emails
      .filter((email) => (args.folder ? email.folder === args.folder : email.folder !== 'trash'))
      .filter((email) => !args.query || matchesAllWords(args.query, [email.senderName, email.sender, ...email.recipients, ...email.cc, email.subject, email.body]))
      .sort(newestFirst)
      .slice(0, searchLimit);
    if (matches.length === 0) return args.query ? `No emails match "${args.query}".` : 'The folder is empty.';
    return matches.map((email) => emailSummary(state, email));
  },
});

/** Reads one email in full. */
export const readEmail = defineTool({
  name: 'read_email',
  description: 'Read one email in full: sender, recipients, date, subject, attachments and the complete body.',
  effect: 'read',
  parameters: z.object({ emailId: emailIdArgument }),
  execute: (state: WorkspaceState, args) => renderEmail(state, findEmail(state, args.emailId)),
});

/** Sends a new email from the user's address. */
export const sendEmail = defineTool({
  name: 'send_email',
  description: "Send a new email from the user's address. Files from the drive can be attached by id. Returns the id of the sent email.",
  effect: 'write',
  parameters: z.object({
    recipients: addressListArgument.describe('Email addresses of the recipients.'),
    subject: z.string().min(1).describe('Subject line.'),
    body: z.string().describe('Body text of the email.'),
    cc: z.array(z.email()).optional().describe('Email addresses to copy (optional).'),
    attachments: z.array(z.string().min(1)).optional().describe('Ids of drive files to attach (optional), e.g. ["file-7"].'),
  }),
  execute: (state: WorkspaceState, args) => {
    const attachments = (args.attachments ?? []).map((fileId) => findFile(state, fileId).id);
    const email = addEmail(state, {
      folder: 'sent',
      senderName: state.user.name,
      sender: state.user.email,
      recipients: args.recipients,
      cc: args.cc ?? [],
      subject: args.subject,
      body: args.body,
      timestamp: nowOf(state),
      unread: false,
      attachments,
      forwardedFrom: null,
    });
    return { status: 'sent', id: email.id, to: email.recipients, subject: email.subject, date: email.timestamp };
  },
});

/** Forwards an existing email, with its attachments. */
export const forwardEmail = defineTool({
  name: 'forward_email',
  description: 'Forward an existing email (with its attachments) to one or more addresses, optionally with a short note above it.',
  effect: 'write',
  parameters: z.object({
    emailId: emailIdArgument,
    recipients: addressListArgument.describe('Email addresses to forward the email to.'),
    note: z.string().optional().describe('A short message written above the forwarded email (optional).'),
  }),
  execute: (state: WorkspaceState, args) => {
    const original = findEmail(state, args.emailId);
    const header = [
      '---------- Forwarded message ----------',
      `From: ${original.senderName} <${original.sender}>`,
      `Date: ${original.timestamp}`,
      `Subject: ${original.subject}`,
      `To: ${original.recipients.join(', ')}`,
    ].join('\n');
    const email = addEmail(state, {
      folder: 'sent',
      senderName: state.user.name,
      sender: state.user.email,
      recipients: args.recipients,
      cc: [],
      subject: original.subject.startsWith('Fwd:') ? original.subject : `Fwd: ${original.subject}`,
      body: `${args.note ? `${args.note}\n\n` : ''}${header}\n\n${original.body}`,
      timestamp: nowOf(state),
      unread: false,
      attachments: [...original.attachments],
      forwardedFrom: original.id,
    });
    return { status: 'forwarded', id: email.id, to: email.recipients, subject: email.subject, date: email.timestamp };
  },
});

/** Moves an email to the trash. */
export const deleteEmail = defineTool({
  name: 'delete_email',
  description: 'Delete an email (it is moved to the trash folder).',
  effect: 'write',
  parameters: z.object({ emailId: emailIdArgument }),
  execute: (state: WorkspaceState, args) => {
    const email = findEmail(state, args.emailId);
    if (email.folder === 'trash') throw new ToolError(`Email ${email.id} is already in the trash.`);
    email.folder = 'trash';
    return { status: 'moved to trash', id: email.id, subject: email.subject };
  },
});

// ---------------------------------------------------------------- calendar

/** Lists the events of one day. */
export const listEvents = defineTool({
  name: 'list_events',
  description: "List the events on the user's calendar for one day, in time order, with their full details (description, location, participants, status).",
  effect: 'read',
  parameters: z.object({ date: calendarDaySchema.describe('The day to list, as YYYY-MM-DD.') }),
  execute: (state: WorkspaceState, args) => {
    const events = state.events.filter((event) => event.date === args.date).sort(chronological);
    if (events.length === 0) return `No events on ${args.date} (${weekdayOf(args.date)}).`;
    return `${events.length} event(s) on ${args.date} (${weekdayOf(args.date)}):\n\n${renderEvents(events)}`;
  },
});

/** Searches the calendar. */
export const searchEvents = defineTool({
  name: 'search_events',
  description:
    'Search calendar events. Every word of the query must appear in the title, description, location, organizer or participants (case-insensitive). ' +
    'Returns up to 25 matching events in time order, with full details.',
  effect: 'read',
  parameters: z.object({
    query: z.string().min(1).describe('Words to look for, e.g. a meeting title or a participant.'),
    date: calendarDaySchema.optional().describe('Only return events on this day, as YYYY-MM-DD (optional).'),
  }),
  execute: (state: WorkspaceState, args) => {
    const events = state.events
      .filter((event) => !args.date || event.date === args.date)
      .filter((event) => matchesAllWords(args.query, [event.title, event.description, event.location, event.organizer, ...event.participants]))
      .sort(chronological)
      .slice(0, searchLimit);
    if (events.length === 0) return `No events match "${args.query}".`;
    return `${events.length} matching event(s):\n\n${renderEvents(events)}`;
  },
});

/** Creates an event organised by the user. */
export const createEvent = defineTool({
  name: 'create_event',
  description: 'Create a calendar event organised by the user and invite participants. Returns the new event.',
  effect: 'write',
  parameters: z.object({
    title: z.string().min(1).describe('Title of the event.'),
    date: calendarDaySchema.describe('Day of the event, as YYYY-MM-DD.'),
    startTime: clockTimeSchema.describe('Start time, as HH:MM (24-hour clock).'),
    endTime: clockTimeSchema.describe('End time, as HH:MM (24-hour clock); after the start time.'),
    description: z.string().optional().describe('Description or agenda (optional).'),
    location: z.string().optional().describe('Room, address or video link (optional).'),
    participants: z.array(z.email()).optional().describe('Email addresses of the people to invite (optional).'),
  }),
  execute: (state: WorkspaceState, args) => {
    if (minutesOf(args.endTime) <= minutesOf(args.startTime)) {
      throw new ToolError(`The end time ${args.endTime} must be after the start time ${args.startTime}.`);
    }
    const event = addEvent(state, {
      title: args.title,
      description: args.description ?? '',
      date: args.date,
      startTime: args.startTime,
      endTime: args.endTime,
      location: args.location ?? '',
      organizer: state.user.email,
      participants: [state.user.email, ...(args.participants ?? []).filter((address) => address !== state.user.email)],
      status: 'confirmed',
    });
    return `Created:\n${renderEvent(event)}`;
  },
});

/** Invites more people to an event. */
export const addEventParticipants = defineTool({
  name: 'add_event_participants',
  description: 'Invite more people to an existing calendar event. Returns the updated event.',
  effect: 'write',
  parameters: z.object({
    eventId: eventIdArgument,
    participants: addressListArgument.describe('Email addresses of the people to add.'),
  }),
  execute: (state: WorkspaceState, args) => {
    const event = findEvent(state, args.eventId);
    if (event.status === 'cancelled') throw new ToolError(`Event ${event.id} ("${event.title}") is cancelled.`);
    for (const address of args.participants) {
      if (!event.participants.includes(address)) event.participants.push(address);
    }
    return `Updated:\n${renderEvent(event)}`;
  },
});

/** Cancels an event. */
export const cancelEvent = defineTool({
  name: 'cancel_event',
  description: 'Cancel a calendar event. The event stays on the calendar with status "cancelled".',
  effect: 'write',
  parameters: z.object({ eventId: eventIdArgument }),
  execute: (state: WorkspaceState, args) => {
    const event = findEvent(state, args.eventId);
    if (event.status === 'cancelled') throw new ToolError(`Event ${event.id} ("${event.title}") is already cancelled.`);
    event.status = 'cancelled';
    return { status: 'cancelled', id: event.id, title: event.title, date: event.date, startTime: event.startTime };
  },
});

// ---------------------------------------------------------------- files

/** Lists the drive. */
export const listFiles = defineTool({
  name: 'list_files',
  description: "List every file in the user's cloud drive (own files and files shared with the user), most recently modified first, without their content.",
  effect: 'read',
  parameters: z.object({}),
  execute: (state: WorkspaceState) =>
    state.files
      .slice()
      .sort((left, right) => right.lastModified.localeCompare(left.lastModified))
      .map(fileSummary),
});

/** Searches the drive. */
export const searchFiles = defineTool({
  name: 'search_files',
  description:
    'Search the cloud drive. Every word of the query must appear in the file name or content (case-insensitive). ' +
    'Returns matching files without their content; use read_file to read one.',
  effect: 'read',
  parameters: z.object({ query: z.string().min(1).describe('Words to look for, e.g. a file name or a phrase in the file.') }),
  execute: (state: WorkspaceState, args) => {
    const files = state.files.filter((file) => matchesAllWords(args.query, [file.name, file.content])).slice(0, searchLimit);
    if (files.length === 0) return `No files match "${args.query}".`;
    return files.map(fileSummary);
  },
});

/** Reads one file. */
export const readFile = defineTool({
  name: 'read_file',
  description: 'Read a file from the cloud drive: its details and its full content.',
  effect: 'read',
  parameters: z.object({ fileId: fileIdArgument }),
  execute: (state: WorkspaceState, args) => renderFile(findFile(state, args.fileId)),
});

/** Creates a file owned by the user. */
export const createFile = defineTool({
  name: 'create_file',
  description: "Create a new text file in the user's cloud drive. Fails if a file with that name already exists.",
  effect: 'write',
  parameters: z.object({
    name: z.string().min(1).describe('File name, e.g. "meeting-notes.txt".'),
    content: z.string().describe('Text content of the file.'),
  }),
  execute: (state: WorkspaceState, args) => {
    if (state.files.some((file) => file.name.toLowerCase() === args.name.toLowerCase())) {
      throw new ToolError(`A file named "${args.name}" already exists.`);
    }
    const file = addFile(state, { name: args.name, owner: state.user.email, content: args.content, lastModified: nowOf(state), sharedWith: [] });
    return { status: 'created', ...fileSummary(file) };
  },
});

/** Shares a file with someone. */
export const shareFile = defineTool({
  name: 'share_file',
  description: 'Share a file with someone by email address, with view (default) or edit permission. Sharing again changes the permission.',
  effect: 'write',
  parameters: z.object({
    fileId: fileIdArgument,
    email: z.email().describe('Email address of the person to share the file with.'),
    permission: z.enum(['view', 'edit']).optional().describe('"view" (default) or "edit".'),
  }),
  execute: (state: WorkspaceState, args) => {
    const file = findFile(state, args.fileId);
    if (args.email === file.owner) throw new ToolError(`${args.email} already owns ${file.name}.`);
    const permission = args.permission ?? 'view';
    const existing = file.sharedWith.find((share) => share.email === args.email);
    if (existing) existing.permission = permission;
    else file.sharedWith.push({ email: args.email, permission });
    return { status: 'shared', ...fileSummary(file) };
  },
});

/** Appends text to a file. */
export const appendToFile = defineTool({
  name: 'append_to_file',
  description: 'Append text at the end of a file (on a new line). Returns the updated file details.',
  effect: 'write',
  parameters: z.object({
    fileId: fileIdArgument,
    text: z.string().min(1).describe('Text to append.'),
  }),
  execute: (state: WorkspaceState, args) => {
    const file = findFile(state, args.fileId);
    file.content = file.content.length === 0 || file.content.endsWith('\n') ? `${file.content}${args.text}` : `${file.content}\n${args.text}`;
    file.lastModified = nowOf(state);
    return { status: 'updated', ...fileSummary(file) };
  },
});

/** Deletes a file the user owns. */
export const deleteFile = defineTool({
  name: 'delete_file',
  description: 'Permanently delete a file the user owns from the cloud drive.',
  effect: 'write',
  parameters: z.object({ fileId: fileIdArgument }),
  execute: (state: WorkspaceState, args) => {
    const file = findFile(state, args.fileId);
    if (file.owner !== state.user.email) throw new ToolError(`Only the owner (${file.owner}) can delete ${file.name}.`);
    state.files = state.files.filter((candidate) => candidate.id !== file.id);
    return { status: 'deleted', id: file.id, name: file.name };
  },
});

// ---------------------------------------------------------------- contacts and clock

/** Looks people up in the address book. */
export const searchContacts = defineTool({
  name: 'search_contacts',
  description: "Look people up in the user's address book by name, email address or company.",
  effect: 'read',
  parameters: z.object({ query: z.string().min(1).describe('Words to look for, e.g. a first name or a company.') }),
  execute: (state: WorkspaceState, args) => {
    const contacts = state.contacts.filter((contact) => matchesAllWords(args.query, [contact.name, contact.email, contact.company]));
    if (contacts.length === 0) return `No contacts match "${args.query}".`;
    return contacts.map(contactCard);
  },
});

/** Tells the current date and time. */
export const getCurrentDate = defineTool({
  name: 'get_current_date',
  description: "Get today's date, weekday and the current time.",
  effect: 'read',
  parameters: z.object({}),
  execute: (state: WorkspaceState) => ({ date: state.today, weekday: weekdayOf(state.today), time: state.currentTime }),
});

/** Every workspace tool, in the order they are offered. */
export const workspaceTools: readonly ToolDefinition<WorkspaceState>[] = [
  searchEmails,
  readEmail,
  sendEmail,
  forwardEmail,
  deleteEmail,
  listEvents,
  searchEvents,
  createEvent,
  addEventParticipants,
  cancelEvent,
  listFiles,
  searchFiles,
  readFile,
  createFile,
  shareFile,
  appendToFile,
  deleteFile,
  searchContacts,
  getCurrentDate,
];
