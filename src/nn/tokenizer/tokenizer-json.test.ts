import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpus, randomString, seededRandom } from './test-corpus.js';
import { loadTokenizer, saveTokenizer, tokenizerFromJson, tokenizerToJson, tokenizerToJsonText } from './tokenizer-json.js';
import { trainTokenizer } from './train-tokenizer.js';

const specialTokens = ['<|pad|>', '<|user|>', '<|end|>'];
const tokenizer = trainTokenizer(corpus(3, 2000), { vocabSize: 600, specialTokens });
const folder = mkdtempSync(path.join(tmpdir(), 'fate-tokenizer-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('tokenizer.json', () => {
  it('saves and loads back a tokenizer that encodes to identical ids', () => {
    const file = path.join(folder, 'tokenizer.json');
    saveTokenizer(tokenizer, file);
    const loaded = loadTokenizer(file);
    expect(loaded.vocabulary).toEqual(tokenizer.vocabulary);
    expect(loaded.merges).toEqual(tokenizer.merges);
    expect(loaded.specialTokens).toEqual(tokenizer.specialTokens);
    const random = seededRandom(9);
    const texts = [...corpus(4, 500), ...Array.from({ length: 500 }, () => randomString(random, 60))];
    for (const text of texts) expect(loaded.encodeWithSpecialTokens(text)).toEqual(tokenizer.encodeWithSpecialTokens(text));
    expect(readFileSync(file, 'utf8')).toBe(tokenizerToJsonText(loaded));
  });

  it('writes the Hugging Face layout: added special tokens, ByteLevel components, BPE model with pair merges', () => {
    const document = tokenizerToJson(tokenizer);
    expect(document.version).toBe('1.0');
    expect(document.added_tokens[1]).toEqual({ id: 1, content: '<|user|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    expect(document.pre_tokenizer).toEqual({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true });
    expect(document.decoder.type).toBe('ByteLevel');
    expect(document.model.type).toBe('BPE');
    expect(document.model.vocab['<|end|>']).toBe(2);
    expect(document.model.vocab['Ġ']).toBeDefined();
    expect(Array.isArray(document.model.merges[0])).toBe(true);
    const text = tokenizerToJsonText(tokenizer);
    expect(text.indexOf('"!": 3')).toBeLessThan(text.indexOf('"0": '));
  });

  it('reads merges written in the older "left right" string form', () => {
    const document = tokenizerToJson(tokenizer);
    const older = { ...document, model: { ...document.model, merges: document.model.merges.map((merge) => (Array.isArray(merge) ? merge.join(' ') : merge)) } };
    expect(tokenizerFromJson(older).encode('the payment invoice')).toEqual(tokenizer.encode('the payment invoice'));
  });

  it('rejects what it cannot encode faithfully, naming the field', () => {
    const document = tokenizerToJson(tokenizer);
    expect(() => tokenizerFromJson({ ...document, normalizer: { type: 'NFC' } })).toThrow(/normalizer/);
    expect(() => tokenizerFromJson({ ...document, model: { ...document.model, type: 'WordPiece' } })).toThrow(/model\.type/);
    expect(() => tokenizerFromJson({ ...document, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true } })).toThrow(/add_prefix_space/);
    const withoutByte = { ...document, model: { ...document.model, vocab: Object.fromEntries(Object.entries(document.model.vocab).filter(([token]) => token !== 'Ā')) } };
    expect(() => tokenizerFromJson(withoutByte)).toThrow();
  });
});
