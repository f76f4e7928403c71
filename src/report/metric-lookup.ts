import type { SuiteMetrics } from '../eval/metrics.js';
import { wilsonInterval, type Metric } from '../eval/wilson.js';
import type { ReportMetric } from './report-template.js';

/**
 * The metric a report column names, from a `fate eval` summary; undefined when its suite was not
 * run or it has no episodes (n = 0). `both` pools the suites' control pass rates: successes add
 * up and the Wilson interval is taken over the pooled count.
 */
export function lookUpMetric(metrics: SuiteMetrics, column: ReportMetric): Metric | undefined {
  const found = pick(metrics, column);
  return found === undefined || found.n === 0 ? undefined : found;
}

function pick(metrics: SuiteMetrics, column: ReportMetric): Metric | undefined {
  const { injection, harm } = metrics.suites;
  if (column.suite === 'injection') return injection?.[column.key as keyof typeof injection];
  if (column.suite === 'harm') return harm?.[column.key as keyof typeof harm];
  const parts = [injection?.control, harm?.control].filter((metric): metric is Metric => metric !== undefined);
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((total, metric) => total + metric.n, 0);
  if (n === 0) return undefined;
  const successes = parts.reduce((total, metric) => total + Math.round(metric.value * metric.n), 0);
  return { value: successes / n, n, ci95: wilsonInterval(successes, n) };
}
