import { z } from 'zod';
import { metricSchema, rate } from '../eval/wilson.js';
import { failureTypeSchema, type FailureType } from '../suites/diagnosis-labels.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { candidateOutcomes, candidateOutcomeSchema, type CandidateOutcome } from './candidate-outcome.js';
import { failureTypePriority } from './failure-classification.js';
import { countFailuresByAnyType, countFailuresByPrimaryType } from './failure-mining.js';
import type { RepairAttempt } from './repair-round.js';

const countSchema = z.number().int().nonnegative();
const exportedFileSchema = z.object({ file: z.string(), lines: countSchema });

/** What `fate repair --json` prints (and the run store keeps per round). */
export const repairSummarySchema = z.object({
  run: z.string(),
  round: z.number().int().positive(),
  policy: z.string(),
  candidatesPerFailure: z.number().int().positive(),
  promptStyle: z.enum(['plain', 'compact']),
  /** Free-text temperature the candidates were sampled at, when one was asked for (otherwise the policy's own decoding). */
  temperature: z.number().min(0).optional(),
  tieBreak: z.string(),
  /** Scored episodes the failures were mined from. */
  episodes: countSchema,
  failures: z.object({
    total: countSchema,
    /** Failures by primary type. */
    byType: z.record(failureTypeSchema, countSchema),
    /** Failures by every type that holds (one failure may count under several). */
    byAnyType: z.record(failureTypeSchema, countSchema),
  }),
  /** Share of failures with an accepted repair, with its 95% Wilson interval. */
  repaired: metricSchema,
  /** Share repaired per primary failure type. */
  repairedByType: z.record(failureTypeSchema, metricSchema),
  candidates: z.object({
    total: countSchema,
    /** Candidates by outcome (see `classifyCandidateOutcome`). */
    outcomes: z.record(candidateOutcomeSchema, countSchema),
  }),
  buffer: z.object({ added: countSchema, duplicates: countSchema, total: countSchema }),
  exports: z.object({ sft: exportedFileSchema, dpo: exportedFileSchema, kto: exportedFileSchema }),
  /** Sum of the sampled token ids of every candidate; null when the policy gives no token ids. */
  tokensSampled: countSchema.nullable(),
  seconds: z.number().nonnegative(),
});
export type RepairSummary = z.infer<typeof repairSummarySchema>;

/** The part of {@link RepairSummary} computed from a round's attempts. */
export type RepairAttemptStatistics = Pick<RepairSummary, 'failures' | 'repaired' | 'repairedByType' | 'candidates' | 'tokensSampled'>;

/** Sum of the token ids recorded on a trajectory's steps, or null when no step records any. */
export function sampledTokenCount(trajectory: Trajectory): number | null {
  let total: number | null = null;
  for (const step of trajectory.steps) if (step.tokenIds) total = (total ?? 0) + step.tokenIds.length;
  return total;
}

/** Failure counts, share repaired (overall and by type), candidate outcome mix and tokens sampled. */
export function repairAttemptStatistics(attempts: readonly RepairAttempt[]): RepairAttemptStatistics {
  const failures = attempts.map((attempt) => attempt.failure);
  const outcomes = Object.fromEntries(candidateOutcomes.map((outcome) => [outcome, 0])) as Record<CandidateOutcome, number>;
  let tokensSampled: number | null = null;
  let candidateCount = 0;
  for (const attempt of attempts) {
    for (const candidate of attempt.candidates) {
      candidateCount += 1;
      outcomes[candidate.outcome] += 1;
      const tokens = sampledTokenCount(candidate.trajectory);
      if (tokens !== null) tokensSampled = (tokensSampled ?? 0) + tokens;
    }
  }
  const repairedByType = Object.fromEntries(
    failureTypePriority.map((type) => [type, rate(attempts.filter((attempt) => attempt.failure.primaryType === type).map((attempt) => attempt.repair !== null))]),
  ) as Record<FailureType, z.infer<typeof metricSchema>>;
  return {
    failures: { total: failures.length, byType: countFailuresByPrimaryType(failures), byAnyType: countFailuresByAnyType(failures) },
    repaired: rate(attempts.map((attempt) => attempt.repair !== null)),
    repairedByType,
    candidates: { total: candidateCount, outcomes },
    tokensSampled,
  };
}
