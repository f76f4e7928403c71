export * from './score.js';
export * from './verify.js';
export { isRefusal } from './refusal-detector.js';
export type { ControlScope } from './control.js';
