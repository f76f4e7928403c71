import { describe, expect, it } from 'vitest';
import { corpus, randomString, seededRandom } from './test-corpus.js';
import { trainTokenizer } from './train-tokenizer.js';

const specialTokens = ['<|pad|>', '<|user|>', '<|assistant|>', '<|end|>', '<|e3|>', '<|😀|>'];
const trainingTexts = corpus(1, 3000);
const tokenizer = trainTokenizer(trainingTexts, { vocabSize: 700, specialTokens });
const specialIds = new Set(specialTokens.map((content) => tokenizer.specialTokenId(content)));

describe('byte-level BPE tokenizer', () => {
  it('lays out ids as special tokens, then 256 byte tokens, then merges, and reaches the vocabulary size', () => {
    expect(specialTokens.map((content) => tokenizer.specialTokenId(content))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(tokenizer.vocabularySize).toBe(700);
    expect(tokenizer.idToToken(specialTokens.length)).toBe('!');
    expect(tokenizer.idToToken(specialTokens.length + 255)).toBe('Ń');
    expect(tokenizer.merges.length).toBeGreaterThanOrEqual(700 - specialTokens.length - 256);
  });

  it('round-trips any well-formed string exactly (random strings of every kind of character)', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 3000; trial += 1) {
      const text = randomString(random, 80);
      const ids = tokenizer.encode(text);
      expect(tokenizer.decode(ids)).toBe(text);
      expect(ids.some((id) => specialIds.has(id))).toBe(false);
      expect(tokenizer.decode(tokenizer.encodeWithSpecialTokens(text))).toBe(text);
    }
  });

  it('round-trips the corpus it was trained on and compresses it', () => {
    let bytes = 0;
    let tokens = 0;
    for (const text of corpus(2, 500)) {
      const ids = tokenizer.encode(text);
      expect(tokenizer.decode(ids)).toBe(text);
      bytes += Buffer.byteLength(text, 'utf8');
      tokens += ids.length;
    }
    expect(tokens).toBeLessThan(bytes * 0.6);
  });

  it('round-trips edge cases: empty text, a byte-order mark, lone control characters, emoji sequences', () => {
    for (const text of ['', '\ufeff', '\ufeffhello', '\u0000', ' ', '  \n\t ', '👩‍👩‍👧‍👦🇫🇷', 'e\u0301', "it's 'll 's", '\r\n\r\n']) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  it('turns a lone surrogate (which has no UTF-8 form) into U+FFFD, as TextEncoder does', () => {
    expect(tokenizer.decode(tokenizer.encode('a\ud800b'))).toBe('a\ufffdb');
  });

  it('keeps special tokens atomic and never produces them from plain text', () => {
    const text = 'hi<|user|>Ann<|e3|><|e3|>x<|😀|>';
    const ids = tokenizer.encodeWithSpecialTokens(text);
    expect(ids.filter((id) => specialIds.has(id))).toEqual([1, 4, 4, 5]);
    expect(tokenizer.decode(ids)).toBe(text);
    const plain = tokenizer.encode(text);
    expect(plain.some((id) => specialIds.has(id))).toBe(false);
    expect(tokenizer.decode(plain)).toBe(text);
    for (const content of specialTokens) {
      expect(tokenizer.encodeWithSpecialTokens(content)).toEqual([tokenizer.specialTokenId(content)]);
      expect(tokenizer.merges.some(([left, right]) => left + right === content)).toBe(false);
    }
  });

  it('prefers the longest special token where two start at the same place', () => {
    const nested = trainTokenizer(['abc'], { vocabSize: 300, specialTokens: ['<|a|>', '<|a|><|b|>'] });
    expect(nested.encodeWithSpecialTokens('<|a|><|b|><|a|>')).toEqual([1, 0]);
  });

  it('trains deterministically, whatever the order of the texts', () => {
    const again = trainTokenizer(trainingTexts, { vocabSize: 700, specialTokens });
    const shuffled = trainTokenizer([...trainingTexts].reverse(), { vocabSize: 700, specialTokens });
    expect(again.vocabulary).toEqual(tokenizer.vocabulary);
    expect(again.merges).toEqual(tokenizer.merges);
    expect(shuffled.vocabulary).toEqual(tokenizer.vocabulary);
    expect(shuffled.merges).toEqual(tokenizer.merges);
  });

  it('stops merging below the minimum frequency', () => {
    const small = trainTokenizer(['aaaa bbbb', 'aaaa'], { vocabSize: 1000, specialTokens: [], minFrequency: 2 });
    expect(small.vocabularySize).toBeLessThan(1000);
    expect(small.encode('aaaa')).toHaveLength(1);
    expect(small.encode(' bbbb').length).toBeGreaterThan(1);
  });

  it('rejects a vocabulary size too small for the byte and special tokens', () => {
    expect(() => trainTokenizer([], { vocabSize: 100, specialTokens })).toThrow(/below/);
  });

  it('encodes long words (beyond the scanning path) like short ones', () => {
    const long = 'the payment invoice '.repeat(5).replace(/ /g, '');
    const pieces = tokenizer.encode(long);
    expect(tokenizer.decode(pieces)).toBe(long);
    const whitespace = ' '.repeat(300) + '\n'.repeat(40);
    expect(tokenizer.decode(tokenizer.encode(whitespace))).toBe(whitespace);
  });
});
