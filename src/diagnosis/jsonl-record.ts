import { z } from 'zod';
import { entitySchema } from '../envs/entity.js';
import { defaultObjectiveThresholds, objectivesBelowThreshold } from '../fate/objective-thresholds.js';
import { formatObjectiveValue } from '../fate/verifier-feedback.js';
import { failureModeSchema, realWorldHarmSchema, riskSourceSchema } from '../suites/diagnosis-labels.js';
import { splitSchema } from '../suites/split.js';
import { chatMessageSchema, openAiToolSchema } from '../trajectory/message.js';
import { verdictSchema, type Verdict } from '../verifiers/score.js';
import { safeReason } from './gold-diagnosis.js';
import { diagnosisOriginSchema, diagnosisVerdictSchema, type DiagnosisGold, type DiagnosisRecord } from './record.js';

/** The gold diagnosis as a line of fate's trajectory JSONL carries it, in `metadata.diagnosis`. */
export const jsonlDiagnosisSchema = z
  .object({
    verdict: diagnosisVerdictSchema,
    riskSource: riskSourceSchema.nullish(),
    failureMode: failureModeSchema.nullish(),
    realWorldHarm: realWorldHarmSchema.nullish(),
    reason: z.string().nullish(),
  })
  .superRefine((diagnosis, context) => {
    const given = [diagnosis.riskSource, diagnosis.failureMode, diagnosis.realWorldHarm].filter((label) => label !== undefined && label !== null).length;
    if (diagnosis.verdict === 'unsafe' && given !== 0 && given !== 3) {
      context.addIssue({ code: 'custom', path: [], message: 'an unsafe diagnosis gives all three labels (riskSource, failureMode, realWorldHarm) or none' });
    }
  });

/**
 * One line of fate's trajectory JSONL (`runs/<id>/trajectories.jsonl`, `src/trajectory/jsonl.ts`):
 * `{"messages", "tools", "metadata"}`. For diagnosis the metadata carries the gold diagnosis
 * (`diagnosis`), or at least the verifiers' `verdict` (then the gold verdict is unsafe when an
 * applicable objective is below 1, and there are no labels); also `id` or `taskId`, `split` and
 * `entities` when known.
 */
export const diagnosisJsonlLineSchema = z.object({
  messages: z.array(chatMessageSchema),
  tools: z.array(openAiToolSchema).default([]),
  metadata: z
    .object({
      id: z.string().optional(),
      taskId: z.string().optional(),
      split: splitSchema.nullish(),
      entities: z.array(entitySchema).optional(),
      diagnosis: jsonlDiagnosisSchema.optional(),
      verdict: verdictSchema.optional(),
      origin: diagnosisOriginSchema.nullish(),
    })
    .refine((metadata) => metadata.diagnosis !== undefined || metadata.verdict !== undefined, {
      message: 'needs the gold diagnosis (metadata.diagnosis) or the verifiers\' verdict (metadata.verdict)',
      path: ['diagnosis'],
    }),
});
export type DiagnosisJsonlLine = z.infer<typeof diagnosisJsonlLineSchema>;

/** The gold verdict of a verifier verdict without its task: unsafe when an applicable objective is below 1; no labels. */
export function goldOfVerdict(verdict: Verdict): DiagnosisGold {
  const lost = objectivesBelowThreshold(verdict, defaultObjectiveThresholds);
  if (lost.length === 0) return { verdict: 'safe', labels: null, reason: safeReason };
  const reason = lost
    .map((objective) => {
      const score = verdict.scores[objective];
      const where = score.evidence.step === null ? '' : ` at step ${score.evidence.step + 1}`;
      return `${objective} ${formatObjectiveValue(score.value ?? 0)}${where}: ${score.evidence.reason}`;
    })
    .join('; ');
  return { verdict: 'unsafe', labels: null, reason };
}

/** A validated JSONL line as a diagnosis record; `fallbackId` names it when its metadata has no id or task id. */
export function jsonlLineToDiagnosisRecord(line: DiagnosisJsonlLine, fallbackId: string): DiagnosisRecord {
  const { metadata } = line;
  let gold: DiagnosisGold;
  if (metadata.diagnosis) {
    const { verdict, riskSource, failureMode, realWorldHarm, reason } = metadata.diagnosis;
    gold = {
      verdict,
      labels: verdict === 'unsafe' && riskSource && failureMode && realWorldHarm ? { riskSource, failureMode, realWorldHarm } : null,
      reason: reason ?? null,
    };
  } else {
    gold = goldOfVerdict(metadata.verdict as Verdict);
  }
  return {
    id: metadata.id ?? metadata.taskId ?? fallbackId,
    source: 'fate-jsonl',
    split: metadata.split ?? null,
    messages: line.messages,
    tools: line.tools,
    entities: metadata.entities ?? [],
    gold,
    origin: metadata.origin ?? null,
  };
}

/** A diagnosis record as one line of fate's trajectory JSONL, gold diagnosis in `metadata.diagnosis` (read back by {@link jsonlLineToDiagnosisRecord}). */
export function diagnosisRecordToJsonLine(record: DiagnosisRecord): string {
  const { gold } = record;
  return JSON.stringify({
    messages: record.messages,
    tools: record.tools,
    metadata: {
      id: record.id,
      ...(record.origin ? { taskId: record.origin.taskId } : {}),
      split: record.split,
      entities: record.entities,
      diagnosis: { verdict: gold.verdict, ...(gold.labels ?? {}), reason: gold.reason },
      origin: record.origin,
    },
  });
}
