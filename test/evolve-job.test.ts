/**
 * How an evolve run's jobs are ordered and which wait for which: methods that roll out wait for
 * the shared round-1 phases; the group-rollout baselines start as soon as a worker is free.
 */
import { describe, expect, it } from 'vitest';
import { evolveJobs, jobPrerequisites, workerJobOrder } from '../src/evolve/evolve-job.js';

describe('evolve jobs', () => {
  it('adds the shared job only when a method rolls out', () => {
    expect(evolveJobs(['scalar-grpo', 'gdpo'])).toEqual(['base', 'scalar-grpo', 'gdpo']);
    expect(evolveJobs(['gdpo', 'fate'])).toEqual(['base', 'shared', 'gdpo', 'fate']);
  });

  it('makes only the methods that take the shared rollouts wait for them', () => {
    const jobs = evolveJobs(['fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft']);
    expect(jobPrerequisites('fate', jobs)).toEqual(['shared']);
    expect(jobPrerequisites('fate-sft-only', jobs)).toEqual(['shared']);
    expect(jobPrerequisites('refusal-sft', jobs)).toEqual(['shared']);
    expect(jobPrerequisites('scalar-grpo', jobs)).toEqual([]);
    expect(jobPrerequisites('gdpo', jobs)).toEqual([]);
    expect(jobPrerequisites('base', jobs)).toEqual([]);
    expect(jobPrerequisites('shared', jobs)).toEqual([]);
  });

  it('starts base and shared first, then the longest methods', () => {
    expect(workerJobOrder(evolveJobs(['gdpo', 'scalar-grpo', 'refusal-sft', 'fate-sft-only', 'fate']))).toEqual(['base', 'shared', 'fate', 'fate-sft-only', 'scalar-grpo', 'gdpo', 'refusal-sft']);
  });
});
