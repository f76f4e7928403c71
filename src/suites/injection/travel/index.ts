export { travelUserTasks } from './user-tasks.js';
export { travelInjectionGoals } from './injection-goals.js';
import type { Phrasing } from '../../phrasing.js';
import { userTaskTexts } from './texts.js';

/** The request phrasings of a travel user-task template, each with its split. */
export function travelUserTaskPhrasings(templateId: string): Phrasing[] {
  return userTaskTexts(templateId).phrasings;
}
