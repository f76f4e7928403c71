import { z } from 'zod';
import { pfpoConfigSchema } from '../pfpo/pfpo-config.js';

const count = z.number().int().nonnegative();
const positive = z.number().int().positive();

/** How many tasks of each kind a pool or an evaluation takes (null = every task of the split). */
const kindCountsSchema = z
  .object({
    benign: count.nullable(),
    attacked: count.nullable(),
    harmful: count.nullable().describe('Harmful requests; the same number of benign twins is taken with them'),
  })
  .strict();
export type KindCounts = z.infer<typeof kindCountsSchema>;

const repairSchema = z
  .object({
    candidates: positive.describe('K, repair candidates per failure (DESIGN §2 step 2, default 8)'),
    promptStyle: z.enum(['compact', 'plain']).describe('Repair prompt rendering: compact for the embedded policy'),
    temperature: z
      .number()
      .min(0)
      .nullable()
      .default(null)
      .describe('Softmax temperature of the K candidates\' free text: null samples them with the policy\'s own decoding (the embedded policy\'s evaluation decoding; a config\'s `decoding` section may change it); every preset sets 1, the policy\'s unscaled distribution whatever the evaluation decoding, so that the K candidates the Pareto selection chooses among are as diverse as the policy can make them (our choice; lower writes cleaner repairs at the cost of diversity)'),
    repairPrompt: z.boolean().describe('Train on (p_f, a*) (DESIGN §2: both by default)'),
    originalPrompt: z.boolean().describe('Train on (x, a*), what the agent sees at deployment'),
    originalPromptPassingOnly: z
      .boolean()
      .describe(
        'Train on (x, a*) only when a* passes every objective\'s threshold: a partial repair (say, safe but the user\'s task left undone) is a better trade-off given the failure, but still a failure as an answer to x alone (our choice; (p_f, a*) is kept either way)',
      ),
    diagnosisExamples: z.boolean().describe('Also train on diagnosis examples made from each repaired failure (the failure labelled unsafe, a* labelled by its verdict), so the evolved policy is a better judge'),
    diagnosisShare: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .default(null)
      .describe('Share of the warmup\'s micro-batches drawn from the diagnosis examples (the rest from the other examples); null: drawn with the others alike, by tokens (our option: the diagnosis examples are long and far from what the policy writes as an agent)'),
  })
  .strict();

const supervisedSchema = z
  .object({
    steps: count.describe('Optimizer steps of the warmup on the repair buffer (stage 1) and of refusal-sft'),
    peakLearningRate: z.number().positive().describe('Peak of the warmup + cosine learning-rate schedule of those steps'),
    successes: z
      .boolean()
      .describe(
        'Also warm up on the round\'s own rollouts that passed every objective, (x, a) as the policy wrote them, so that the warmup on repairs does not unlearn what the policy already did right (our choice; the paper trains on repairs only)',
      ),
  })
  .strict();

const policyOptimizationSchema = z
  .object({
    prompts: count.describe('Training prompts per round, each sampled G times (stage 2)'),
    steps: count.describe('Optimizer steps per pass over the groups of a round (the groups are cut into this many mini-batches)'),
    epochs: positive
      .default(1)
      .describe('Passes over the groups of a round, each reshuffled (GRPO\'s μ iterations per batch; the clipped ratio to π_old keeps later passes near the sampling policy)'),
    peakLearningRate: z.number().positive().describe('Peak of the warmup + cosine learning-rate schedule of those steps'),
    temperature: z
      .number()
      .min(0)
      .default(1)
      .describe('Softmax temperature of what a turn does and of its text when the groups are sampled. 1 samples the policy itself, as the clipped ratio to π_old (scored at temperature 1) assumes, whatever the evaluation decoding (our choice)'),
    argumentTemperature: z
      .number()
      .min(0)
      .describe('Temperature of the tokens inside tool-call argument values when the groups are sampled. 1 samples the policy itself, as the clipped ratio to π_old assumes; evaluation and repairs keep the policy\'s decoding (the embedded policy writes argument values greedily)'),
  })
  .strict();

/**
 * Everything one `fate evolve` run does, per preset. Every method gets the same rollouts and the
 * same number of updates (issue: baselines under the same budget).
 */
export const evolvePresetSchema = z
  .object({
    rounds: positive.describe('Self-evolution rounds (DESIGN §2: rollouts → failures → repairs → warmup → PFPO → dev)'),
    seed: count.describe('Seed of task sampling, rollouts and training'),
    pools: kindCountsSchema.describe('Train-split tasks rolled out each round to collect failures (DESIGN §2 step 1)'),
    dev: kindCountsSchema.describe('Dev-split tasks evaluated after each round'),
    test: kindCountsSchema.describe('Test-split tasks evaluated at the end (request wordings, attacks, goal phrasings and worlds unseen in training)'),
    repair: repairSchema,
    supervised: supervisedSchema,
    policyOptimization: policyOptimizationSchema,
    pfpo: pfpoConfigSchema.describe('PFPO advantage and objective constants (DESIGN §2 step 4)'),
  })
  .strict();
export type EvolvePreset = z.infer<typeof evolvePresetSchema>;

const pfpoDefaults = pfpoConfigSchema.parse({});

/**
 * The presets. `smoke` proves the whole loop runs (CI); `default` is the README's main command,
 * sized to finish in about 15 minutes on 2 cores; `full` uses the split's whole pools.
 */
