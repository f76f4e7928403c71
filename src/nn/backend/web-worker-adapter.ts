/**
 * A minimal Web `Worker` over `node:worker_threads`, enough for @jax-js/jax's wasm thread pool.
 *
 * jax-js builds its worker from a `blob:` URL holding a classic script that talks through
 * `self.onmessage` and `postMessage`. Node 20 has no Web Worker, so each adapter starts a
 * worker thread with a small bootstrap that provides those globals, receives the script's text
 * (read in this thread with `resolveObjectURL`) as its first message, evaluates it, then replays
 * any message that arrived meanwhile. Shared `WebAssembly.Memory` and compiled
 * `WebAssembly.Module`s cross `worker_threads` ports as they do in browsers.
 *
 * A thread is referenced (keeps the process alive) only while a reply is outstanding, so a
 * program that has finished computing exits without terminating the pool.
 */
import { resolveObjectURL } from 'node:buffer';
import { Worker as NodeWorker } from 'node:worker_threads';

const SOURCE_KEY = '__fateWorkerSource';

const BOOTSTRAP = `
const { parentPort } = require('node:worker_threads');
globalThis.self = globalThis;
globalThis.postMessage = (data) => parentPort.postMessage(data);
let loaded = false;
const waiting = [];
const deliver = (data) => {
  if (typeof self.onmessage === 'function') self.onmessage({ data });
};
parentPort.on('message', (data) => {
  if (!loaded) {
    if (data && typeof data === 'object' && typeof data[${JSON.stringify(SOURCE_KEY)}] === 'string') {
      (0, eval)(data[${JSON.stringify(SOURCE_KEY)}]);
      loaded = true;
      for (const queued of waiting.splice(0)) deliver(queued);
    } else waiting.push(data);
    return;
  }
  deliver(data);
});
`;

/** The `MessageEvent`-like object handed to `onmessage`. */
export interface WorkerMessageEvent {
  /** The posted value. */
  data: unknown;
}

/** The `ErrorEvent`-like object handed to `onerror`. */
export interface WorkerErrorEvent {
  /** The error's message. */
  message: string;
  /** The error thrown in the worker. */
  error: unknown;
}

/** Web `Worker` subset (constructor, `postMessage`, `onmessage`, `onerror`, `terminate`). */
export class NodeWebWorker {
  /** Called with every message the worker posts. */
  onmessage: ((event: WorkerMessageEvent) => void) | null = null;
  /** Called when the worker throws or fails to start. */
  onerror: ((event: WorkerErrorEvent) => void) | null = null;
  readonly #thread: NodeWorker;
  #outstanding = 0;

  /**
   * @param url a `blob:` URL (as jax-js passes) or a `data:`/file URL of a classic script.
   */
  constructor(url: string | URL) {
    const href = String(url);
    this.#thread = new NodeWorker(BOOTSTRAP, { eval: true });
    this.#thread.unref();
    this.#thread.on('message', (data: unknown) => {
      this.#settleOne();
      this.onmessage?.({ data });
    });
    this.#thread.on('error', (error: unknown) => {
      this.#settleOne();
      const message = error instanceof Error ? error.message : String(error);
      this.onerror?.({ message, error });
    });
    this.#loadSource(href);
  }

  /** Posts a message to the worker (structured clone; shared memory is shared). */
  postMessage(data: unknown): void {
    if (this.#outstanding++ === 0) this.#thread.ref();
    this.#thread.postMessage(data);
  }

  /** Stops the worker thread. */
  terminate(): void {
    void this.#thread.terminate();
  }

  #settleOne(): void {
    if (this.#outstanding > 0 && --this.#outstanding === 0) this.#thread.unref();
  }

  #loadSource(href: string): void {
    if (href.startsWith('blob:')) {
      const blob = resolveObjectURL(href);
      if (blob === undefined) throw new Error(`Worker: no Blob registered for ${href}`);
      void blob.text().then((source) => this.#thread.postMessage({ [SOURCE_KEY]: source }));
      return;
    }
    throw new Error(`Worker: only blob: URLs are supported by the Node adapter, got ${href}`);
  }
}
