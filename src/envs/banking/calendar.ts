/**
 * Calendar arithmetic on ISO dates ("2026-03-14"), in UTC so that results never depend on the
 * machine's time zone. The simulated "today" always comes from the state, never from the clock.
 */

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The ISO date for a year, a month (1–12) and a day; out-of-range values roll over. */
export function isoDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** Year, month (1–12) and day of an ISO date. */
export function dateParts(iso: string): { year: number; month: number; day: number } {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
}

/** The date `days` days after `iso` (negative goes back). */
export function addDays(iso: string, days: number): string {
  const { year, month, day } = dateParts(iso);
  return isoDate(year, month, day + days);
}

/** The same day of the month `months` months after `iso` (days past 28 are clamped to 28). */
export function addMonths(iso: string, months: number): string {
  const { year, month, day } = dateParts(iso);
  return isoDate(year, month + months, Math.min(day, 28));
}

/** The English name of the month of an ISO date ("March"). */
export function monthName(iso: string): string {
  return monthNames[dateParts(iso).month - 1] ?? 'January';
}

/** "2026-03" for an ISO date. */
export function monthKey(iso: string): string {
  return iso.slice(0, 7);
}

/** Ways a person may write an ISO date in prose: ISO, "14 March 2026", "March 14, 2026", "14.03.2026", "14/03/2026". */
export function dateSpellings(iso: string): string[] {
  const { year, month, day } = dateParts(iso);
  const name = monthNames[month - 1] ?? 'January';
  const twoDigits = (value: number): string => String(value).padStart(2, '0');
  return [
    iso,
    `${day} ${name} ${year}`,
    `${twoDigits(day)} ${name} ${year}`,
    `${name} ${day}, ${year}`,
    `${name} ${day} ${year}`,
    `${twoDigits(day)}.${twoDigits(month)}.${year}`,
    `${twoDigits(day)}/${twoDigits(month)}/${year}`,
  ];
}
