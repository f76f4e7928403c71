export { travelUserTasks } from './user-tasks.js';
export { travelInjectionGoals } from './injection-goals.js';
