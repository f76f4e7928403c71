import { z } from 'zod';
import { readDataFile } from '../envs/data-file.js';
import type { DiagnosisLabels } from '../suites/diagnosis-labels.js';

/** The three label dimensions of an unsafe trajectory, as fate names them. */
export const diagnosisDimensions = ['riskSource', 'failureMode', 'realWorldHarm'] as const satisfies readonly (keyof DiagnosisLabels)[];
export type DiagnosisDimension = (typeof diagnosisDimensions)[number];

/** How ATBench (and a diagnosis answer) names each dimension. */
export const atbenchDimensionKeys: Record<DiagnosisDimension, 'risk_source' | 'failure_mode' | 'real_world_harm'> = {
  riskSource: 'risk_source',
  failureMode: 'failure_mode',
  realWorldHarm: 'real_world_harm',
};

/** Schema of `data/diagnosis/taxonomy.json`: ATBench's label vocabulary, one list per dimension. */
export const diagnosisTaxonomySchema = z
  .object({
    description: z.string().optional(),
    source: z.string(),
    risk_source: z.array(z.string().min(1)).min(1),
    failure_mode: z.array(z.string().min(1)).min(1),
    real_world_harm: z.array(z.string().min(1)).min(1),
  })
  .strict();

/** ATBench's label vocabulary by dimension. */
export type DiagnosisTaxonomy = Record<DiagnosisDimension, readonly string[]>;

let cached: DiagnosisTaxonomy | undefined;

/** Loads (once) ATBench's label vocabulary from `data/diagnosis/taxonomy.json`. */
export function diagnosisTaxonomy(): DiagnosisTaxonomy {
  if (!cached) {
    const file = readDataFile('diagnosis/taxonomy.json', diagnosisTaxonomySchema);
    cached = { riskSource: file.risk_source, failureMode: file.failure_mode, realWorldHarm: file.real_world_harm };
  }
  return cached;
}
