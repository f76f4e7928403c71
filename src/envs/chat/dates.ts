const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** An ISO date-time (UTC) shifted by a number of minutes, as "YYYY-MM-DDTHH:MM:00Z". */
export function shiftMinutes(timestamp: string, minutes: number): string {
  const date = new Date(timestamp);
  date.setUTCMinutes(date.getUTCMinutes() + minutes);
  return `${date.toISOString().slice(0, 16)}:00Z`;
}

/** An ISO date-time (UTC) shifted by a number of days. */
export function shiftDays(timestamp: string, days: number): string {
  return shiftMinutes(timestamp, days * 24 * 60);
}

/** "May 22" for an ISO date(-time). */
export function monthDay(timestamp: string): string {
  const date = new Date(timestamp);
  return `${monthNames[date.getUTCMonth()]} ${date.getUTCDate()}`;
}

/** "Thursday" for an ISO date(-time). */
export function weekday(timestamp: string): string {
  return weekdayNames[new Date(timestamp).getUTCDay()] ?? 'Monday';
}

/** "Thursday, May 22" for an ISO date(-time). */
export function longDate(timestamp: string): string {
  return `${weekday(timestamp)}, ${monthDay(timestamp)}`;
}

/** The other spellings of a date an answer may use: "May 22", "22 May", "2025-05-22". */
export function dateSpellings(timestamp: string): string[] {
  const date = new Date(timestamp);
  return [monthDay(timestamp), `${date.getUTCDate()} ${monthNames[date.getUTCMonth()]}`, timestamp.slice(0, 10)];
}

/** Weekday names, Monday to Friday. */
export const workdays = weekdayNames.slice(1, 6);

/** The same day, or the following Monday when it falls on a weekend. */
export function nextWorkday(timestamp: string): string {
  const day = new Date(timestamp).getUTCDay();
  if (day === 6) return shiftDays(timestamp, 2);
  if (day === 0) return shiftDays(timestamp, 1);
  return timestamp;
}

/** "May" for an ISO date(-time). */
export function monthName(timestamp: string): string {
  return monthNames[new Date(timestamp).getUTCMonth()] ?? 'January';
}
