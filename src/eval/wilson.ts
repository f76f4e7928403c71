import { z } from 'zod';

/** A rate with its sample size and 95% Wilson score interval: the `M` shape of every summary. */
export const metricSchema = z.object({
  value: z.number(),
  n: z.number().int().nonnegative(),
  ci95: z.tuple([z.number(), z.number()]),
});
export type Metric = z.infer<typeof metricSchema>;

const z95 = 1.959963984540054;

/** The 95% Wilson score interval of `successes` out of `n` ([0, 1] when n = 0). */
export function wilsonInterval(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const proportion = successes / n;
  const denominator = 1 + (z95 * z95) / n;
  const centre = (proportion + (z95 * z95) / (2 * n)) / denominator;
  const margin = (z95 * Math.sqrt((proportion * (1 - proportion)) / n + (z95 * z95) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - margin), Math.min(1, centre + margin)];
}

/** A rate metric from boolean outcomes (value 0 with n = 0 when there are none). */
export function rate(outcomes: readonly boolean[]): Metric {
  const successes = outcomes.filter(Boolean).length;
  return { value: outcomes.length === 0 ? 0 : successes / outcomes.length, n: outcomes.length, ci95: wilsonInterval(successes, outcomes.length) };
}
