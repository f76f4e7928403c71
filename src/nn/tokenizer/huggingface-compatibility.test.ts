import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { corpus, randomString, seededRandom } from './test-corpus.js';
import { tokenizerConfigJson, tokenizerToJsonText } from './tokenizer-json.js';
import { trainTokenizer } from './train-tokenizer.js';

const specialTokens = ['<|bos|>', '<|user|>', '<|assistant|>', '<|end|>', '<|call|>', '<|/call|>', '<|e0|>', '<|e1|>', '<|e12|>'];
const ours = trainTokenizer(corpus(11, 4000), { vocabSize: 900, specialTokens });
const theirs = new HuggingFaceTokenizer(JSON.parse(tokenizerToJsonText(ours)), tokenizerConfigJson());

function variedTexts(): string[] {
  const random = seededRandom(5);
  const texts = corpus(12, 1500);
  for (let index = 0; index < 1500; index += 1) texts.push(randomString(random, 120, true));
  texts.push(
    '<|user|>Pay <|e0|> 120.00 EUR<|end|><|assistant|><|call|>{"name": "send_money", "arguments": {"iban": "<|e1|>"}}<|/call|><|end|>',
    '<|e12|><|e1|><|e0|><|e1',
    'paymentpaymentpaymentpaymentpaymentinvoiceinvoiceinvoiceinvoice',
    'x'.repeat(2000),
    ' '.repeat(700) + 'a',
    '\u0085\ufeff\u00a0\u2028 mixed whitespace',
  );
  return texts;
}

describe('compatibility with @huggingface/tokenizers', () => {
  it('loads our tokenizer.json and encodes a varied corpus to the same ids as our encoder', () => {
    let compared = 0;
    for (const text of variedTexts()) {
      if (text.length === 0) continue;
      const expected = ours.encodeWithSpecialTokens(text);
      expect(theirs.encode(text).ids, JSON.stringify(text)).toEqual(expected);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(2900);
  });

  it('decodes our ids to the same text', () => {
    for (const text of variedTexts()) {
      const ids = ours.encodeWithSpecialTokens(text);
      if (ids.length === 0) continue;
      expect(theirs.decode(ids)).toBe(ours.decode(ids));
    }
  });

  it('agrees on the vocabulary and the special tokens', () => {
    expect(theirs.get_vocab().size).toBe(ours.vocabularySize);
    for (const content of specialTokens) expect(theirs.token_to_id(content)).toBe(ours.specialTokenId(content));
    for (let id = 0; id < ours.vocabularySize; id += 50) expect(theirs.id_to_token(id)).toBe(ours.idToToken(id));
  });
});
