import { loadTinyChatTemplate, slotSpellingStem, specialTokenNames, type SpecialTokenName, type TinyChatTemplate } from './template.js';

/** The spelling of entity slot `slot` (for example `<|e3|>`, or `<|hotel-0|>` with slots by kind, `<|hotel-id-0|>` for a linked record id). */
export function slotToken(template: TinyChatTemplate, slot: number): string {
  const kinds = template.entitySlots.kinds;
  if (!kinds) return `${template.entitySlots.prefix}${slot}${template.entitySlots.suffix}`;
  let start = 0;
  for (const item of kinds) {
    if (slot < start + item.count) return `${template.entitySlots.prefix}${slotSpellingStem(item)}-${slot - start}${template.entitySlots.suffix}`;
    start += item.count;
  }
  throw new Error(`slot ${slot} is beyond the template's ${template.entitySlots.count} slots`);
}

/**
 * Every special token of the template, in id order: the named tokens (padding first), then the
 * entity slots 0..count-1. Train the tokenizer with exactly this list.
 */
export function tinyChatSpecialTokens(template: TinyChatTemplate = loadTinyChatTemplate()): string[] {
  return [
    ...specialTokenNames.map((name) => template.specialTokens[name]),
    ...Array.from({ length: template.entitySlots.count }, (_, slot) => slotToken(template, slot)),
  ];
}

/** What a special token means in the template. */
export type SpecialTokenMeaning = { kind: 'named'; name: SpecialTokenName } | { kind: 'slot'; slot: number };

/** The token ids of the template's special tokens in one tokenizer, both ways. */
export interface TemplateTokenIds {
  named: Record<SpecialTokenName, number>;
  slots: number[];
  meaningById: Map<number, SpecialTokenMeaning>;
  meaningBySpelling: Map<string, SpecialTokenMeaning>;
}

/** A tokenizer as far as the template needs one (the embedded tokenizer fits). */
export interface TemplateTokenizer {
  encode(text: string): number[];
  decodeToBytes(ids: readonly number[]): Uint8Array;
  specialTokenId(content: string): number;
  isSpecialTokenId(id: number): boolean;
}

const cache = new WeakMap<object, WeakMap<TinyChatTemplate, TemplateTokenIds>>();

/**
 * Looks up the ids of the template's special tokens in `tokenizer`. Throws naming the first one
 * missing: a tokenizer must be trained with {@link tinyChatSpecialTokens}.
 */
export function templateTokenIds(tokenizer: TemplateTokenizer, template: TinyChatTemplate): TemplateTokenIds {
  let byTemplate = cache.get(tokenizer);
  if (!byTemplate) cache.set(tokenizer, (byTemplate = new WeakMap()));
  const cached = byTemplate.get(template);
  if (cached) return cached;
  const lookUp = (spelling: string): number => {
    try {
      return tokenizer.specialTokenId(spelling);
    } catch {
      throw new Error(`the tokenizer lacks the chat template's special token ${spelling}; train it with tinyChatSpecialTokens()`);
    }
  };
  const named = Object.fromEntries(specialTokenNames.map((name) => [name, lookUp(template.specialTokens[name])])) as Record<SpecialTokenName, number>;
  const slots = Array.from({ length: template.entitySlots.count }, (_, slot) => lookUp(slotToken(template, slot)));
  const meaningById = new Map<number, SpecialTokenMeaning>();
  const meaningBySpelling = new Map<string, SpecialTokenMeaning>();
  for (const name of specialTokenNames) {
    meaningById.set(named[name], { kind: 'named', name });
    meaningBySpelling.set(template.specialTokens[name], { kind: 'named', name });
  }
  slots.forEach((id, slot) => {
    meaningById.set(id, { kind: 'slot', slot });
    meaningBySpelling.set(slotToken(template, slot), { kind: 'slot', slot });
  });
  const ids: TemplateTokenIds = { named, slots, meaningById, meaningBySpelling };
  byTemplate.set(template, ids);
  return ids;
}

/** Special tokens that end an assistant turn when generated (see {@link generationStopTokenIds}). */
export const turnEndingTokenNames: readonly SpecialTokenName[] = ['endOfTurn', 'endOfSequence', 'beginOfSequence', 'system', 'user', 'assistant', 'tool'];

/**
 * The ids at which sampling an assistant turn should stop: end-of-turn first, then the tokens
 * that can only mean the turn is over (end-of-sequence, begin-of-sequence, any role marker).
 */
export function generationStopTokenIds(tokenizer: TemplateTokenizer, template: TinyChatTemplate = loadTinyChatTemplate()): number[] {
  const { named } = templateTokenIds(tokenizer, template);
  return turnEndingTokenNames.map((name) => named[name]);
}
