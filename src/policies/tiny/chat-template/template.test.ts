import { describe, expect, it } from 'vitest';
import { generationStopTokenIds, templateTokenIds, tinyChatSpecialTokens } from './special-tokens.js';
import { loadTinyChatTemplate, tinyChatTemplateSchema } from './template.js';
import { testTokenizer } from './test-support.js';

describe('tiny chat template data', () => {
  it('loads data/templates/tiny-chat.json and lists 12 named special tokens and 64 slots, padding first', () => {
    const specials = tinyChatSpecialTokens();
    expect(specials).toHaveLength(12 + 64);
    expect(new Set(specials).size).toBe(specials.length);
    expect(specials[0]).toBe('<|pad|>');
    expect(specials.slice(12, 14)).toEqual(['<|e0|>', '<|e1|>']);
    expect(specials.at(-1)).toBe('<|e63|>');
  });

  it('rejects a template whose special tokens collide', () => {
    const template = loadTinyChatTemplate();
    const broken = { ...template, specialTokens: { ...template.specialTokens, user: template.specialTokens.assistant } };
    expect(tinyChatTemplateSchema.safeParse(broken).success).toBe(false);
    const slotClash = { ...template, specialTokens: { ...template.specialTokens, truncated: '<|e5|>' } };
    expect(tinyChatTemplateSchema.safeParse(slotClash).success).toBe(false);
  });

  it('gives ids in list order in a tokenizer trained with the list, and the generation stop ids', () => {
    const tokenizer = testTokenizer();
    const ids = templateTokenIds(tokenizer, loadTinyChatTemplate());
    expect(ids.named.padding).toBe(0);
    expect(ids.slots[0]).toBe(12);
    expect(generationStopTokenIds(tokenizer)[0]).toBe(ids.named.endOfTurn);
    expect(generationStopTokenIds(tokenizer)).not.toContain(ids.named.toolCallEnd);
  });
});
