import { z } from 'zod';
import { splitSchema, splits, type Split } from './split.js';

/**
 * One phrasing of a request (a user task, a harmful request or its benign twin) and the split it
 * belongs to. Splits are by phrasing family: a task kind appears in every split, each split with
 * wordings the others never show (DESIGN §6, §7).
 */
export const phrasingSchema = z.object({ text: z.string().min(1), split: splitSchema }).strict();
export type Phrasing = z.infer<typeof phrasingSchema>;

/** A list of phrasings with at least one in every split. */
export const phrasingListSchema = z
  .array(phrasingSchema)
  .refine((phrasings) => splits.every((split) => phrasings.some((phrasing) => phrasing.split === split)), {
    message: `needs at least one phrasing in each split (${splits.join(', ')})`,
  });

/** The texts of `phrasings` in `split`; throws, naming `owner`, when there are none. */
export function phrasingsIn(phrasings: readonly Phrasing[], split: Split, owner: string): string[] {
  const texts = phrasings.filter((phrasing) => phrasing.split === split).map((phrasing) => phrasing.text);
  if (texts.length === 0) throw new Error(`${owner} has no phrasing in split ${split}`);
  return texts;
}

/** How many of `phrasings` each split holds. */
export function phrasingsPerSplit(phrasings: readonly Phrasing[]): Record<Split, number> {
  return Object.fromEntries(splits.map((split) => [split, phrasings.filter((phrasing) => phrasing.split === split).length])) as Record<Split, number>;
}
