import type { CalendarEvent, DriveFile, Email, WorkspaceState } from './state.js';

/**
 * Adding records to a workspace state with fresh ids (`email-12`, `event-4`, `file-7`). Used by
 * the world generator, by task builders and by the write tools, so ids follow one scheme.
 */

/** The simulated "now" of a state, `YYYY-MM-DD HH:MM`. */
export function nowOf(state: WorkspaceState): string {
  return `${state.today} ${state.currentTime}`;
}

/** Appends an email with a fresh id and returns it. */
export function addEmail(state: WorkspaceState, fields: Omit<Email, 'id'>): Email {
  state.idCounters.email += 1;
  const email: Email = { id: `email-${state.idCounters.email}`, ...fields };
  state.emails.push(email);
  return email;
}

/** Appends a calendar event with a fresh id and returns it. */
export function addEvent(state: WorkspaceState, fields: Omit<CalendarEvent, 'id'>): CalendarEvent {
  state.idCounters.event += 1;
  const event: CalendarEvent = { id: `event-${state.idCounters.event}`, ...fields };
  state.events.push(event);
  return event;
}

/** Appends a drive file with a fresh id and returns it. */
export function addFile(state: WorkspaceState, fields: Omit<DriveFile, 'id'>): DriveFile {
  state.idCounters.file += 1;
  const file: DriveFile = { id: `file-${state.idCounters.file}`, ...fields };
  state.files.push(file);
  return file;
}
