import type { Policy, PolicyRequest, PolicyResponse } from '../agent/policy.js';

/** A policy that can draw several samples of one turn in a single call (e.g. a server's `n`). */
export interface SamplingPolicy extends Policy {
  /** `count` responses for each request, in request order. */
  generateSamples(requests: readonly PolicyRequest[], count: number): Promise<PolicyResponse[][]>;
}

/** Whether `policy` draws several samples itself. */
export function isSamplingPolicy(policy: Policy): policy is SamplingPolicy {
  return typeof (policy as Partial<SamplingPolicy>).generateSamples === 'function';
}

/** The episode id of sample `sample` of a request: the request's own id for sample 0, a distinct one (a distinct sampling stream) for the others. */
export function sampleEpisodeId(episodeId: string, sample: number): string {
  return sample === 0 ? episodeId : `${episodeId}~sample~${sample}`;
}

/**
 * Draws `count` responses for each request: through the policy's own `generateSamples` when it
 * has one, otherwise as one `generate` call over `count` copies of each request, each copy under
 * its own episode id (see {@link sampleEpisodeId}) so that seeded policies sample independently.
 */
export async function generateSamples(policy: Policy, requests: readonly PolicyRequest[], count: number): Promise<PolicyResponse[][]> {
  if (isSamplingPolicy(policy)) return policy.generateSamples(requests, count);
  const copies = requests.flatMap((request) => Array.from({ length: count }, (_unused, sample) => ({ ...request, episodeId: sampleEpisodeId(request.episodeId, sample) })));
  const responses = await policy.generate(copies);
  if (responses.length !== copies.length) throw new Error(`policy ${policy.name} returned ${responses.length} responses for ${copies.length} requests`);
  return requests.map((_request, index) => responses.slice(index * count, (index + 1) * count));
}
