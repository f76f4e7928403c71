import type { Metric } from '../eval/wilson.js';

/** A number with three decimals, or `missing` when there is none. */
export function formatNumber(value: number | null | undefined, missing: string, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? missing : value.toFixed(digits);
}

/** `0.412 [0.350, 0.480] n=80`, the CLI's metric vocabulary on one line (for tooltips). */
export function formatMetricLine(metric: Metric): string {
  return `${metric.value.toFixed(3)} [${metric.ci95[0].toFixed(3)}, ${metric.ci95[1].toFixed(3)}] n=${metric.n}`;
}

/** A duration as `1 h 02 min`, `12 min 03 s` or `45 s`. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return `${minutes} min ${String(rest).padStart(2, '0')} s`;
  return `${rest} s`;
}
