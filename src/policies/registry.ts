import type { Policy } from '../agent/policy.js';
import { scriptedBehaviours } from './scripted/behaviours.js';
import { ScriptedPolicy } from './scripted/scripted-policy.js';

/** A policy spec that names no known policy. */
export class UnknownPolicyError extends Error {
  override readonly name = 'UnknownPolicyError';
}

/** Every policy spec fate understands, for help texts. */
export function policySpecs(): string[] {
  return Object.keys(scriptedBehaviours).map((name) => `scripted:${name}`);
}

/**
 * Makes a policy from its spec: `scripted:NAME`. Throws {@link UnknownPolicyError} with the known
 * specs for anything else.
 */
export async function createPolicy(spec: string): Promise<Policy> {
  const [kind, ...rest] = spec.split(':');
  const argument = rest.join(':');
  if (kind === 'scripted') {
    const behaviour = scriptedBehaviours[argument];
    if (behaviour) return new ScriptedPolicy(spec, behaviour.plan);
    throw new UnknownPolicyError(`unknown scripted policy "${argument}"; known: ${Object.keys(scriptedBehaviours).join(', ')}`);
  }
  throw new UnknownPolicyError(`unknown policy "${spec}"; known: ${policySpecs().join(', ')}`);
}
