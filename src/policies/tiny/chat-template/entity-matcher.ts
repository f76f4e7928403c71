/** A piece of message text: plain text, or one occurrence of a registered entity value. */
export type EntitySegment = { kind: 'text'; text: string } | { kind: 'entity'; value: string };

const wordCharacter = /^[\p{L}\p{N}\p{M}_]$/u;
const digit = /^\p{N}$/u;
const numberSeparator = /^[.,]$/;

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && wordCharacter.test(character);
}

function isDigit(character: string | undefined): boolean {
  return character !== undefined && digit.test(character);
}

/** The code point that ends just before `index` in `text`, as a string. */
function characterBefore(text: string, index: number): string | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
  }
  return text[index - 1];
}

/** The code point that starts at `index` in `text`, as a string. */
function characterAt(text: string, index: number): string | undefined {
  if (index >= text.length) return undefined;
  const codePoint = text.codePointAt(index) as number;
  return String.fromCodePoint(codePoint);
}

/**
 * Whether an occurrence of `value` at [start, end) of `text` stands on its own: a value that
 * begins (ends) with a letter, digit or underscore must not be preceded (followed) by one — so
 * "Ann" is not found in "Annual" — and a value that begins (ends) with a digit must not continue
 * a number — so "100" is not found in "1,100" or "100.50".
 */
export function standsAlone(text: string, start: number, end: number, value: string): boolean {
  const first = characterAt(value, 0);
  const last = characterBefore(value, value.length);
  const before = characterBefore(text, start);
  const after = characterAt(text, end);
  if (isWordCharacter(first) && isWordCharacter(before)) return false;
  if (isWordCharacter(last) && isWordCharacter(after)) return false;
  if (isDigit(first) && before !== undefined && numberSeparator.test(before) && isDigit(characterBefore(text, start - before.length))) return false;
  if (isDigit(last) && after !== undefined && numberSeparator.test(after) && isDigit(characterAt(text, end + after.length))) return false;
  return true;
}

/**
 * Finds registered entity values in text. Longer values are claimed first, so "Ann Smith" wins
 * over "Ann"; an occurrence must stand alone ({@link standsAlone}) and may not overlap one
 * already claimed. Matching is exact (case-sensitive); blank values are ignored. Optionally,
 * text matching `pattern` (record ids such as `email-45`) is claimed as well, after the values.
 */
export class EntityMatcher {
  private readonly values: string[];
  private readonly pattern: RegExp | undefined;

  constructor(values: Iterable<string>, pattern?: string | null) {
    this.pattern = pattern ? new RegExp(pattern, 'gu') : undefined;
    this.values = [...new Set(values)]
      .filter((value) => value.trim().length > 0)
      .sort((left, right) => right.length - left.length || (left < right ? -1 : left > right ? 1 : 0));
  }

  /** `text` cut into plain text and entity occurrences, in order; concatenated, they give `text` back. */
  segment(text: string): EntitySegment[] {
    if ((this.values.length === 0 && this.pattern === undefined) || text.length === 0) return text.length === 0 ? [] : [{ kind: 'text', text }];
    const claimed = new Uint8Array(text.length);
    const occurrences: Array<{ start: number; value: string }> = [];
    for (const value of this.values) {
      let from = 0;
      for (;;) {
        const start = text.indexOf(value, from);
        if (start < 0) break;
        const end = start + value.length;
        if (standsAlone(text, start, end, value) && !claimed.subarray(start, end).includes(1)) {
          claimed.fill(1, start, end);
          occurrences.push({ start, value });
          from = end;
        } else from = start + 1;
      }
    }
    if (this.pattern !== undefined) {
      for (const match of text.matchAll(this.pattern)) {
        const start = match.index;
        const end = start + match[0].length;
        if (match[0].length > 0 && standsAlone(text, start, end, match[0]) && !claimed.subarray(start, end).includes(1)) {
          claimed.fill(1, start, end);
          occurrences.push({ start, value: match[0] });
        }
      }
    }
    if (occurrences.length === 0) return [{ kind: 'text', text }];
    occurrences.sort((left, right) => left.start - right.start);
    const segments: EntitySegment[] = [];
    let position = 0;
    for (const { start, value } of occurrences) {
      if (start > position) segments.push({ kind: 'text', text: text.slice(position, start) });
      segments.push({ kind: 'entity', value });
      position = start + value.length;
    }
    if (position < text.length) segments.push({ kind: 'text', text: text.slice(position) });
    return segments;
  }
}
