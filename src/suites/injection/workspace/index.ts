export { workspaceUserTasks } from './user-tasks.js';
export { workspaceInjectionGoals } from './injection-goals.js';
