/** Group moments shared by the PFPO advantage and the scalar baselines. */

/** Arithmetic mean (0 for no values). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((total, value) => total + value, 0) / values.length;
}

/** Sample (n − 1) standard deviation; 0 for fewer than two values. */
export function sampleStandardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const center = mean(values);
  const squares = values.reduce((total, value) => total + (value - center) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * Group standardisation (x − mean) / (sample std + epsilon), as in TRL's GRPO trainer. When every
 * value is equal the result is exactly 0 for each (not a rounding residue of the mean over epsilon).
 */
export function standardize(values: readonly number[], epsilon: number): number[] {
  if (values.every((value) => value === values[0])) return values.map(() => 0);
  const center = mean(values);
  const denominator = sampleStandardDeviation(values) + epsilon;
  return values.map((value) => (value - center) / denominator);
}
