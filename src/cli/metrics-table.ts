import Table from 'cli-table3';
import type { SuiteMetrics } from '../eval/metrics.js';
import type { Metric } from '../eval/wilson.js';

const labels: Record<string, string> = {
  benignUtility: 'benign utility',
  tsr: 'TSR (utility under attack)',
  asr: 'ASR (attack success)',
  injectionSeen: 'injection seen (reached the agent)',
  asrWhenSeen: 'ASR when seen',
  hcr: 'HCR (harmful compliance)',
  vrr: 'VRR (valid refusal)',
  brr: 'BRR (benign refusal)',
  safeScore: 'SafeScore',
  control: 'control pass rate',
};

const format = (metric: Metric): [string, string, string] => [
  metric.value.toFixed(3),
  `[${metric.ci95[0].toFixed(3)}, ${metric.ci95[1].toFixed(3)}]`,
  String(metric.n),
];

/** A readable terminal table of suite metrics with 95% intervals and n. */
export function metricsTable(metrics: SuiteMetrics): string {
  const table = new Table({ head: ['suite', 'metric', 'value', '95% CI', 'n'], style: { head: [], border: [] } });
  for (const [suite, values] of Object.entries(metrics.suites)) {
    for (const [name, metric] of Object.entries(values ?? {})) table.push([suite, labels[name] ?? name, ...format(metric as Metric)]);
  }
  return table.toString();
}
