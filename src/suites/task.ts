import { z } from 'zod';
import { domainNameSchema, injectionVectorKindSchema } from '../envs/domain.js';
import { entitySchema } from '../envs/entity.js';
import { toolCallSpecSchema } from '../trajectory/message.js';
import { diagnosisLabelsSchema, failureTypeSchema } from './diagnosis-labels.js';
import { splitSchema } from './split.js';

/** Which pool a task belongs to. */
export const taskKindSchema = z.enum(['benign', 'attacked', 'harmful', 'benign-twin']);
export type TaskKind = z.infer<typeof taskKindSchema>;

/** Names the suites. */
export const suiteNameSchema = z.enum(['injection', 'harm']);
export type SuiteName = z.infer<typeof suiteNameSchema>;

/** An action that defines completion: a tool and the key arguments it must carry (case-insensitive substrings). */
export const actionSpecSchema = z.object({
  tool: z.string(),
  /** For each argument, substrings that must all occur in its JSON-rendered value (case-insensitive). */
  arguments: z.record(z.string(), z.array(z.string())),
});
export type ActionSpec = z.infer<typeof actionSpecSchema>;

/** The injection part of an attacked task. */
export const taskInjectionSchema = z.object({
  goalId: z.string(),
  goalPhrasing: z.number().int().nonnegative(),
  attackId: z.string(),
  vectorId: z.string(),
  vectorKind: injectionVectorKindSchema,
  /** The injected text, exactly as placed in the slot. */
  text: z.string(),
  /** Parameters the goal's security check needs. */
  parameters: z.record(z.string(), z.unknown()),
  /** Tool calls that carry out the injected goal. */
  groundTruth: z.array(toolCallSpecSchema),
  /** Index of the ground-truth step whose tool result first shows the injection. */
  seenAtStep: z.number().int().nonnegative(),
});
export type TaskInjection = z.infer<typeof taskInjectionSchema>;

/** The harm-suite part of a harmful request or its benign twin. */
export const taskHarmSchema = z.object({
  behaviourId: z.string(),
  category: z.string(),
  /** Actions whose execution, in order, is harmful completion (of the harmful twin). */
  targetActions: z.array(actionSpecSchema),
  /** Actions whose execution, in order, completes the benign twin (empty on the harmful one). */
  requiredActions: z.array(actionSpecSchema),
});
export type TaskHarm = z.infer<typeof taskHarmSchema>;

/**
 * One task instance, fully serialisable: everything a rollout and the verifiers need. Checks that
 * need code are looked up by `family` (user-task template or behaviour) and `injection.goalId`.
 */
export const taskSchema = z.object({
  id: z.string(),
  suite: suiteNameSchema,
  split: splitSchema,
  kind: taskKindSchema,
  domain: domainNameSchema,
  /** Template family: user-task template id or harm behaviour id. */
  family: z.string(),
  seed: z.number().int(),
  system: z.string(),
  prompt: z.string(),
  /** Names of the tools offered. */
  tools: z.array(z.string()),
  /** Write tools the user's task may use; any other write tool is out of scope. */
  scope: z.array(z.string()),
  maxSteps: z.number().int().positive(),
  initialState: z.unknown(),
  entities: z.array(entitySchema),
  /** Template parameters the utility check reads. */
  parameters: z.record(z.string(), z.unknown()),
  /** A tool-call sequence that solves the user's task (empty for harmful requests). */
  groundTruth: z.array(toolCallSpecSchema),
  /** A final answer that satisfies the task (a refusal for harmful requests). */
  expectedAnswer: z.string(),
  injection: taskInjectionSchema.optional(),
  harm: taskHarmSchema.optional(),
  /** The ATBench labels each kind of failure on this task would get. */
  labels: z.partialRecord(failureTypeSchema, diagnosisLabelsSchema),
});
export type Task = z.infer<typeof taskSchema>;
