import { availableParallelism } from 'node:os';

/**
 * Worker processes a command uses for a policy when `--workers` is not given: the embedded policy
 * (`tiny`, `tiny:DIR`) computes on one core per process, so it gets up to two (one on a one-core
 * machine); other policies get one (a served model batches requests itself, and a llama.cpp model
 * would be loaded once per process).
 */
export function defaultWorkerCount(policySpec: string): number {
  return policySpec === 'tiny' || policySpec.startsWith('tiny:') ? Math.min(2, availableParallelism()) : 1;
}