export const evolvePresets: Record<'smoke' | 'default' | 'full', EvolvePreset> = {
  smoke: {
    rounds: 1,
    seed: 0,
    pools: { benign: 1, attacked: 2, harmful: 1 },
    dev: { benign: 1, attacked: 1, harmful: 0 },
    test: { benign: 1, attacked: 1, harmful: 1 },
    repair: { candidates: 2, promptStyle: 'compact', temperature: 1, repairPrompt: true, originalPrompt: true, originalPromptPassingOnly: true, diagnosisExamples: true, diagnosisShare: null },
    supervised: { steps: 2, peakLearningRate: 5e-4, successes: true },
    policyOptimization: { prompts: 2, steps: 1, epochs: 1, peakLearningRate: 2e-4, temperature: 1, argumentTemperature: 1 },
    pfpo: { ...pfpoDefaults, groupSize: 2 },
  },
  default: {
    rounds: 2,
    seed: 0,
    pools: { benign: 4, attacked: 8, harmful: 6 },
    dev: { benign: 3, attacked: 5, harmful: 2 },
    test: { benign: 8, attacked: 24, harmful: 8 },
    repair: { candidates: 4, promptStyle: 'compact', temperature: 1, repairPrompt: true, originalPrompt: true, originalPromptPassingOnly: true, diagnosisExamples: true, diagnosisShare: null },
    supervised: { steps: 12, peakLearningRate: 5e-4, successes: true },
    policyOptimization: { prompts: 6, steps: 2, epochs: 1, peakLearningRate: 2e-4, temperature: 1, argumentTemperature: 1 },
    pfpo: { ...pfpoDefaults, groupSize: 4 },
  },
  full: {
    rounds: 3,
    seed: 0,
    pools: { benign: null, attacked: null, harmful: null },
    dev: { benign: null, attacked: null, harmful: null },
    test: { benign: null, attacked: null, harmful: null },
    repair: { candidates: 8, promptStyle: 'compact', temperature: 1, repairPrompt: true, originalPrompt: true, originalPromptPassingOnly: true, diagnosisExamples: true, diagnosisShare: null },
    supervised: { steps: 200, peakLearningRate: 5e-4, successes: true },
    policyOptimization: { prompts: 64, steps: 16, epochs: 1, peakLearningRate: 2e-4, temperature: 1, argumentTemperature: 1 },
    pfpo: pfpoDefaults,
  },
};
/** A preset name. */
export type EvolvePresetName = keyof typeof evolvePresets;

/**
 * A preset section with every field optional and no field's default applied: zod applies a
 * default inside `.partial()`, which would overwrite the preset's value of a field the override
 * leaves out.
 */
function overridable<Shape extends z.ZodRawShape>(section: z.ZodObject<Shape>) {
  const shape = Object.fromEntries(Object.entries(section.shape).map(([name, field]) => [name, field instanceof z.ZodDefault ? field.unwrap() : field]));
  return z.object(shape).strict().partial() as unknown as ReturnType<z.ZodObject<Shape>['partial']>;
}

/**
 * What the `evolve` section of a config file may set: any field of a preset, nested objects in
 * part (`{"supervised": {"steps": 6}}` changes the warmup steps only). Applied on top of the
 * preset chosen with `--preset`; the result is checked with {@link evolvePresetSchema}.
 */
export const evolveOverridesSchema = z
  .object({
    rounds: evolvePresetSchema.shape.rounds,
    seed: evolvePresetSchema.shape.seed,
    pools: kindCountsSchema.partial(),
    dev: kindCountsSchema.partial(),
    test: kindCountsSchema.partial(),
    repair: overridable(repairSchema),
    supervised: overridable(supervisedSchema),
    policyOptimization: overridable(policyOptimizationSchema),
    pfpo: z.record(z.string(), z.unknown()).describe('Any field of the PFPO config (src/pfpo/pfpo-config.ts)'),
  })
  .partial()
  .strict();
export type EvolveOverrides = z.infer<typeof evolveOverridesSchema>;

const nestedSections = ['pools', 'dev', 'test', 'repair', 'supervised', 'policyOptimization', 'pfpo'] as const;

/** `preset` with `overrides` merged in (nested sections field by field), not yet validated. */
export function mergeEvolveOverrides(preset: EvolvePreset, overrides: EvolveOverrides): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...preset };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    merged[key] = (nestedSections as readonly string[]).includes(key) ? { ...(preset[key as (typeof nestedSections)[number]] as object), ...(value as object) } : value;
  }
  return merged;
}

/**
 * `preset` with `overrides` applied (nested sections merged field by field), validated. Throws a
 * zod error, whose issue paths name the offending field, when the result is not a valid preset.
 */
export function applyEvolveOverrides(preset: EvolvePreset, overrides: EvolveOverrides): EvolvePreset {
  return evolvePresetSchema.parse(mergeEvolveOverrides(preset, overrides));
}

/**
 * How a run names its settings: the preset's name, with `+config` when a config file changed the
 * preset (an `evolve` section) or how the policy samples (a `decoding` section) — either makes
 * the run's numbers differ from the preset's.
 */
export function presetLabel(preset: EvolvePresetName, overrides: EvolveOverrides | undefined, decoding: Readonly<Record<string, unknown>> | undefined): string {
  const changed = Object.keys(overrides ?? {}).length > 0 || Object.keys(decoding ?? {}).length > 0;
  return changed ? `${preset}+config` : preset;
}
