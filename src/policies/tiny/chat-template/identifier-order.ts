/** What {@link identifiersAfterNames} asks of a string value. */
export interface IdentifierOrderTests {
  /** Whether the whole string is a record id (`htl-ams-03`, `email-12`). */
  isIdentifier(value: string): boolean;
  /** Whether the string holds a registered entity other than a record id (a hotel's name, a sender). */
  holdsEntity(value: string): boolean;
}

/**
 * A parsed JSON tool result with each record id written after the field that names its record:
 * in every object, a key whose value is a record id moves to just after the first later key whose
 * string value holds a registered entity (`{"hotelId": "htl-ams-03", "name": "The Heron Rooms"}`
 * becomes `{"name": "The Heron Rooms", "hotelId": "htl-ams-03"}`), so a model that has found the
 * record the user named can copy the id that follows it; a key with no such later key stays where
 * it is. Arrays and nested objects are reordered the same way; nothing else changes.
 */
export function identifiersAfterNames(value: unknown, tests: IdentifierOrderTests): unknown {
  if (Array.isArray(value)) return value.map((item) => identifiersAfterNames(item, tests));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]): [string, unknown] => [key, identifiersAfterNames(item, tests)]);
  const names = (item: unknown): boolean => typeof item === 'string' && !tests.isIdentifier(item) && tests.holdsEntity(item);
  const ordered: Array<[string, unknown]> = [];
  const waiting: Array<[string, unknown]> = [];
  entries.forEach((entry, index) => {
    const item = entry[1];
    if (typeof item === 'string' && tests.isIdentifier(item) && entries.slice(index + 1).some(([, later]) => names(later))) {
      waiting.push(entry);
      return;
    }
    ordered.push(entry);
    if (names(item)) ordered.push(...waiting.splice(0));
  });
  return Object.fromEntries(ordered);
}
