import type { EvolveMethod } from './evolve-summary.js';

/**
 * One independent piece of an evolve run, run in the parent process or in a worker process:
 * `base` (the starting policy on dev and test), `shared` (round 1's rollouts, repairs and
 * warmup, from the base, which every method that uses them shares) or a method (all its rounds and its test
 * evaluation).
 */
export type EvolveJob = 'base' | 'shared' | EvolveMethod;

/** Whether the method rolls the policy out on the train pools every round. */
export function usesRollouts(method: EvolveMethod): boolean {
  return method === 'fate' || method === 'fate-sft-only' || method === 'refusal-sft';
}

/** Whether the method repairs its failures every round. */
export function usesRepairs(method: EvolveMethod): boolean {
  return method === 'fate' || method === 'fate-sft-only';
}

/** Whether the method trains on group rollouts with advantages (PFPO or a scalar baseline). */
export function usesPolicyOptimization(method: EvolveMethod): boolean {
  return method === 'fate' || method === 'scalar-grpo' || method === 'gdpo';
}

/**
 * Methods by how long one runs, longest first: worker processes start them in this order (a
 * method whose prerequisites have not finished is passed over for the next). refusal-sft is
 * last: it trains a few steps toward one refusal, whose rollouts and evaluations end at once
 * (in the default preset about a minute, where each other method takes five to eight).
 */
const longestFirst: readonly EvolveMethod[] = ['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft'];

/** The jobs of a run of `methods`, in the order one process runs them (base, shared when used, the methods as given). */
export function evolveJobs(methods: readonly EvolveMethod[]): EvolveJob[] {
  return ['base', ...(methods.some(usesRollouts) ? (['shared'] as const) : []), ...methods];
}

/** The same jobs in the order worker processes start them: base and shared first, then the longest methods. */
export function workerJobOrder(jobs: readonly EvolveJob[]): EvolveJob[] {
  const rank = (job: EvolveJob): number => (job === 'base' ? -2 : job === 'shared' ? -1 : longestFirst.indexOf(job));
  return [...jobs].sort((first, second) => rank(first) - rank(second));
}

/**
 * The jobs that must finish before `job` starts: methods that roll out wait for the shared
 * round-1 phases; the others (group rollouts from the base only) start as soon as a worker is free.
 */
export function jobPrerequisites(job: EvolveJob, jobs: readonly EvolveJob[]): EvolveJob[] {
  return job !== 'base' && job !== 'shared' && usesRollouts(job) && jobs.includes('shared') ? ['shared'] : [];
}
