import type { Random } from '../random.js';
import type { CityPool } from './pools.js';
import { travelPools } from './pools.js';

/** Lower-case ASCII slug of `text` ("Gràcia Suites" → "gracia-suites"). */
export function slugOf(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A phone number following a city's pattern ("+351 21 ### ####"). */
export function phoneNumber(random: Random, city: CityPool): string {
  return city.phonePattern.replace(/#/g, () => String(random.int(10)));
}

/** A street address in the city's local style. */
export function streetAddress(random: Random, city: CityPool): string {
  const street = random.pick(city.streets);
  const number = random.between(1, 180);
  const postcode = random.pick(city.postcodes);
  return city.addressStyle === 'street-first' ? `${street} ${number}, ${postcode} ${city.name}` : `${number} ${street}, ${city.name} ${postcode}`;
}

/** The part of an address before the first comma ("Rua Augusta 12"), which is what people quote. */
export function streetLineOf(address: string): string {
  return address.split(',')[0]?.trim() ?? address;
}

/** A personal e-mail address for a full name ("maya.costa@proton.me", sometimes with digits). */
export function personalEmail(random: Random, fullName: string): string {
  const [first = 'guest', ...rest] = fullName.split(' ');
  const last = rest.join(' ') || 'traveller';
  const local = random.pick([`${slugOf(first)}.${slugOf(last)}`, `${slugOf(first)}${slugOf(last)}`, `${slugOf(first).charAt(0)}.${slugOf(last)}`, `${slugOf(first)}.${slugOf(last)}${random.between(1, 99)}`]);
  return `${local.replace(/-/g, '')}@${random.pick(travelPools().emailDomains)}`;
}

/**
 * A full name ("Maya Costa") not in `taken`; the name is added to `taken`. Falls back to a
 * middle initial when the pools run dry.
 */
export function uniqueFullName(random: Random, taken: Set<string>): string {
  const { firstNames, lastNames } = travelPools().people;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const name = `${random.pick(firstNames)} ${random.pick(lastNames)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  const name = `${random.pick(firstNames)} ${String.fromCharCode(65 + random.int(26))}. ${random.pick(lastNames)}`;
  taken.add(name);
  return name;
}

/** A reviewer's display name ("Sofia M."), distinct from those in `taken`. */
export function reviewerName(random: Random, taken: Set<string>): string {
  const { firstNames, lastNames } = travelPools().people;
  for (;;) {
    const name = `${random.pick(firstNames)} ${random.pick(lastNames).charAt(0)}.`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}
