import type { DomainName } from '../../envs/domain.js';
import type { Random } from '../../envs/random.js';
import { createBankingWorld } from '../../envs/banking/index.js';
import { createChatWorld } from '../../envs/chat/index.js';
import { createTravelWorld } from '../../envs/travel/index.js';
import { createWorkspaceWorld } from '../../envs/workspace/index.js';
import type { Phrasing } from '../phrasing.js';
import { bankingInjectionGoals, bankingUserTaskPhrasings, bankingUserTasks } from './banking/index.js';
import { chatInjectionGoals, chatUserTaskPhrasings, chatUserTasks } from './chat/index.js';
import type { InjectionGoal } from './injection-goal.js';
import { travelInjectionGoals, travelUserTaskPhrasings, travelUserTasks } from './travel/index.js';
import type { UserTaskTemplate } from './user-task.js';
import { workspaceInjectionGoals, workspaceUserTaskPhrasings, workspaceUserTasks } from './workspace/index.js';
import type { WorldDraft } from './world-draft.js';

/** The domains of the injection suite. */
export type InjectionDomainName = Exclude<DomainName, 'harm'>;
export const injectionDomainNames: readonly InjectionDomainName[] = ['workspace', 'banking', 'travel', 'chat'];

/** What the injection suite holds for one domain. */
export interface InjectionDomainCatalog {
  createWorld(random: Random): WorldDraft<unknown>;
  userTasks: readonly UserTaskTemplate<unknown>[];
  goals: readonly InjectionGoal<unknown>[];
  /** The request phrasings of one of the domain's user-task templates, each with its split. */
  phrasings(templateId: string): Phrasing[];
}

const erase = <T>(value: T): never => value as never;

/** The injection suite's worlds, user-task templates and injection goals per domain. */
export const injectionCatalog: Record<InjectionDomainName, InjectionDomainCatalog> = {
  workspace: { createWorld: erase(createWorkspaceWorld), userTasks: erase(workspaceUserTasks), goals: erase(workspaceInjectionGoals), phrasings: workspaceUserTaskPhrasings },
  banking: { createWorld: erase(createBankingWorld), userTasks: erase(bankingUserTasks), goals: erase(bankingInjectionGoals), phrasings: bankingUserTaskPhrasings },
  travel: { createWorld: erase(createTravelWorld), userTasks: erase(travelUserTasks), goals: erase(travelInjectionGoals), phrasings: travelUserTaskPhrasings },
  chat: { createWorld: erase(createChatWorld), userTasks: erase(chatUserTasks), goals: erase(chatInjectionGoals), phrasings: chatUserTaskPhrasings },
};

/** Every user-task template across domains. */
export function allUserTaskTemplates(): UserTaskTemplate<unknown>[] {
  return injectionDomainNames.flatMap((name) => injectionCatalog[name].userTasks);
}

/** Every injection goal across domains. */
export function allInjectionGoals(): InjectionGoal<unknown>[] {
  return injectionDomainNames.flatMap((name) => injectionCatalog[name].goals);
}

/** The user-task template with `id`; throws when unknown. */
export function userTaskTemplate(id: string): UserTaskTemplate<unknown> {
  const template = allUserTaskTemplates().find((candidate) => candidate.id === id);
  if (!template) throw new Error(`unknown user-task template: ${id}`);
  return template;
}

/** The injection goal with `id`; throws when unknown. */
export function injectionGoal(id: string): InjectionGoal<unknown> {
  const goal = allInjectionGoals().find((candidate) => candidate.id === id);
  if (!goal) throw new Error(`unknown injection goal: ${id}`);
  return goal;
}
