import type { Domain, DomainName } from './domain.js';
import { bankingDomain } from './banking/index.js';
import { chatDomain } from './chat/index.js';
import { harmDomain } from './harm/index.js';
import { travelDomain } from './travel/index.js';
import { workspaceDomain } from './workspace/index.js';

/** Every simulated domain by name. */
export const domains: Record<DomainName, Domain<unknown>> = {
  workspace: workspaceDomain as unknown as Domain<unknown>,
  banking: bankingDomain as unknown as Domain<unknown>,
  travel: travelDomain as unknown as Domain<unknown>,
  chat: chatDomain as unknown as Domain<unknown>,
  harm: harmDomain as unknown as Domain<unknown>,
};

/** The domain named `name`. */
export function domainByName(name: DomainName): Domain<unknown> {
  return domains[name];
}
