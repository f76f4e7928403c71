/**
 * Seeded text generators for the tokenizer's tests: a small varied corpus (prose, JSON tool
 * calls, IBANs, e-mails, numbers, unicode) and random strings over every kind of character.
 * Test support only; nothing in the library imports it.
 */

/** A deterministic pseudo-random generator (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const words = [
  'the', 'payment', 'invoice', 'send', 'money', 'to', 'please', 'read', 'file', 'balance', 'account', 'email',
  'calendar', 'meeting', 'tomorrow', "don't", "it's", "we'll", "they're", 'Ann', 'Annual', 'Smith', 'hotel',
  'Paris', 'Zürich', 'naïve', 'café', 'straße', 'Ελλάδα', 'Москва', '東京', '你好', 'مرحبا', 'שלום', 'नमस्ते',
];
const punctuation = ['.', ',', '!', '?', ':', ';', '—', '...', '"', "'", '(', ')', '[', ']', '{', '}', '-', '/', '@', '#', '€', '$', '%'];
const exotic = [
  '😀', '👍🏽', '👩‍💻', '🇫🇷', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'e\u0301', '\u0000', '\u0001', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u00a0',
  '\u200b', '\u200d', '\u2028', '\u2029', '\ufeff', '\ufffd', '\t', '\r\n', '\n\n', '   ', '\u3000', '<|user|>', '<|e3|>', '<|end|>',
];

/** One line of the varied corpus. */
export function corpusLine(random: () => number): string {
  const kind = random();
  if (kind < 0.5) {
    const length = 3 + Math.floor(random() * 14);
    const parts: string[] = [];
    for (let index = 0; index < length; index += 1) {
      const roll = random();
      if (roll < 0.75) parts.push(pick(random, words));
      else if (roll < 0.85) parts.push(String(Math.floor(random() * 100000) / 100));
      else if (roll < 0.95) parts.push(pick(random, punctuation));
      else parts.push(pick(random, exotic));
    }
    return parts.join(random() < 0.8 ? ' ' : '');
  }
  if (kind < 0.8) {
    const iban = `DE${Math.floor(random() * 1e9)}${Math.floor(random() * 1e9)}`;
    return JSON.stringify({ name: pick(random, ['send_money', 'read_file', 'send_email']), arguments: { recipient: iban, amount: Math.floor(random() * 1000), subject: pick(random, words) } });
  }
  const length = 1 + Math.floor(random() * 8);
  let text = '';
  for (let index = 0; index < length; index += 1) text += pick(random, [...exotic, ...punctuation, ...words]);
  return text;
}

/** `count` lines of the varied corpus from `seed`. */
export function corpus(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => corpusLine(random));
}

/** A random string of code units of every kind: ASCII, control, Latin-1, BMP, astral, and occasionally a lone surrogate when `allowLoneSurrogates`. */
export function randomString(random: () => number, maximumLength: number, allowLoneSurrogates = false): string {
  const length = Math.floor(random() * (maximumLength + 1));
  let text = '';
  for (let index = 0; index < length; index += 1) {
    const roll = random();
    if (roll < 0.4) text += String.fromCharCode(32 + Math.floor(random() * 95));
    else if (roll < 0.5) text += String.fromCharCode(Math.floor(random() * 32));
    else if (roll < 0.6) text += String.fromCharCode(0x80 + Math.floor(random() * 0x180));
    else if (roll < 0.75) {
      let code = 0x400 + Math.floor(random() * (0xfffe - 0x400));
      if (code >= 0xd800 && code <= 0xdfff) code -= 0x1000;
      text += String.fromCharCode(code);
    } else if (roll < 0.85) text += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
    else if (roll < 0.95) text += pick(random, exotic);
    else if (allowLoneSurrogates) text += String.fromCharCode(0xd800 + Math.floor(random() * 0x800));
    else text += ' ';
  }
  return text;
}
