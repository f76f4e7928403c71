import { describe, expect, it } from 'vitest';
import { generationStopTokenIds, templateTokenIds, tinyChatSpecialTokens } from './special-tokens.js';
import { entityKindSchema } from '../../../envs/entity.js';
import { loadTinyChatTemplate, tinyChatTemplateSchema } from './template.js';
import { testTokenizer } from './test-support.js';

describe('tiny chat template data', () => {
  it('loads data/templates/tiny-chat.json and lists 12 named special tokens, then each entity kind\'s slots, padding first', () => {
    const template = loadTinyChatTemplate();
    const specials = tinyChatSpecialTokens();
    const kinds = template.entitySlots.kinds!;
    expect(specials).toHaveLength(12 + template.entitySlots.count);
    expect(template.entitySlots.count).toBe(kinds.reduce((sum, item) => sum + item.count, 0));
    expect(new Set(specials).size).toBe(specials.length);
    expect(specials[0]).toBe('<|pad|>');
    expect(specials.slice(12, 14)).toEqual([`<|${kinds[0]!.kind}-0|>`, `<|${kinds[0]!.kind}-1|>`]);
    expect(specials.at(-1)).toBe(`<|${kinds.at(-1)!.kind}-${kinds.at(-1)!.count - 1}|>`);
    // Every entity kind an environment registers has slots of its own.
    expect(new Set(kinds.map((item) => item.kind))).toEqual(new Set(entityKindSchema.options));
  });

  it('rejects a template whose special tokens collide, or whose slot count is not its kinds\' sum', () => {
    const template = loadTinyChatTemplate();
    const broken = { ...template, specialTokens: { ...template.specialTokens, user: template.specialTokens.assistant } };
    expect(tinyChatTemplateSchema.safeParse(broken).success).toBe(false);
    const slotClash = { ...template, specialTokens: { ...template.specialTokens, truncated: '<|iban-5|>' } };
    expect(tinyChatTemplateSchema.safeParse(slotClash).success).toBe(false);
    const numbered = { ...template, entitySlots: { count: 64, prefix: '<|e', suffix: '|>' }, specialTokens: { ...template.specialTokens, truncated: '<|e5|>' } };
    expect(tinyChatTemplateSchema.safeParse(numbered).success).toBe(false);
    const miscounted = { ...template, entitySlots: { ...template.entitySlots, count: template.entitySlots.count + 1 } };
    expect(tinyChatTemplateSchema.safeParse(miscounted).error?.issues[0]?.path).toEqual(['entitySlots', 'count']);
  });

  it('spells linked record-id slots after the kind that names them, and rejects a link to no slotted kind', () => {
    const template = loadTinyChatTemplate();
    const kinds = template.entitySlots.kinds!;
    const linked = { ...template, entitySlots: { ...template.entitySlots, count: template.entitySlots.count + 2, kinds: [...kinds, { kind: 'identifier', count: 2, linkedTo: 'hotel' }] } };
    const parsed = tinyChatTemplateSchema.parse(linked);
    expect(tinyChatSpecialTokens(parsed).slice(-2)).toEqual(['<|hotel-id-0|>', '<|hotel-id-1|>']);
    const notIdentifier = { ...linked, entitySlots: { ...linked.entitySlots, kinds: [...kinds, { kind: 'date', count: 2, linkedTo: 'hotel' }] } };
    expect(tinyChatTemplateSchema.safeParse(notIdentifier).error?.issues[0]?.message).toMatch(/must be of kind identifier/);
    const withoutHotels = { ...linked, entitySlots: { ...linked.entitySlots, count: linked.entitySlots.count - 14, kinds: [...kinds.filter((item) => item.kind !== 'hotel'), { kind: 'identifier', count: 2, linkedTo: 'hotel' }] } };
    expect(tinyChatTemplateSchema.safeParse(withoutHotels).error?.issues[0]?.message).toMatch(/linkedTo hotel is not a kind/);
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
