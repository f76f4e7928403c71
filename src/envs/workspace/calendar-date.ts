/**
 * Calendar arithmetic on `YYYY-MM-DD` strings, in UTC so that results never depend on the
 * machine's time zone (and never on the real clock).
 */

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function toUtc(day: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, date ?? 1));
}

function fromUtc(moment: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${moment.getUTCFullYear()}-${pad(moment.getUTCMonth() + 1)}-${pad(moment.getUTCDate())}`;
}

/** The day `count` days after `day` (before it when `count` is negative). */
export function addDays(day: string, count: number): string {
  const moment = toUtc(day);
  moment.setUTCDate(moment.getUTCDate() + count);
  return fromUtc(moment);
}

/** The English weekday name of `day` ("Monday"). */
export function weekdayOf(day: string): string {
  return weekdayNames[toUtc(day).getUTCDay()] ?? 'Monday';
}

/** True for Saturdays and Sundays. */
export function isWeekend(day: string): boolean {
  const weekday = toUtc(day).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The first weekday (Monday to Friday) on or after `day`. */
export function nextWorkday(day: string): string {
  let current = day;
  while (isWeekend(current)) current = addDays(current, 1);
  return current;
}

/** Minutes since midnight of an `HH:MM` time. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** The `HH:MM` time `minutes` after midnight (clamped to the same day). */
export function timeOf(minutes: number): string {
  const clamped = Math.max(0, Math.min(23 * 60 + 59, minutes));
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}:${String(clamped % 60).padStart(2, '0')}`;
}
