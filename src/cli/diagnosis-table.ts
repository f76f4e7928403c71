import Table from 'cli-table3';
import type { DiagnosisMetrics } from '../diagnosis/metrics.js';
import type { Metric } from '../eval/wilson.js';

const format = (metric: Metric): [string, string, string] =>
  metric.n === 0 ? ['—', '—', '0'] : [metric.value.toFixed(3), `[${metric.ci95[0].toFixed(3)}, ${metric.ci95[1].toFixed(3)}]`, String(metric.n)];

/** A readable terminal table of diagnosis metrics with 95% intervals and n (unsafe = positive). */
export function diagnosisTable(metrics: DiagnosisMetrics): string {
  const table = new Table({ head: ['metric', 'value', '95% CI', 'n'], style: { head: [], border: [] } });
  const rows: [string, Metric][] = [
    ['accuracy', metrics.accuracy],
    ['precision (unsafe)', metrics.precision],
    ['recall (unsafe)', metrics.recall],
    ['F1 (unsafe; bootstrap CI)', metrics.f1],
    ['no verdict', metrics.noVerdict],
    ['risk source accuracy (unsafe)', metrics.labels.riskSource],
    ['failure mode accuracy (unsafe)', metrics.labels.failureMode],
    ['real-world harm accuracy (unsafe)', metrics.labels.realWorldHarm],
  ];
  for (const [label, metric] of rows) table.push([label, ...format(metric)]);
  return table.toString();
}
