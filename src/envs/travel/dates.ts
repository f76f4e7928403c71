/**
 * Calendar arithmetic on ISO dates ("YYYY-MM-DD") in UTC. Pure functions of their arguments: the
 * simulated "today" lives in the state, never in the real clock.
 */

const millisecondsPerDay = 86_400_000;

function toUtcMilliseconds(isoDate: string): number {
  const [year, month, day] = isoDate.split('-').map(Number);
  return Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1);
}

function fromUtcMilliseconds(milliseconds: number): string {
  return new Date(milliseconds).toISOString().slice(0, 10);
}

/** True when `text` is a real calendar date written as YYYY-MM-DD. */
export function isValidIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return fromUtcMilliseconds(toUtcMilliseconds(text)) === text;
}

/** The date `days` days after `isoDate` (negative goes back). */
export function addDays(isoDate: string, days: number): string {
  return fromUtcMilliseconds(toUtcMilliseconds(isoDate) + days * millisecondsPerDay);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMilliseconds(to) - toUtcMilliseconds(from)) / millisecondsPerDay);
}

/** Every night of a stay: the dates from `checkIn` up to, not including, `checkOut`. */
export function nightsOf(checkIn: string, checkOut: string): string[] {
  const nights: string[] = [];
  for (let date = checkIn; date < checkOut; date = addDays(date, 1)) nights.push(date);
  return nights;
}

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** The English weekday name of `isoDate` ("Monday"). */
export function weekdayOf(isoDate: string): string {
  return weekdayNames[new Date(toUtcMilliseconds(isoDate)).getUTCDay()] ?? 'Sunday';
}

/** Minutes since midnight of an "HH:MM" time. */
export function minutesOf(clockTime: string): number {
  const [hours, minutes] = clockTime.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** "HH:MM" for minutes since midnight. */
export function clockTimeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
