import type { Policy, PolicyRequest, PolicyResponse } from '../agent/policy.js';
import { parseDiagnosisAnswer, type ParsedDiagnosis } from './answer.js';
import { buildDiagnosisPrompt } from './prompt.js';
import type { DiagnosisPromptStyle } from './prompt-template.js';
import type { DiagnosisRecord } from './record.js';

/** One record as a policy diagnosed it. */
export interface DiagnosisOutcome {
  record: DiagnosisRecord;
  /** The user message the policy was given. */
  prompt: string;
  /** The policy's answer text (null when it gave none). */
  answer: string | null;
  predicted: ParsedDiagnosis;
  /** Why the policy gave no usable message (a policy error), else null. */
  error: string | null;
}

/** Options of {@link diagnoseRecords}. */
export interface DiagnoseOptions {
  style: DiagnosisPromptStyle;
  /** Records sent to the policy in one call (default 32). */
  batchSize?: number;
  /** Called after each batch with the number of records done. */
  onDone?: (done: number) => void;
  /** Called after each batch with its outcomes. */
  onOutcomes?: (outcomes: readonly DiagnosisOutcome[]) => void;
}

/** The policy request of a record: the diagnosis prompt as one user message, no tools, the record as the task handle. */
export function diagnosisRequest(record: DiagnosisRecord, prompt: string): PolicyRequest {
  return { episodeId: `diagnose:${record.id}`, messages: [{ role: 'user', content: prompt }], tools: [], entities: record.entities, task: record };
}

/**
 * Asks `policy` to diagnose every record: each gets the diagnosis prompt of `style` as a plain
 * user message (through the embedded policy's chat template, or as the message a real LLM gets),
 * and its answer is parsed. Never throws for what a policy does: a policy call that throws, a
 * missing response or an unreadable answer gives that record no verdict (counted as wrong).
 */
export async function diagnoseRecords(records: readonly DiagnosisRecord[], policy: Policy, options: DiagnoseOptions): Promise<DiagnosisOutcome[]> {
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const outcomes: DiagnosisOutcome[] = [];
  for (let start = 0; start < records.length; start += batchSize) {
    const batch = records.slice(start, start + batchSize);
    const prompts = batch.map((record) => buildDiagnosisPrompt(record, options.style));
    let responses: (PolicyResponse | undefined)[];
    let failure: string | null = null;
    try {
      responses = await policy.generate(batch.map((record, index) => diagnosisRequest(record, prompts[index] as string)));
      if (responses.length !== batch.length) failure = `policy returned ${responses.length} responses for ${batch.length} requests`;
    } catch (error) {
      responses = [];
      failure = `policy failed: ${(error as Error).message}`;
    }
    const batchOutcomes = batch.map((record, index): DiagnosisOutcome => {
      const response = failure === null ? responses[index] : undefined;
      const answer = response?.message.content ?? null;
      const error = failure ?? response?.error ?? null;
      return { record, prompt: prompts[index] as string, answer, predicted: parseDiagnosisAnswer(answer), error };
    });
    outcomes.push(...batchOutcomes);
    options.onOutcomes?.(batchOutcomes);
    options.onDone?.(outcomes.length);
  }
  return outcomes;
}
