import { domains } from '../envs/registry.js';
import { harmBehaviours } from './harm/generate.js';
import { attackTemplates } from './injection/attack.js';
import { injectionCatalog, injectionDomainNames } from './injection/catalog.js';
import { defaultSuiteSizes, type SuiteSizes } from './generate.js';
import { splits, type Split } from './split.js';

/** What `fate suites` lists: suites, template families, attacks and split sizes. */
export interface SuiteDescription {
  injection: {
    domains: { name: string; tools: string[] }[];
    userTaskTemplates: { id: string; domain: string; split: Split }[];
    injectionGoals: { id: string; domain: string; phrasingsPerSplit: Record<Split, number> }[];
    attacks: { id: string; split: Split; description: string }[];
    sizes: Record<Split, { benign: number; attacked: number }>;
  };
  harm: {
    tools: string[];
    behaviours: { id: string; category: string; split: Split }[];
    sizes: Record<Split, { harmful: number; benignTwin: number }>;
  };
}

/** Describes both suites and the number of tasks each split generates with `sizes`. */
export function describeSuites(sizes: Partial<SuiteSizes> = {}): SuiteDescription {
  const counts = { ...defaultSuiteSizes, ...sizes };
  const attacks = attackTemplates();
  const templates = injectionDomainNames.flatMap((domain) => injectionCatalog[domain].userTasks.map((template) => ({ id: template.id, domain, split: template.split })));
  const injectionSizes = Object.fromEntries(
    splits.map((split) => {
      const inSplit = templates.filter((template) => template.split === split);
      const attacksInSplit = attacks.filter((attack) => attack.split === split).length;
      const attacked = inSplit.reduce(
        (total, template) => total + injectionCatalog[template.domain].goals.length * attacksInSplit * counts.attackedPerCombination,
        0,
      );
      return [split, { benign: inSplit.length * counts.benignPerTemplate, attacked }];
    }),
  ) as Record<Split, { benign: number; attacked: number }>;
  const behaviours = harmBehaviours().map((behaviour) => ({ id: behaviour.id, category: behaviour.category, split: behaviour.split }));
  const harmSizes = Object.fromEntries(
    splits.map((split) => {
      const count = behaviours.filter((behaviour) => behaviour.split === split).length * counts.harmInstancesPerBehaviour;
      return [split, { harmful: count, benignTwin: count }];
    }),
  ) as Record<Split, { harmful: number; benignTwin: number }>;
  return {
    injection: {
      domains: injectionDomainNames.map((name) => ({ name, tools: domains[name].tools.map((tool) => tool.name) })),
      userTaskTemplates: templates,
      injectionGoals: injectionDomainNames.flatMap((domain) =>
        injectionCatalog[domain].goals.map((goal) => ({
          id: goal.id,
          domain,
          phrasingsPerSplit: Object.fromEntries(splits.map((split) => [split, goal.phrasings.filter((phrasing) => phrasing.split === split).length])) as Record<Split, number>,
        })),
      ),
      attacks: attacks.map((attack) => ({ id: attack.id, split: attack.split, description: attack.description })),
      sizes: injectionSizes,
    },
    harm: { tools: domains.harm.tools.map((tool) => tool.name), behaviours, sizes: harmSizes },
  };
}
