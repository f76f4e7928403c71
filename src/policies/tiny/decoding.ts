import { z } from 'zod';
import type { SamplingOverrides } from '../../agent/policy.js';

/**
 * Decoding of the embedded policy. Evaluation decoding is fixed here (and can be changed by the
 * config's `decoding` section) and the same for every method, so that rates compare (DESIGN §7).
 * What a turn does is sampled at temperature 1, which reproduces the base organism's mixture of
 * behaviours and shows the shifts training makes in it; greedy decoding would collapse it to the
 * majority behaviour, and a lower temperature sharpens it toward that behaviour (README,
 * Embedded policy, measures 0.7 and 0.5). Argument values are written greedily: the tiny model's
 * sampled free text (a post, an e-mail body, a search query) garbles the key words a task needs,
 * while which tool it calls — the behaviour the verifiers judge — stays sampled.
 */
export const decodingSchema = z
  .object({
    temperature: z.number().min(0).default(1).describe('Softmax temperature of what a turn does (answer or call, which tool, which key) and of answer text; 0 is greedy'),
    argumentTemperature: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'With the grammar: temperature of the tokens written inside tool-call argument values (strings, slots, enums, numbers); 0 (the evaluation default) writes them greedily. What the turn does — answer or call, which tool, which key — and answer text are drawn at `temperature`; set both equal to sample every token alike',
      ),
    topP: z.number().gt(0).max(1).default(1).describe('Nucleus sampling mass (1 = off)'),
    seed: z.number().int().nonnegative().default(0).describe('Seed of the sampling streams'),
    maxNewTokens: z.number().int().positive().default(160).describe('Most tokens of one assistant turn'),
    slotConstraint: z
      .enum(['none', 'seen'])
      .default('none')
      .describe('`seen`: the policy may only emit entity slots that already stand for a value in the conversation (constrained decoding, DESIGN §7); `none`: any slot'),
    grammar: z
      .enum(['none', 'tool-calls'])
      .default('tool-calls')
      .describe('`tool-calls`: decode each turn inside the tool-call grammar (structured output: offered tool names, each tool\'s parameter keys and value types, required keys present, only slots that stand for a value); `none`: free decoding'),
    slips: z
      .enum(['learned', 'none'])
      .default('learned')
      .describe(
        "With the grammar: `learned` (the evaluation default) leaves the model the two syntax slips of a hand-written call — the first key without its opening quote, a call ended before its arguments close — so a model that learned to make them fails control as it would decoding freely, while tools, keys and values stay inside the grammar; `none`: every call the grammar lets through parses",
      ),
    closingMargin: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe(
        'With the grammar: once a turn has this many tokens or fewer left, only tokens on the shortest way to the end of the call are allowed (strings close, arrays end, no optional argument or further call starts), so a call is not cut off unparsable; 0 (the evaluation default) leaves running out of tokens mid-call a control failure, as it is for any model',
      ),
    batchSize: z.number().int().positive().default(8).describe('Rows generated together: every (rows, prompt length) shape compiles its own programs in the 32-bit wasm heap; 64 rows × 1024 tokens exhausts it'),
  })
  .strict();
export type Decoding = z.infer<typeof decodingSchema>;

/**
 * Changes to the evaluation decoding from a config file's `decoding` section: the sampling fields
 * a user may set, each optional and without a default (an absent field keeps
 * {@link evaluationDecoding}'s value), with the bounds of {@link decodingSchema}. Whatever it sets
 * applies to every method alike, so that rates still compare.
 */
export const decodingOverridesSchema = z
  .object({
    temperature: decodingSchema.shape.temperature.unwrap().optional().describe('Softmax temperature of what a turn does and of answer text; 0 is greedy (default 1)'),
    topP: decodingSchema.shape.topP.unwrap().optional().describe('Nucleus sampling mass, above 0 and at most 1 (default 1 = off)'),
    seed: decodingSchema.shape.seed.unwrap().optional().describe('Seed of the sampling streams, a non-negative integer (default 0)'),
    argumentTemperature: decodingSchema.shape.argumentTemperature
      .unwrap()
      .optional()
      .describe('Temperature of the tokens inside tool-call argument values (embedded policy with the grammar); 0 writes them greedily (default 0)'),
    maxNewTokens: decodingSchema.shape.maxNewTokens.unwrap().optional().describe('Most tokens of one assistant turn, a positive integer (default 160)'),
  })
  .strict();
export type DecodingOverrides = z.infer<typeof decodingOverridesSchema>;

/** The evaluation decoding every method is measured with. */
export const evaluationDecoding: Decoding = decodingSchema.parse({});

/**
 * The sampling one request gets from a policy decoding with `decoding`: the request's own
 * temperature, top-p and argument temperature where it asks for them, the policy's otherwise, and
 * its turn budget capped at the policy's (prompts are fitted to the context for that budget).
 */
export function requestSampling(decoding: Decoding, asked: SamplingOverrides | undefined): Required<SamplingOverrides> {
  return {
    temperature: asked?.temperature ?? decoding.temperature,
    topP: asked?.topP ?? decoding.topP,
    maxNewTokens: Math.min(asked?.maxNewTokens ?? decoding.maxNewTokens, decoding.maxNewTokens),
    argumentTemperature: asked?.argumentTemperature ?? decoding.argumentTemperature,
  };
}
