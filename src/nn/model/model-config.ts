/**
 * Shape of the llama-style decoder: pre-RMSNorm blocks, rotary positions, SwiGLU feed-forward,
 * token embedding tied to the output head. Stored as `config.json` next to the weights.
 */
import { z } from 'zod';

/** zod schema of a model configuration (also validates `config.json`). */
export const ModelConfigSchema = z
  .object({
    /** Vocabulary size (token ids are 0 … vocabSize − 1). */
    vocabSize: z.number().int().positive(),
    /** Width of the residual stream. */
    dModel: z.number().int().positive(),
    /** Number of decoder blocks. */
    layers: z.number().int().positive(),
    /** Attention heads per block (dModel / heads must be an even integer, for RoPE). */
    heads: z.number().int().positive(),
    /** Hidden width of the SwiGLU feed-forward. */
    ffHidden: z.number().int().positive(),
    /** Longest sequence (prompt + generation) the model is used with. */
    maxSequence: z.number().int().positive(),
    /** RoPE base frequency. */
    ropeTheta: z.number().positive().default(10000),
    /** ε of RMSNorm. */
    normEpsilon: z.number().positive().default(1e-5),
  })
  .strict()
  .refine((config) => config.dModel % config.heads === 0 && (config.dModel / config.heads) % 2 === 0, {
    message: 'dModel / heads must be an even integer',
  });

/** A validated model configuration. */
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Validates and fills defaults; throws a zod error naming the bad field. */
export function parseModelConfig(value: unknown): ModelConfig {
  return ModelConfigSchema.parse(value);
}

/** Width of one attention head. */
export function headSize(config: ModelConfig): number {
  return config.dModel / config.heads;
}
