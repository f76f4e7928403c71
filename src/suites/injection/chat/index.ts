export { chatInjectionGoals } from './injection-goals.js';
export { chatUserTasks } from './user-tasks.js';
export { templatePhrasings as chatUserTaskPhrasings } from './texts.js';
