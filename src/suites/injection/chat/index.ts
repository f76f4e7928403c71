export { chatInjectionGoals } from './injection-goals.js';
export { chatUserTasks } from './user-tasks.js';
