/**
 * Trajectory diagnosis (ATBench style). The suite builder (`suite.ts`, `behaviour-mix.ts`) runs
 * the scripted behaviours and is left out of this index on purpose, so that what the training
 * loop imports from here (prompts, answers, metrics, examples from repairs) never pulls them in.
 */
export * from './record.js';
export * from './taxonomy.js';
export * from './gold-diagnosis.js';
export * from './data-error.js';
export * from './atbench-record.js';
export * from './jsonl-record.js';
export * from './read-diagnosis-data.js';
export * from './prompt-template.js';
export * from './trajectory-text.js';
export * from './prompt.js';
export * from './answer.js';
export * from './metrics.js';
export * from './diagnose.js';
export * from './repair-examples.js';
