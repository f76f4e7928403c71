import { z } from 'zod';
import { organismRecipeSchema } from './organism-recipe.js';

/** Everything `fate pretrain` needs; each field has a default (the committed base's recipe). */
export const pretrainConfigSchema = z
  .object({
    recipe: organismRecipeSchema.default(organismRecipeSchema.parse({})),
    tokenizerVocabularySize: z.number().int().min(512).default(2048).describe('BPE vocabulary size, special tokens included'),
    model: z
      .object({
        dModel: z.number().int().positive().default(128),
        layers: z.number().int().positive().default(6),
        heads: z.number().int().positive().default(2),
        ffHidden: z.number().int().positive().default(344),
        maxSequence: z.number().int().positive().default(1024),
      })
      .strict()
      .prefault({}),
    training: z
      .object({
        seed: z.number().int().nonnegative().default(0),
        steps: z.number().int().positive().default(2600).describe('Optimizer steps (the default fits the 90-minute budget on 2 cores)'),
        tokensPerMicroBatch: z.number().int().positive().default(1024).describe('Rows × bucket length of one micro-batch (the wasm heap is 32-bit: 2,048 fits 4 layers at d 128, not 6; 1,024 fits 6)'),
        microBatchesPerStep: z.number().int().positive().default(2).describe('Micro-batches accumulated per optimizer step (shared out among the processes)'),
        processes: z
          .number()
          .int()
          .positive()
          .default(1)
          .describe('Processes computing gradients, one per core (jax-js computes on one core per process); micro-batch i goes to process i mod processes. 1: one process with jax-js\'s thread pool'),
        peakLearningRate: z.number().positive().default(2e-3),
        warmupSteps: z.number().int().nonnegative().default(100),
        weightDecay: z.number().min(0).default(0.01),
        optimizer: z
          .enum(['adamw', 'muon'])
          .default('muon')
          .describe('`muon` (the base recipe): the hidden weight matrices take orthogonalised momentum updates (Newton–Schulz, scaled to AdamW\'s update size so the same learning rate applies) and the embedding and norm gains AdamW; `adamw` for every parameter'),
        newtonSchulzSteps: z
          .number()
          .int()
          .min(1)
          .max(10)
          .optional()
          .describe('Muon: Newton–Schulz iterations that orthogonalise each hidden matrix\'s update; absent: 5 (the base recipe). Fewer leave the update less exactly orthogonal; they barely change a step\'s time here (3: 824 tokens/s, 5: 807 over 100-step runs)'),
        maximumGradientNorm: z.number().min(0).default(1),
        lengthBuckets: z.array(z.number().int().positive()).min(1).default([256, 384, 512, 768, 1024]),
        slotLossWeight: z
          .number()
          .min(0)
          .default(3)
          .describe('Loss weight of assistant tokens that are entity slots (which value to copy: the payee or the attacker, the total or a line item). Copying is what a tiny model learns last; extra weight puts the gradient there'),
        decisionLossWeight: z
          .number()
          .min(0)
          .default(3)
          .describe('Loss weight of the assistant\'s decision tokens: the first token of each turn (call or answer) and the tokens of each tool name (which tool next). A few tokens in a hundred, they carry most of what a trajectory does'),
        contextLossWeight: z.number().min(0).max(1).default(0.2).describe('Loss weight of non-assistant tokens (user turns, tool results); assistant tokens weigh 1. A little language modelling of tool results teaches the copying the assistant needs'),
        checkpointEvery: z.number().int().positive().default(250),
        logEvery: z.number().int().positive().default(25),
        timeBudgetMinutes: z.number().positive().default(85).describe('Training stops (and saves) when this much time has passed'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type PretrainConfig = z.infer<typeof pretrainConfigSchema>;
