import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../nn/seeded-random.js';
import { compilePattern } from './pattern-automaton.js';

/** The patterns the suites' tool schemas carry (e-mail, date, time, URL), and a few more. */
const patterns = [
  "^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$",
  '^\\d{4}-\\d{2}-\\d{2}$',
  '^([01]\\d|2[0-3]):[0-5]\\d$',
  '^https?:\\/\\/[^\\s/]+\\.[^\\s/]+\\S*$',
  '^[a-z]{3}$',
  '^(ab|c)?d{1,3}[^x-z]$',
];

const examples = [
  'anna.meier@example.com', 'a@b.co', 'x.y.z+tag@mail.example.org', '.a@b.co', 'a..b@c.de', 'a@b', 'a@b.c', 'a@-b.com', 'anna meier@example.com',
  '2026-07-30', '2026-7-30', '20260730', '2026-07-30 ', '12:45', '23:59', '24:00', '9:30', '07:60',
  'https://example.com/page', 'http://a.b', 'https://example', 'https://exa mple.com', 'ftp://example.com', 'https://events.meetspace.io/e/x-1',
  'abc', 'ab', 'abcd', 'Abc', 'abdy', 'cddde', 'ddd1', 'dx', 'abd', '',
];

describe('pattern automaton', () => {
  it('accepts exactly what the regular expression matches (examples and random strings)', () => {
    const random = new SeededRandom(7);
    const alphabet = 'ab.@-:/ 0123456789htpsxyz';
    for (const source of patterns) {
      const automaton = compilePattern(source);
      expect(automaton, source).toBeDefined();
      const regex = new RegExp(source);
      const strings = [...examples];
      for (let index = 0; index < 400; index++) strings.push(Array.from({ length: 1 + Math.floor(random.uniform() * 12) }, () => alphabet[Math.floor(random.uniform() * alphabet.length)]).join(''));
      for (const text of strings) expect(automaton!.accepts(automaton!.advanceText(automaton!.initial, text)), `${source} on ${JSON.stringify(text)}`).toBe(regex.test(text));
    }
  });

  it('stays alive on every prefix of a match and dies as soon as no match can follow', () => {
    const email = compilePattern(patterns[0]!)!;
    const date = compilePattern(patterns[1]!)!;
    const time = compilePattern(patterns[2]!)!;
    const url = compilePattern(patterns[3]!)!;
    for (const [automaton, text] of [[email, 'x.y+z@mail.example.org'], [date, '2026-07-30'], [time, '23:05'], [url, 'https://a.example/b?c=1']] as const) {
      for (let end = 0; end <= text.length; end++) expect(automaton.advanceText(automaton.initial, text.slice(0, end)), text.slice(0, end)).not.toBe('');
    }
    expect(date.advanceText(date.initial, '2026/')).toBe('');
    expect(time.advanceText(time.initial, '24')).toBe('');
    expect(url.advanceText(url.initial, 'www')).toBe('');
    expect(email.advanceText(email.initial, 'a@.')).toBe('');
    expect(email.advanceText(email.initial, '.')).toBe('');
    // Alive but not yet a match.
    expect(email.accepts(email.advanceText(email.initial, 'a@b.c'))).toBe(false);
    expect(email.advanceText(email.initial, 'a@b.c')).not.toBe('');
  });

  it('knows the fewest characters that complete a match', () => {
    const email = compilePattern(patterns[0]!)!;
    const date = compilePattern(patterns[1]!)!;
    const at = (automaton: typeof email, text: string) => automaton.distance(automaton.advanceText(automaton.initial, text));
    expect(at(email, '')).toBe(6);
    expect(at(email, 'ann')).toBe(5);
    expect(at(email, 'ann@')).toBe(4);
    expect(at(email, 'ann@mail.c')).toBe(1);
    expect(at(email, 'ann@mail.co')).toBe(0);
    expect(at(date, '2026-')).toBe(5);
    expect(at(date, '2026/')).toBe(Infinity);
  });

  it('declines what it does not support, so the string stays free', () => {
    for (const source of ['abc', '^abc', '^(?!\\.)a$', '^(a)\\1$', '^a+?$', '^(?<name>a)$', '^\\bword$', '^a{1,100}$']) expect(compilePattern(source), source).toBeUndefined();
  });
});
