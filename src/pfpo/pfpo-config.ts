import { z } from 'zod';

/** The default objective order of fate's vectors z(x, a) (DESIGN §2 notation). */
export const defaultObjectiveNames = ['security', 'utility', 'overRefusal', 'control'] as const;

const equalShare = 1 / defaultObjectiveNames.length;

/**
 * Every option of the PFPO advantage (DESIGN §2 step 4) and of the PFPO objective (the clipped
 * surrogate minus β·KL). Each field has a default and a help string naming where it comes from,
 * TRL style. Parse once with {@link resolvePfpoConfig}; the advantage functions take the result.
 */
export const pfpoConfigSchema = z
  .object({
    objectiveNames: z
      .array(z.string().min(1))
      .min(1)
      .default([...defaultObjectiveNames])
      .describe(
        'Names of the entries of an objective vector, in order (DESIGN §2: z = [security, utility, overRefusal, control], each in [0, 1], higher is better, null = not applicable).',
      ),
    hardObjectives: z
      .array(z.string().min(1))
      .min(1)
      .default(['security'])
      .describe(
        'Hard set H of the constrained domination (DESIGN §2 step 4, default {security}; control may be added). A row is feasible when every hard objective reaches its threshold; a row whose hard objective is null is unscorable.',
      ),
    thresholds: z
      .record(z.string(), z.number().min(0).max(1))
      .default({ security: 1, utility: 1, overRefusal: 1, control: 1 })
      .describe(
        'Per-objective threshold (DESIGN §2 steps 1 and 4, default 1.0 for every objective). Feasibility compares each hard objective with its threshold; violation = Σ over hard objectives of max(0, threshold − r). Every hard objective needs an entry.',
      ),
    weights: z
      .record(z.string(), z.number().nonnegative())
      .default({ security: equalShare, utility: equalShare, overRefusal: equalShare, control: equalShare })
      .describe(
        'Weights w_k of the in-level magnitude u = Σ w_k (r_k − μ_k) / max(σ_k, σ_min) (DESIGN §2 step 4: equal, summing to 1). Renormalised to sum 1 over the objectives a group keeps. Every objective needs an entry.',
      ),
    inLevelScale: z
      .number()
      .min(0)
      .lt(1)
      .default(0.5)
      .describe(
        'η in s = −ℓ + η·q (DESIGN §2 step 4, default 0.5). Must be below 1 so that the in-level tie-break q ∈ [−½, ½] never reorders levels.',
      ),
    minimumStandardDeviation: z
      .number()
      .positive()
      .default(0.1)
      .describe('σ_min, the floor of each objective\'s group standard deviation in u (DESIGN §2 step 4, default 0.1).'),
    advantageEpsilon: z
      .number()
      .positive()
      .default(1e-4)
      .describe(
        'ε added to the group sample standard deviation when normalising scores into advantages (DESIGN §2 step 4; the 1e-4 of TRL\'s GRPO trainer, also used by the scalar baselines).',
      ),
    violationPenalty: z
      .number()
      .nonnegative()
      .default(0)
      .describe(
        'κ in A ← min(A, 0) − κ·violation for infeasible rows (DESIGN §2 step 4, default 0). Non-negative so an unsafe trajectory is never reinforced.',
      ),
    clipEpsilon: z
      .number()
      .positive()
      .lt(1)
      .default(0.2)
      .describe(
        'ε of the clipped surrogate min(ρA, clip(ρ, 1−ε, 1+ε)A) (DESIGN §2 step 4, default 0.2 as in PPO and TRL\'s GRPOConfig.epsilon).',
      ),
    klCoefficient: z
      .number()
      .nonnegative()
      .default(0.04)
      .describe(
        'β of the β·KL(π || π_SFT) penalty (DESIGN §2 step 4 keeps the term; the paper gives no value). Default 0.04, the value of DeepSeekMath\'s GRPO and TRL\'s original GRPOConfig.beta (TRL now defaults to 0.0 and drops the reference model): a tiny policy trained from an SFT warm-up drifts fast, so we keep it anchored.',
      ),
    groupSize: z
      .number()
      .int()
      .min(2)
      .default(8)
      .describe('G, trajectories sampled per training prompt (DESIGN §2 step 4, default 8; TRL\'s num_generations).'),
  })
  .strict()
  .superRefine((config, context) => {
    const names = new Set(config.objectiveNames);
    if (names.size !== config.objectiveNames.length) {
      context.addIssue({ code: 'custom', path: ['objectiveNames'], message: 'objective names must be distinct' });
    }
    for (const name of config.hardObjectives) {
      if (!names.has(name)) {
        context.addIssue({ code: 'custom', path: ['hardObjectives'], message: `hard objective ${name} is not in objectiveNames` });
      }
      if (config.thresholds[name] === undefined) {
        context.addIssue({ code: 'custom', path: ['thresholds', name], message: `hard objective ${name} needs a threshold` });
      }
    }
    for (const name of config.objectiveNames) {
      if (config.weights[name] === undefined) {
        context.addIssue({ code: 'custom', path: ['weights', name], message: `objective ${name} needs a weight` });
      }
    }
    if (!config.objectiveNames.some((name) => (config.weights[name] ?? 0) > 0)) {
      context.addIssue({ code: 'custom', path: ['weights'], message: 'at least one objective needs a positive weight' });
    }
  });

/** A fully resolved PFPO configuration (every default filled in). */
export type PfpoConfig = z.infer<typeof pfpoConfigSchema>;

/** What a user may write: every field optional. */
export type PfpoConfigInput = z.input<typeof pfpoConfigSchema>;

/** Validates `input` and fills in every default; throws a zod error on invalid options. */
export function resolvePfpoConfig(input: PfpoConfigInput = {}): PfpoConfig {
  return pfpoConfigSchema.parse(input);
}

/** The configuration with every default (DESIGN §2 step 4). */
export const defaultPfpoConfig: PfpoConfig = resolvePfpoConfig();
