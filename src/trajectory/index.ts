export * from './message.js';
export * from './trajectory.js';
export * from './jsonl.js';
