export { workspaceUserTasks } from './user-tasks.js';
export { workspaceInjectionGoals } from './injection-goals.js';
import type { Phrasing } from '../../phrasing.js';
import { userTaskEntry } from './suite-data.js';

/** The request phrasings of a workspace user-task template, each with its split. */
export function workspaceUserTaskPhrasings(templateId: string): Phrasing[] {
  return userTaskEntry(templateId).phrasings;
}
