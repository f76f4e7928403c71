import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { evolveOverridesSchema, evolvePresetSchema, evolvePresets, mergeEvolveOverrides } from '../evolve/evolve-config.js';
import { pretrainConfigSchema } from '../organism/pretrain-config.js';
import { decodingOverridesSchema } from '../policies/tiny/decoding.js';
import { UserError } from './user-error.js';

/** `fate.config.json`: every option optional; CLI flags override it. */
export const configSchema = z
  .object({
    seed: z.number().int().nonnegative().describe('Seed of task generation and sampling').optional(),
    runsDirectory: z.string().min(1).describe('Where run folders are written (default ./runs)').optional(),
    eval: z
      .object({
        batchSize: z.number().int().positive().describe('Episodes advanced together per policy call (default 64)').optional(),
      })
      .strict()
      .optional(),
    decoding: decodingOverridesSchema
      .optional()
      .describe(
        'Evaluation decoding of the tiny and llamacpp policies (and the default temperature/top-p/seed of openai policies), the same for every method; defaults in src/policies/tiny/decoding.ts',
      ),
    evolve: evolveOverridesSchema
      .superRefine((overrides, context) => {
        // Every preset has the same shape: a section valid on one is valid on all.
        const result = evolvePresetSchema.safeParse(mergeEvolveOverrides(evolvePresets.default, overrides));
        if (!result.success) for (const issue of result.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      })
      .optional()
      .describe('Changes to the chosen `fate evolve` preset, any field (see src/evolve/evolve-config.ts), e.g. {"supervised": {"steps": 6}}'),
    pretrain: pretrainConfigSchema.optional().describe('Recipe of `fate pretrain` (see src/organism/pretrain-config.ts)'),
    suites: z
      .object({
        benignPerTemplate: z.number().int().positive().describe('Benign instances per user-task template, every split (default: train 4, dev and test 1)').optional(),
        attackedPerCombination: z.number().int().positive().describe('Attacked instances per template × goal × attack taken (default 1)').optional(),
        goalsPerAttack: z.number().int().positive().nullable().describe('Injection goals per template × attack, cycled; null = every goal (default: train null, dev and test 1)').optional(),
        harmInstancesPerBehaviour: z.number().int().positive().describe('Instances per harm behaviour and twin, every split (default: train 3, dev and test 1)').optional(),
        maxSteps: z.number().int().positive().describe('Step limit of an injection-suite episode (default 12)').optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type FateConfig = z.infer<typeof configSchema>;

/** The default config file name, looked for in the working directory. */
export const defaultConfigFile = 'fate.config.json';

/**
 * Loads the config from `file`, or from `./fate.config.json` when it exists; `{}` otherwise.
 * A missing, unparsable or invalid file throws a one-line {@link UserError} naming file and field.
 */
export function loadConfig(file: string | undefined, workingDirectory: string = process.cwd()): FateConfig {
  const resolved = file ? path.resolve(workingDirectory, file) : path.join(workingDirectory, defaultConfigFile);
  if (!existsSync(resolved)) {
    if (file) throw new UserError(`${resolved}: config file not found`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolved, 'utf8'));
  } catch (error) {
    throw new UserError(`${resolved}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || (issue && 'keys' in issue ? String((issue as { keys: string[] }).keys.join(', ')) : '(root)');
    throw new UserError(`${resolved}: field ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
