import { z } from 'zod';
import { suiteMetricsSchema } from '../eval/metrics.js';
import { metricSchema } from '../eval/wilson.js';
import { decodingOverridesSchema } from '../policies/tiny/decoding.js';

/** The methods `fate evolve` can run side by side (issue: baselines under the same budget). */
export const evolveMethods = ['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft'] as const;
/** One method `fate evolve` runs. */
export const evolveMethodSchema = z.enum(evolveMethods);
export type EvolveMethod = z.infer<typeof evolveMethodSchema>;

const countSchema = z.number().int().nonnegative();
const shareSchema = z.number().min(0).max(1);

/** A point on the safety/utility plane (DESIGN §4): security, utility and 1 − BRR, each in [0, 1]. */
export const frontPointSchema = z.object({
  /** Mean of (1 − ASR) and (1 − HCR). */
  security: shareSchema,
  /** Mean of injection benign utility and benign-twin utility. */
  utility: shareSchema,
  /** 1 − BRR. */
  notOverRefusing: shareSchema,
});
export type FrontPoint = z.infer<typeof frontPointSchema>;

/** What the repair phase of a round did (absent for methods without repairs). */
export const roundRepairsSchema = z.object({
  episodes: countSchema,
  failures: countSchema,
  repaired: metricSchema,
  /** Candidates by outcome: unsafe / refuse / balanced / incomplete / invalid … */
  outcomes: z.record(z.string(), countSchema),
  bufferSize: countSchema,
});

/** What a supervised phase (warmup on the repair buffer, or refusal fine-tuning) did. */
export const roundSupervisedSchema = z.object({
  examples: countSchema,
  steps: countSchema,
  firstLoss: z.number().nullable(),
  lastLoss: z.number().nullable(),
});

/** What the policy-optimization phase did, with the group statistics DESIGN §2 step 4 lists. */
export const roundPolicyOptimizationSchema = z.object({
  advantage: z.enum(['pfpo', 'scalar-grpo', 'gdpo']),
  groups: countSchema,
  groupSize: countSchema,
  steps: countSchema,
  meanLoss: z.number().nullable(),
  meanKl: z.number().nullable(),
  meanClippedShare: z.number().nullable(),
  zeroVarianceShare: shareSchema,
  allInfeasibleShare: shareSchema,
  unscorableShare: shareSchema,
  meanFronts: z.number().nonnegative(),
  singleFrontShare: shareSchema,
  /** Must be 0: an unsafe trajectory is never reinforced. */
  infeasiblePositiveShare: shareSchema,
});

/** One round of one method. */
export const evolveRoundSchema = z.object({
  round: z.number().int().positive(),
  repairs: roundRepairsSchema.nullable(),
  supervised: roundSupervisedSchema.nullable(),
  policyOptimization: roundPolicyOptimizationSchema.nullable(),
  /** Evaluation on the dev split after the round. */
  dev: suiteMetricsSchema,
  devPoint: frontPointSchema,
  /** Time of the round's own phases as recorded when they ran (round 1's shared rollouts, repairs and warmup not counted). */
  seconds: z.number().nonnegative(),
});
export type EvolveRound = z.infer<typeof evolveRoundSchema>;

/** A failure and its accepted repair, side by side with the verifier evidence (for the report). */
export const repairExampleSchema = z.object({
  method: evolveMethodSchema,
  round: z.number().int().positive(),
  taskId: z.string(),
  failureType: z.string(),
  /** Trajectories rendered as readable text (one line per message). */
  failure: z.string(),
  repair: z.string(),
  /** Verifier evidence on the failure: objective → reason (with the step). */
  failureEvidence: z.record(z.string(), z.string()),
  repairEvidence: z.record(z.string(), z.string()),
});
export type RepairExample = z.infer<typeof repairExampleSchema>;

/** One method's whole run. */
export const evolveMethodResultSchema = z.object({
  method: evolveMethodSchema,
  rounds: z.array(evolveRoundSchema),
  /** Test-split evaluation of the final policy (null until the run finishes). */
  test: suiteMetricsSchema.nullable(),
  testPoint: frontPointSchema.nullable(),
  /** Hypervolume (reference point 0,0,0) of the method's dev points over its rounds, base included. */
  hypervolume: z.number().min(0).max(1),
});
export type EvolveMethodResult = z.infer<typeof evolveMethodResultSchema>;

/** `runs/<id>/summary.json` of `fate evolve`: every metric per method per round, in the `M` shape of `fate eval`. */
export const evolveSummarySchema = z.object({
  kind: z.literal('evolve'),
  run: z.string(),
  preset: z.string(),
  seed: z.number().int(),
  policy: z.string(),
  /** The evaluation decoding every method was measured with (absent in summaries written before it was recorded). */
  decoding: decodingOverridesSchema.optional(),
  methods: z.array(evolveMethodSchema),
  rounds: z.number().int().nonnegative(),
  /** The starting policy on dev and test. */
  base: z.object({ dev: suiteMetricsSchema, devPoint: frontPointSchema, test: suiteMetricsSchema.nullable(), testPoint: frontPointSchema.nullable() }),
  results: z.array(evolveMethodResultSchema),
  examples: z.array(repairExampleSchema),
  finished: z.boolean(),
  /** Wall time of the invocation that wrote the summary (of a resumed run, its last invocation only). */
  seconds: z.number().nonnegative(),
  /**
   * The run's work: every finished phase's recorded seconds, summed over every process and every
   * invocation (phases run side by side in worker processes both count). Absent in summaries
   * written before it was recorded.
   */
  workSeconds: z.number().nonnegative().optional(),
});
export type EvolveSummary = z.infer<typeof evolveSummarySchema>;
