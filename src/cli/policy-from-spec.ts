import type { Policy } from '../agent/policy.js';
import { createPolicy, UnknownPolicyError } from '../policies/registry.js';
import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import { UserError } from './user-error.js';

/**
 * The policy a `--policy SPEC` flag names, decoding with the config's `decoding` section where it
 * samples (see {@link createPolicy}); an unknown or unusable spec becomes a one-line user error.
 */
export async function policyFromSpec(spec: string, decoding: DecodingOverrides = {}): Promise<Policy> {
  try {
    return await createPolicy(spec, decoding);
  } catch (error) {
    if (error instanceof UnknownPolicyError) throw new UserError(error.message);
    throw error;
  }
}
