export { bankingUserTasks } from './user-tasks.js';
export { bankingInjectionGoals } from './injection-goals.js';
export { taskPhrasings as bankingUserTaskPhrasings } from './texts.js';
