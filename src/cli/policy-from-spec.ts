import type { Policy } from '../agent/policy.js';
import { createPolicy, UnknownPolicyError } from '../policies/registry.js';
import { UserError } from './user-error.js';

/** The policy a `--policy SPEC` flag names; an unknown or unusable spec becomes a one-line user error. */
export async function policyFromSpec(spec: string): Promise<Policy> {
  try {
    return await createPolicy(spec);
  } catch (error) {
    if (error instanceof UnknownPolicyError) throw new UserError(error.message);
    throw error;
  }
}
