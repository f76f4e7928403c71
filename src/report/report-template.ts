import { z } from 'zod';
import { readDataFile } from '../envs/data-file.js';
import { harmMetricsSchema, injectionMetricsSchema } from '../eval/metrics.js';
import { evolveMethods } from '../evolve/evolve-summary.js';

const sectionSchema = z.object({ title: z.string(), text: z.string() });
const methodStyleSchema = z.object({ label: z.string(), color: z.string().regex(/^#[0-9A-Fa-f]{6}$/) });

/** One column of the methods × metrics table: where the metric lives in a `fate eval` summary. */
export const reportMetricSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z-]*$/),
    label: z.string(),
    /** `both` pools the two suites' control pass rates. */
    suite: z.enum(['injection', 'harm', 'both']),
    key: z.string(),
    better: z.enum(['higher', 'lower']),
  })
  .refine(
    (metric) =>
      metric.suite === 'both'
        ? metric.key === 'control'
        : Object.keys((metric.suite === 'injection' ? injectionMetricsSchema : harmMetricsSchema).shape).includes(metric.key),
    { message: 'key is not a metric of that suite', path: ['key'] },
  );
export type ReportMetric = z.infer<typeof reportMetricSchema>;

/** `data/report/evolve-report.json`: texts, colours and the stylesheet of the evolve report. */
export const reportTemplateSchema = z
  .object({
    description: z.string(),
    title: z.string(),
    header: z.object({
      run: z.string(),
      preset: z.string(),
      policy: z.string(),
      seed: z.string(),
      methods: z.string(),
      rounds: z.string(),
      duration: z.string(),
      work: z.string(),
      status: z.string(),
      finished: z.string(),
      unfinished: z.string(),
    }),
    sections: z.object({ metrics: sectionSchema, curves: sectionSchema, front: sectionSchema, training: sectionSchema, groups: sectionSchema, examples: sectionSchema }),
    noData: z.string(),
    noExamples: z.string(),
    noGroups: z.string(),
    noTraining: z.string(),
    missing: z.string(),
    better: z.object({ higher: z.string(), lower: z.string() }),
    axes: z.object({ round: z.string(), utility: z.string(), security: z.string(), rate: z.string() }),
    metrics: z.array(reportMetricSchema).min(1),
    curves: z.array(z.string()).min(1),
    zeroVarianceChart: z.string(),
    methods: z.object(Object.fromEntries(['base', ...evolveMethods].map((method) => [method, methodStyleSchema])) as Record<'base' | (typeof evolveMethods)[number], typeof methodStyleSchema>),
    training: z.object({
      method: z.string(),
      round: z.string(),
      failures: z.string(),
      repaired: z.string(),
      bufferSize: z.string(),
      sftLoss: z.string(),
      groups: z.string(),
      zeroVarianceShare: z.string(),
      allInfeasibleShare: z.string(),
      meanFronts: z.string(),
      infeasiblePositiveShare: z.string(),
      meanKl: z.string(),
      hypervolume: z.string(),
      seconds: z.string(),
    }),
    /** Labels of the stage-2 groups section; `summary` takes {method}, {round}, {groups}, {size}, {zeroVariance}, `noAnswer` {termination}, `more` {count}. */
    groups: z.object({
      summary: z.string(),
      task: z.string(),
      sample: z.string(),
      security: z.string(),
      utility: z.string(),
      overRefusal: z.string(),
      control: z.string(),
      feasible: z.string(),
      level: z.string(),
      advantage: z.string(),
      did: z.string(),
      yes: z.string(),
      no: z.string(),
      unscorable: z.string(),
      noAnswer: z.string(),
      /** Takes {count}: the groups of a phase past `shownPerPhase`, left to the export. */
      more: z.string(),
      /** Most groups a phase's table shows (the export keeps them all). */
      shownPerPhase: z.number().int().positive(),
    }),
    table: z.object({ method: z.string(), split: z.string(), hypervolume: z.string() }),
    example: z.object({
      method: z.string(),
      round: z.string(),
      task: z.string(),
      failureType: z.string(),
      failure: z.string(),
      repair: z.string(),
      evidence: z.string(),
    }),
    css: z.array(z.string()),
  })
  .refine((template) => template.curves.every((id) => template.metrics.some((metric) => metric.id === id)), {
    message: 'every curve must name a metric id',
    path: ['curves'],
  });
export type ReportTemplate = z.infer<typeof reportTemplateSchema>;

let cached: ReportTemplate | undefined;

/** The evolve report's template, read once from `data/report/evolve-report.json`. */
export function loadReportTemplate(): ReportTemplate {
  cached ??= readDataFile('report/evolve-report.json', reportTemplateSchema);
  return cached;
}
