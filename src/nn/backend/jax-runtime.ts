/**
 * Starting @jax-js/jax on Node: install the shims, initialise the `wasm` device and make it the
 * default. Every tensor in src/nn lives on that device.
 *
 * jax-js creates its wasm backend (and decides whether memory is shared, i.e. whether it may use
 * worker threads) when its module is first evaluated, so the shims must exist before that: the
 * module is imported here, dynamically, after {@link installNodeShims}. No file may import values
 * from '@jax-js/jax' statically (type-only imports are fine).
 */
import type * as JaxModule from '@jax-js/jax';
import { withChunkedMemory } from './chunked-memory.js';
import { installNodeShims, type NodeShimOptions } from './node-shims.js';

let started: Promise<typeof JaxModule> | undefined;

/** Starts jax-js on the `wasm` device once per process and returns its module. */
export function startJaxRuntime(options: NodeShimOptions = {}): Promise<typeof JaxModule> {
  started ??= (async () => {
    installNodeShims(options);
    // Its wasm heap grows in chunks (see chunked-memory.ts): created while the module is evaluated.
    const jax = await withChunkedMemory(() => import('@jax-js/jax'));
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) throw new Error('jax-js: the wasm device did not initialise');
    jax.defaultDevice('wasm');
    return jax;
  })();
  return started;
}
