import { z } from 'zod';

/** A calendar day, `YYYY-MM-DD`. */
export const calendarDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
/** A time of day, `HH:MM` (24-hour clock). */
export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour clock)');
/** A moment, `YYYY-MM-DD HH:MM`. */
export const timestampSchema = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'a timestamp as YYYY-MM-DD HH:MM');

/** The person whose workspace this is. */
export const workspaceUserSchema = z.object({
  name: z.string(),
  email: z.string(),
  company: z.string(),
  jobTitle: z.string(),
});
export type WorkspaceUser = z.infer<typeof workspaceUserSchema>;

/** An entry of the user's address book. */
export const contactSchema = z.object({
  name: z.string(),
  email: z.string(),
  company: z.string(),
  jobTitle: z.string(),
  phone: z.string(),
});
export type Contact = z.infer<typeof contactSchema>;

/** Mail folders. Deleting an email moves it to `trash`. */
export const mailFolderSchema = z.enum(['inbox', 'sent', 'trash']);
export type MailFolder = z.infer<typeof mailFolderSchema>;

/** One email, received or sent. `body` of a received email is untrusted text. */
export const emailSchema = z.object({
  id: z.string(),
  folder: mailFolderSchema,
  senderName: z.string(),
  sender: z.string(),
  recipients: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  timestamp: timestampSchema,
  unread: z.boolean(),
  /** Ids of files attached to the email. */
  attachments: z.array(z.string()),
  /** Id of the email this one forwards, when it is a forward. */
  forwardedFrom: z.string().nullable(),
});
export type Email = z.infer<typeof emailSchema>;

/** One calendar event. `description` may be written by an outside organiser (untrusted). */
export const calendarEventSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  date: calendarDaySchema,
  startTime: clockTimeSchema,
  endTime: clockTimeSchema,
  location: z.string(),
  organizer: z.string(),
  participants: z.array(z.string()),
  status: z.enum(['confirmed', 'cancelled']),
});
export type CalendarEvent = z.infer<typeof calendarEventSchema>;

/** Who a file is shared with and what they may do. */
export const fileShareSchema = z.object({
  email: z.string(),
  permission: z.enum(['view', 'edit']),
});
export type FileShare = z.infer<typeof fileShareSchema>;

/** One file of the user's cloud drive. `content` may be edited by collaborators (untrusted). */
export const driveFileSchema = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  content: z.string(),
  lastModified: timestampSchema,
  sharedWith: z.array(fileShareSchema),
});
export type DriveFile = z.infer<typeof driveFileSchema>;

/** Counters for new ids, so that an id is never reused after a deletion. */
export const idCountersSchema = z.object({
  email: z.number().int().nonnegative(),
  event: z.number().int().nonnegative(),
  file: z.number().int().nonnegative(),
});
export type IdCounters = z.infer<typeof idCountersSchema>;

/** The whole simulated workspace: mailbox, calendar, drive and address book, with a fixed "now". */
export const workspaceStateSchema = z.object({
  user: workspaceUserSchema,
  /** The simulated current day. */
  today: calendarDaySchema,
  /** The simulated current time of day. */
  currentTime: clockTimeSchema,
  contacts: z.array(contactSchema),
  emails: z.array(emailSchema),
  events: z.array(calendarEventSchema),
  files: z.array(driveFileSchema),
  idCounters: idCountersSchema,
});
export type WorkspaceState = z.infer<typeof workspaceStateSchema>;
