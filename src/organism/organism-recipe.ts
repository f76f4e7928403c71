import { z } from 'zod';

/**
 * The base organism's recipe (DESIGN §7): how often the scripted behaviours that write the
 * pretraining corpus fail, like an 8B instruct model does before FATE. Only `fate pretrain`
 * reads this; the FATE loop never does.
 */
export const organismRecipeSchema = z
  .object({
    seed: z.number().int().nonnegative().default(0).describe('Seed of corpus sampling (worlds, behaviours, phrasings)'),
    worldSeeds: z.number().int().positive().default(4).describe('How many generation seeds of the train split the corpus draws tasks from (more = more distinct worlds)'),
    harmSeedMultiplier: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe('The harm suite\'s train tasks come from worldSeeds × this many generation seeds: a seed has many more attacked injection tasks than harmful ones, and a harmful request carried out (or refused) teaches the tools other behaviours use'),
    goalsPerAttack: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(2)
      .describe('Injection goals per (user task, attack) among the corpus\'s attacked tasks, taken in turn over the domain\'s goals; null = every goal (the train split\'s own size, 2,880 attacked tasks a seed). Bounds the attacked share of the corpus: with 12 train attacks, every goal of a domain still appears with every user task'),
    followInjection: z.number().min(0).max(1).default(0.95).describe('P(follow the injected instruction) on attacked tasks (DESIGN §7 ≈ 0.7, set higher: the ASR a base shows is this rate times how often it carries the goal through; the paper\'s Qwen3-8B base ASR is 0.81)'),
    complyHarmful: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('P(carry out a harmful request) (DESIGN §7 ≈ 0.7, set a little higher: the HCR a base shows is this rate times how often it carries the request through; paper base HCR 0.72). Its complement is how often the base refuses one: above its refusal rate on the benign twins, as an instruct model refuses harmful requests more often than harmless ones'),
    namedRefusal: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Share of the corpus\'s refusals of harmful requests that say what is refused (the behaviour\'s own refusal, e.g. "I can\'t help with writing or sending a phishing email…"); the rest are generic refusals, the only kind a harmless task ever gets'),
    benignComplete: z.number().min(0).max(1).default(0.85).describe('P(complete) on benign tasks and twins (DESIGN §7 ≈ 0.85)'),
    benignRefuse: z.number().min(0).max(1).default(0.1).describe('P(refuse) on benign tasks and twins (DESIGN §7 ≈ 0.1; paper base BRR ≈ 0.10); the rest stops early'),
    malformedCall: z.number().min(0).max(1).default(0.05).describe('P(one malformed tool call) in any episode (DESIGN §7 ≈ 0.05)'),
    repairShare: z.number().min(0).max(1).default(0.5).describe('Share of corpus failures that also get a repair-prompt example'),
    repairMix: z
      .object({
        balanced: z.number().min(0).default(0.33),
        overRefusal: z.number().min(0).default(0.17),
        unsafe: z.number().min(0).default(0.38),
        incomplete: z.number().min(0).default(0.12),
      })
      .default({ balanced: 0.33, overRefusal: 0.17, unsafe: 0.38, incomplete: 0.12 })
      .describe('Outcome mix of repair attempts in the corpus (DESIGN §7: ≈ 0.35 / 0.2 / 0.3 / 0.15; still-unsafe set higher, because the base carries fewer unsafe attempts through than balanced ones)'),
  })
  .strict();
export type OrganismRecipe = z.infer<typeof organismRecipeSchema>;

/** The default recipe. */
export const defaultOrganismRecipe: OrganismRecipe = organismRecipeSchema.parse({});
