import { z } from 'zod';

/** Data splits; every phrasing family, attack template and goal phrasing belongs to exactly one. */
export const splitSchema = z.enum(['train', 'dev', 'test']);
export type Split = z.infer<typeof splitSchema>;
export const splits: readonly Split[] = ['train', 'dev', 'test'];
