import { domains } from '../envs/registry.js';
import { harmBehaviours } from './harm/generate.js';
import { attackTemplates } from './injection/attack.js';
import { injectionCatalog, injectionDomainNames } from './injection/catalog.js';
import { goalsForAttack } from './injection/generate.js';
import { suiteSizes, type SuiteSizes } from './generate.js';
import { phrasingsPerSplit } from './phrasing.js';
import { splits, type Split } from './split.js';

/** What `fate suites` lists: suites, task kinds with their phrasings per split, attacks and split sizes. */
export interface SuiteDescription {
  injection: {
    domains: { name: string; tools: string[] }[];
    userTaskTemplates: { id: string; domain: string; phrasingsPerSplit: Record<Split, number> }[];
    injectionGoals: { id: string; domain: string; phrasingsPerSplit: Record<Split, number> }[];
    attacks: { id: string; split: Split; description: string }[];
    sizes: Record<Split, { benign: number; attacked: number }>;
  };
  harm: {
    tools: string[];
    behaviours: { id: string; category: string; harmfulPhrasingsPerSplit: Record<Split, number>; benignPhrasingsPerSplit: Record<Split, number> }[];
    sizes: Record<Split, { harmful: number; benignTwin: number }>;
  };
}

/** Describes both suites and the number of tasks each split generates with `sizes` (overrides for every split). */
export function describeSuites(sizes: Partial<SuiteSizes> = {}): SuiteDescription {
  const attacks = attackTemplates();
  const templates = injectionDomainNames.flatMap((domain) =>
    injectionCatalog[domain].userTasks.map((template) => ({ id: template.id, domain, phrasingsPerSplit: phrasingsPerSplit(injectionCatalog[domain].phrasings(template.id)) })),
  );
  const injectionSizes = Object.fromEntries(
    splits.map((split) => {
      const counts = suiteSizes(split, sizes);
      const attacksInSplit = attacks.filter((attack) => attack.split === split).length;
      let attacked = 0;
      for (const domain of injectionDomainNames) {
        const { userTasks, goals } = injectionCatalog[domain];
        userTasks.forEach((_, templateIndex) => {
          for (let attackIndex = 0; attackIndex < attacksInSplit; attackIndex += 1) {
            attacked += goalsForAttack(goals, counts.goalsPerAttack, templateIndex, attackIndex, attacksInSplit).length * counts.attackedPerCombination;
          }
        });
      }
      return [split, { benign: templates.length * counts.benignPerTemplate, attacked }];
    }),
  ) as Record<Split, { benign: number; attacked: number }>;
  const behaviours = harmBehaviours().map((behaviour) => ({
    id: behaviour.id,
    category: behaviour.category,
    harmfulPhrasingsPerSplit: phrasingsPerSplit(behaviour.harmful.phrasings),
    benignPhrasingsPerSplit: phrasingsPerSplit(behaviour.benign.phrasings),
  }));
  const harmSizes = Object.fromEntries(
    splits.map((split) => {
      const count = behaviours.length * suiteSizes(split, sizes).harmInstancesPerBehaviour;
      return [split, { harmful: count, benignTwin: count }];
    }),
  ) as Record<Split, { harmful: number; benignTwin: number }>;
  return {
    injection: {
      domains: injectionDomainNames.map((name) => ({ name, tools: domains[name].tools.map((tool) => tool.name) })),
      userTaskTemplates: templates,
      injectionGoals: injectionDomainNames.flatMap((domain) =>
        injectionCatalog[domain].goals.map((goal) => ({ id: goal.id, domain, phrasingsPerSplit: phrasingsPerSplit(goal.phrasings) })),
      ),
      attacks: attacks.map((attack) => ({ id: attack.id, split: attack.split, description: attack.description })),
      sizes: injectionSizes,
    },
    harm: { tools: domains.harm.tools.map((tool) => tool.name), behaviours, sizes: harmSizes },
  };
}
