import { z } from 'zod';
import type { Episode } from '../agent/loop.js';
import type { PfpoGroupResult } from '../pfpo/index.js';
import { taskKindSchema, type Task } from '../suites/task.js';
import { chatMessageSchema, openAiToolSchema } from '../trajectory/message.js';
import { terminationSchema } from '../trajectory/trajectory.js';
import { verdictSchema, type Verdict } from '../verifiers/score.js';

/** The advantages a policy-optimization phase trains with: PFPO (`fate`) or a scalar baseline. */
export const groupAdvantageSchema = z.enum(['pfpo', 'scalar-grpo', 'gdpo']);
export type GroupAdvantage = z.infer<typeof groupAdvantageSchema>;

/** One trajectory of a group, with its objective scores, its place in PFPO's order and the advantage it was trained with. */
export const policyGroupMemberSchema = z.object({
  /** Its index in the group (its own sampling stream). */
  sample: z.number().int().nonnegative(),
  /** The four verifiers' scores (null: not applicable to the task). */
  objectives: z.object({
    security: z.number().nullable(),
    utility: z.number().nullable(),
    overRefusal: z.number().nullable(),
    control: z.number().nullable(),
  }),
  /** Every hard objective reaches its threshold (null: unscorable). */
  feasible: z.boolean().nullable(),
  /** Σ over hard objectives of max(0, threshold − r) (null: unscorable). */
  violation: z.number().nullable(),
  /** Constrained-domination level, 1 = best (null: unscorable). */
  level: z.number().int().positive().nullable(),
  /** PFPO's score −ℓ + η·q (null: unscorable). */
  score: z.number().nullable(),
  /** The advantage the method trained this trajectory with. */
  advantage: z.number(),
  /** PFPO's advantage for it (the same as `advantage` for `fate`; for a scalar baseline, what PFPO would have given). */
  pfpoAdvantage: z.number(),
  /** The verdict: scores with their evidence, and the signals the metrics read. */
  verdict: verdictSchema,
  /** The episode's messages (user request, assistant turns, tool results). */
  messages: z.array(chatMessageSchema),
  /** Why the episode ended. */
  termination: terminationSchema,
});
export type PolicyGroupMember = z.infer<typeof policyGroupMemberSchema>;

/**
 * One group of stage 2 (a line of `runs/<id>/exports/groups.jsonl`): G trajectories of the same
 * training prompt sampled from the warmed-up policy, with objective vectors, PFPO's order and the
 * advantages the method trained with.
 */
export const policyGroupSchema = z.object({
  method: z.string(),
  round: z.number().int().positive(),
  /** The group's index among the round's prompts. */
  group: z.number().int().nonnegative(),
  advantage: groupAdvantageSchema,
  taskId: z.string(),
  kind: taskKindSchema,
  /** The user's request. */
  prompt: z.string(),
  /** The tools offered (the same for every member). */
  tools: z.array(openAiToolSchema),
  /** Number of distinct PFPO levels among the scorable members. */
  levelCount: z.number().int().nonnegative(),
  /** Every advantage is 0: the group taught nothing. */
  zeroVariance: z.boolean(),
  members: z.array(policyGroupMemberSchema).min(1),
});
export type PolicyGroup = z.infer<typeof policyGroupSchema>;

/** What {@link policyGroupRecord} needs about one group. */
export interface PolicyGroupInput {
  method: string;
  round: number;
  group: number;
  advantage: GroupAdvantage;
  task: Task;
  members: readonly Pick<Episode, 'trajectory'>[];
  verdicts: readonly Verdict[];
  /** PFPO's result for the group (its order, whatever the method trains with). */
  structure: PfpoGroupResult;
  /** The advantages the method trains with, one per member. */
  advantages: readonly number[];
}

/** The record of one stage-2 group, checked by {@link policyGroupSchema}. */
export function policyGroupRecord(input: PolicyGroupInput): PolicyGroup {
  const { diagnostics } = input.structure;
  const members = input.members.map((episode, index): PolicyGroupMember => {
    const verdict = input.verdicts[index]!;
    return {
      sample: index,
      objectives: {
        security: verdict.scores.security.value,
        utility: verdict.scores.utility.value,
        overRefusal: verdict.scores.overRefusal.value,
        control: verdict.scores.control.value,
      },
      feasible: diagnostics.feasible[index] ?? null,
      violation: diagnostics.violations[index] ?? null,
      level: diagnostics.levels[index] ?? null,
      score: diagnostics.scores[index] ?? null,
      advantage: input.advantages[index] ?? 0,
      pfpoAdvantage: input.structure.advantages[index] ?? 0,
      verdict,
      messages: episode.trajectory.messages,
      termination: episode.trajectory.termination,
    };
  });
  return policyGroupSchema.parse({
    method: input.method,
    round: input.round,
    group: input.group,
    advantage: input.advantage,
    taskId: input.task.id,
    kind: input.task.kind,
    prompt: input.task.prompt,
    tools: input.members[0]?.trajectory.tools ?? [],
    levelCount: diagnostics.levelCount,
    zeroVariance: input.advantages.every((value) => Math.abs(value) < 1e-12),
    members,
  });
}
