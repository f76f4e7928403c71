import type { Random } from '../random.js';

const digits = '0123456789';
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** An IBAN without spaces and in upper case ("de89 3704…" → "DE893704…"). */
export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase();
}

/** The remainder modulo 97 of an IBAN's rearranged numeric form (1 for a valid IBAN). */
function ibanRemainder(countryCode: string, checkDigits: string, basicAccountNumber: string): number {
  const rearranged = `${basicAccountNumber}${countryCode}${checkDigits}`;
  let remainder = 0;
  for (const character of rearranged) {
    const value = /[A-Z]/.test(character) ? String(character.charCodeAt(0) - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** True when `iban` (spaces allowed) has a plausible shape and a correct ISO 13616 checksum. */
export function isValidIban(iban: string): boolean {
  const compact = normalizeIban(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  return ibanRemainder(compact.slice(0, 2), compact.slice(2, 4), compact.slice(4)) === 1;
}

/**
 * A random IBAN with a correct checksum. `format` describes the basic account number: `n` is a
 * digit, `a` an upper-case letter (e.g. "aaaannnnnnnnnn" for the Netherlands).
 */
export function generateIban(random: Random, countryCode: string, format: string): string {
  let basicAccountNumber = '';
  for (const symbol of format) basicAccountNumber += random.characters(symbol === 'a' ? letters : digits, 1);
  const checkDigits = String(98 - ibanRemainder(countryCode, '00', basicAccountNumber)).padStart(2, '0');
  return `${countryCode}${checkDigits}${basicAccountNumber}`;
}
