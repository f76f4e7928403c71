import { z } from 'zod';
import { readDataFile } from '../../../envs/data-file.js';
import { entityKindSchema } from '../../../envs/entity.js';

/** The names of the template's special tokens, in the order their ids are given (then the entity slots). */
export const specialTokenNames = [
  'padding',
  'beginOfSequence',
  'endOfSequence',
  'system',
  'user',
  'assistant',
  'tool',
  'endOfTurn',
  'toolCallStart',
  'toolCallEnd',
  'toolsList',
  'truncated',
] as const;
/** One of the template's special tokens, by role. */
export type SpecialTokenName = (typeof specialTokenNames)[number];

const tokenSpelling = z.string().min(1);

/** The tiny policy's chat template as written in `data/templates/tiny-chat.json`. */
export const tinyChatTemplateSchema = z
  .object({
    description: z.string().optional(),
    specialTokens: z.object(Object.fromEntries(specialTokenNames.map((name) => [name, tokenSpelling])) as Record<SpecialTokenName, typeof tokenSpelling>).strict(),
    entitySlots: z.object({
      count: z.number().int().min(1).max(1024),
      prefix: z.string().min(1),
      suffix: z.string(),
      /**
       * Slots by entity kind: each kind numbers its values in a range of its own, spelled
       * `prefix + kind + '-' + n + suffix` (`<|hotel-0|>`), so a slot says what kind of value it
       * stands for (never whose: the payee's IBAN and the attacker's look alike). Without it slots
       * are numbered across kinds (`<|e0|>`). `count` is then the sum of the kinds' counts.
       */
      kinds: z
        .array(
          z.object({
            kind: entityKindSchema,
            count: z.number().int().min(1),
            /**
             * Linked record ids: a range of `identifier` slots spelled `prefix + linkedTo + '-id-' + n
             * + suffix` (`<|hotel-id-2|>`), where slot n holds the id of the record that the linked
             * kind's slot n names (`<|hotel-2|>`) — see `record-names.ts`.
             */
            linkedTo: entityKindSchema.optional(),
          }),
        )
        .optional(),
    }),
    toolCall: z.object({
      namePrefix: z.string().min(1),
      argumentsSeparator: z.string().min(1),
      suffix: z.string(),
    }),
    toolList: z.object({
      lineSeparator: z.string(),
      descriptionSeparator: z.string(),
      optionalArgumentMarker: z.string(),
      argumentSeparator: z.string(),
      descriptionMaxCharacters: z.number().int().min(0),
      ellipsis: z.string(),
      showArguments: z.boolean().default(true),
    }),
    toolResultTokenBudget: z.number().int().min(2),
    toolResultTailTokens: z.number().int().min(0).default(0),
    toolResultEntityContextTokens: z.number().int().min(0).default(0),
    toolResultMinimumHeadTokens: z.number().int().min(0).default(0),
    /** Whether JSON tool results write each record id after the field that names its record (`identifiersAfterNames`). */
    toolResultIdentifiersAfterNames: z.boolean().default(false),
    /** A cut result's entity window starting at most this many tokens after the previous one joins it without a marker; 0: never. */
    toolResultWindowMergeGap: z.number().int().min(0).default(0),
    systemPrompt: z.enum(['keep', 'omit']).default('keep'),
    recordIdPattern: z.string().nullable().default(null),
  })
  .superRefine((template, context) => {
    if (template.toolResultTailTokens > template.toolResultTokenBudget - 2) {
      context.addIssue({ code: 'custom', message: 'toolResultTailTokens must leave room for the head and the truncation marker', path: ['toolResultTailTokens'] });
    }
    if (template.recordIdPattern !== null) {
      try {
        new RegExp(template.recordIdPattern, 'gu');
      } catch (error) {
        context.addIssue({ code: 'custom', message: `recordIdPattern is not a regular expression: ${(error as Error).message}`, path: ['recordIdPattern'] });
      }
    }
    const kinds = template.entitySlots.kinds;
    if (kinds) {
      const total = kinds.reduce((sum, item) => sum + item.count, 0);
      if (total !== template.entitySlots.count) context.addIssue({ code: 'custom', message: `count must be the sum of the kinds' counts (${total})`, path: ['entitySlots', 'count'] });
      const seenKinds = new Set<string>();
      for (const item of kinds) {
        const stem = slotSpellingStem(item);
        if (seenKinds.has(stem)) context.addIssue({ code: 'custom', message: `kind ${stem} is listed twice`, path: ['entitySlots', 'kinds'] });
        seenKinds.add(stem);
        if (item.linkedTo === undefined) continue;
        if (item.kind !== 'identifier') context.addIssue({ code: 'custom', message: `linked slots (linkedTo ${item.linkedTo}) must be of kind identifier`, path: ['entitySlots', 'kinds'] });
        if (!kinds.some((other) => other.kind === item.linkedTo && other.linkedTo === undefined)) {
          context.addIssue({ code: 'custom', message: `linkedTo ${item.linkedTo} is not a kind with slots of its own`, path: ['entitySlots', 'kinds'] });
        }
      }
    }
    const spellings = [
      ...specialTokenNames.map((name) => template.specialTokens[name]),
      ...(kinds
        ? kinds.flatMap((item) => Array.from({ length: item.count }, (_, index) => `${template.entitySlots.prefix}${slotSpellingStem(item)}-${index}${template.entitySlots.suffix}`))
        : Array.from({ length: template.entitySlots.count }, (_, slot) => `${template.entitySlots.prefix}${slot}${template.entitySlots.suffix}`)),
    ];
    const seen = new Set<string>();
    for (const spelling of spellings) {
      if (seen.has(spelling)) context.addIssue({ code: 'custom', message: `special token ${spelling} is spelled twice`, path: ['specialTokens'] });
      seen.add(spelling);
    }
  });
/** How a slot range is spelled before its number: its kind (`hotel`), or `hotel-id` for record ids linked to hotel slots. */
export function slotSpellingStem(range: { kind: string; linkedTo?: string | undefined }): string {
  return range.linkedTo === undefined ? range.kind : `${range.linkedTo}-id`;
}

/** The tiny policy's chat template (see {@link tinyChatTemplateSchema}). */
export type TinyChatTemplate = z.infer<typeof tinyChatTemplateSchema>;

let defaultTemplate: TinyChatTemplate | undefined;

/** The template in `data/templates/tiny-chat.json`, read and validated once. */
export function loadTinyChatTemplate(): TinyChatTemplate {
  defaultTemplate ??= readDataFile('templates/tiny-chat.json', tinyChatTemplateSchema);
  return defaultTemplate;
}
