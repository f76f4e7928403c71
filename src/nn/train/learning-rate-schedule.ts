/** Linear warmup then cosine decay, the schedule nanoGPT / nanochat use. */

/** Options of {@link warmupCosineLearningRate}. */
export interface LearningRateSchedule {
  /** Peak learning rate, reached at the end of warmup. */
  peak: number;
  /** Floor reached at `totalSteps` (and held after); default 10 % of the peak. */
  minimum?: number;
  /** Steps of linear warmup from peak / warmupSteps to the peak. */
  warmupSteps: number;
  /** Step at which the cosine reaches the floor. */
  totalSteps: number;
}

/** Learning rate for optimizer step `step` (0-based). */
export function warmupCosineLearningRate(step: number, schedule: LearningRateSchedule): number {
  const minimum = schedule.minimum ?? schedule.peak * 0.1;
  if (schedule.warmupSteps > 0 && step < schedule.warmupSteps) return (schedule.peak * (step + 1)) / schedule.warmupSteps;
  if (step >= schedule.totalSteps) return minimum;
  const decaySteps = Math.max(1, schedule.totalSteps - schedule.warmupSteps);
  const progress = (step - schedule.warmupSteps) / decaySteps;
  return minimum + 0.5 * (schedule.peak - minimum) * (1 + Math.cos(Math.PI * progress));
}
