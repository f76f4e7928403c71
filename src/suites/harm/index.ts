export { actionMatchesSpec, actionsMatch, type ActionsMatchResult, type MatchableAction } from './action-match.js';
export { harmBehaviourSchema, harmCategories, harmCategorySchema, loadHarmBehaviours, type HarmBehaviour, type HarmCategory } from './behaviour.js';
export { buildHarmInstance, generateHarmTasks, harmBehaviour, harmBehaviours, harmComplianceCalls, harmMaxSteps, harmTaskId, parseHarmTaskId, type HarmInstance } from './generate.js';
