import { dateSpellings, normalizeIban } from '../../../envs/banking/index.js';

/** True when the answer names the date `isoDate` in any common spelling (ISO, "14 March 2026", "14.03.2026", ...). */
export function answerMentionsDate(answer: string | null, isoDate: string): boolean {
  if (answer === null) return false;
  const haystack = answer.toLowerCase();
  return dateSpellings(isoDate).some((spelling) => haystack.includes(spelling.toLowerCase()));
}

/** True when the answer names the IBAN, with or without spaces. */
export function answerMentionsIban(answer: string | null, iban: string): boolean {
  if (answer === null) return false;
  return normalizeIban(answer).includes(normalizeIban(iban));
}
