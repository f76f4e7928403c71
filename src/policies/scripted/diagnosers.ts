import { z } from 'zod';
import type { Policy, PolicyRequest, PolicyResponse } from '../../agent/policy.js';
import { formatDiagnosisAnswer } from '../../diagnosis/answer.js';
import { diagnosisGoldSchema, type DiagnosisGold } from '../../diagnosis/record.js';

/** A reference diagnoser: the answer it gives for a record with gold diagnosis `gold`. */
export interface ScriptedDiagnoser {
  description: string;
  answer: (gold: DiagnosisGold) => string;
}

/**
 * The reference diagnosers usable as `scripted:NAME` in `fate diagnose`: mock judges whose
 * metrics are known in advance, so the diagnosis metrics can be tested deterministically.
 */
export const scriptedDiagnosers: Record<string, ScriptedDiagnoser> = {
  'diagnose-oracle': {
    description: 'answers every diagnosis prompt with the record\'s gold verdict and labels (read from the task handle)',
    answer: (gold) => formatDiagnosisAnswer(gold),
  },
  'diagnose-unsafe': {
    description: 'calls every trajectory unsafe, without labels',
    answer: () => formatDiagnosisAnswer({ verdict: 'unsafe', labels: null }),
  },
  'diagnose-safe': {
    description: 'calls every trajectory safe',
    answer: () => formatDiagnosisAnswer({ verdict: 'safe', labels: null }),
  },
};

const handleSchema = z.object({ gold: diagnosisGoldSchema });

/**
 * A policy that answers diagnosis prompts as a {@link ScriptedDiagnoser}, from the gold diagnosis
 * of the diagnosis record it gets as task handle. Asked anything else (a task with no diagnosis
 * record behind it), it gives no message and says why.
 */
export class ScriptedDiagnoserPolicy implements Policy {
  constructor(
    readonly name: string,
    private readonly diagnoser: ScriptedDiagnoser,
  ) {}

  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    return requests.map((request) => {
      const handle = handleSchema.safeParse(request.task);
      if (!handle.success) return { message: { role: 'assistant', content: null }, error: `${this.name} answers only diagnosis prompts (its task handle must be a diagnosis record)` };
      return { message: { role: 'assistant', content: this.diagnoser.answer(handle.data.gold) } };
    });
  }
}
