/**
 * What @jax-js/jax 0.1.25 expects from a browser and Node 20 lacks: a global `navigator`
 * (read by `init()` and by the kernel tuner), the ES2025 Iterator helpers, and a Web `Worker`
 * (for the wasm thread pool). Each is installed only where missing, so Node 22+ keeps its own.
 */
import { availableParallelism } from 'node:os';
import { installIteratorHelpers } from './iterator-helpers.js';
import { NodeWebWorker } from './web-worker-adapter.js';

/** Options for {@link installNodeShims}. */
export interface NodeShimOptions {
  /** Threads for the wasm pool (`navigator.hardwareConcurrency`); default: available cores. */
  threads?: number;
  /** Install the Web Worker adapter (enables jax-js's thread pool); default true. */
  workers?: boolean;
}

/** Installs the globals jax-js needs on Node 20. Safe to call more than once. */
export function installNodeShims(options: NodeShimOptions = {}): void {
  const globals = globalThis as Record<string, unknown>;
  const threads = Math.max(1, options.threads ?? availableParallelism());
  if (globals.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { userAgent: `Node.js/${process.versions.node}`, hardwareConcurrency: threads, language: 'en-US' },
      writable: true,
      configurable: true,
    });
  }
  installIteratorHelpers();
  if ((options.workers ?? true) && globals.Worker === undefined) {
    Object.defineProperty(globalThis, 'Worker', { value: NodeWebWorker, writable: true, configurable: true });
  }
}
