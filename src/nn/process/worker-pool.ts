import { fork, type ChildProcess } from 'node:child_process';
import type { WorkerLaunch } from './worker-launch.js';

/** What a worker process of {@link runInWorkers} sends: ready (then it gets its request), its items as they are made, then done or failed. */
export type PoolWorkerMessage<Item> = { type: 'ready' } | { type: 'item'; item: Item } | { type: 'done' } | { type: 'failed'; name: string; message: string };

/**
 * Shares `items` out among at most `workers` processes, round robin (item j to share j mod the
 * count), never more shares than items and at least one.
 */
export function roundRobinShares<T>(items: readonly T[], workers: number): T[][] {
  const count = Math.max(1, Math.min(workers, items.length));
  return Array.from({ length: count }, (_unused, share) => items.filter((_item, index) => index % count === share));
}

/** What {@link runInWorkers} needs. */
export interface RunInWorkersOptions<Request, Item> {
  /** The worker entry module and node's flags for it. */
  launch: WorkerLaunch;
  /** One request per worker process (each gets its own process). */
  requests: readonly Request[];
  /** Names the workers in errors, e.g. "eval worker". */
  label: string;
  /** Receives each item as it arrives, with the worker's number (from 1); a throw stops every worker and rejects. */
  onItem: (item: Item, worker: number) => void;
}

/**
 * Runs one worker process per request side by side: each says it is ready, gets its request,
 * sends items as it makes them and then says done. Resolves once every worker has finished. When
 * one fails (an error it reports, an exit before done, or `onItem` throwing), the others are
 * killed and the promise rejects with a one-line error once all have exited. Workers also exit
 * when this process goes away (their IPC channel closes); on exit it kills any that are left.
 */
export function runInWorkers<Request, Item>(options: RunInWorkersOptions<Request, Item>): Promise<void> {
  const children: ChildProcess[] = [];
  let failure: Error | null = null;
  return new Promise<void>((resolve, reject) => {
    let open = options.requests.length;
    const killAll = (): void => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    process.on('exit', killAll);
    const fail = (error: Error): void => {
      failure ??= error;
      killAll();
    };
    const settle = (): void => {
      open -= 1;
      if (open > 0) return;
      process.removeListener('exit', killAll);
      if (failure) reject(failure);
      else resolve();
    };
    if (open === 0) return settle();
    options.requests.forEach((request, index) => {
      const number = index + 1;
      const child = fork(options.launch.entry, [], { execArgv: options.launch.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
      children.push(child);
      let output = '';
      let done = false;
      let reported: string | null = null;
      const keep = (chunk: Buffer): void => {
        output = (output + chunk.toString()).slice(-4000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('message', (message: PoolWorkerMessage<Item>) => {
        if (message.type === 'ready') child.send(request as object);
        else if (message.type === 'item') {
          try {
            options.onItem(message.item, number);
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
          }
        } else if (message.type === 'done') done = true;
        else reported = message.message;
      });
      let closed = false;
      const onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (closed) return;
        closed = true;
        if (reported !== null) fail(new Error(`${options.label} ${number}: ${reported}`));
        else if (!done && !failure) {
          const lastLine = output.trim().split('\n').at(-1);
          fail(new Error(`${options.label} ${number}: its process exited with ${signal ? `signal ${signal}` : `code ${code}`} before finishing${lastLine ? ` (${lastLine})` : ''}`));
        }
        settle();
      };
      child.on('error', (error) => {
        reported ??= `cannot run its worker process (${error.message})`;
        if (child.pid === undefined) onClose(null, null);
      });
      child.once('close', onClose);
    });
  });
}

/**
 * Serves one request in a worker process: `work` gets the request and a function that sends an
 * item to the parent; then the worker says done and exits, or, when `work` throws, sends the
 * error's first line and exits with 1.
 */
export async function serveWorkerRequest<Request, Item>(request: Request, work: (request: Request, send: (item: Item) => void) => Promise<void>, sendToParent: (message: PoolWorkerMessage<Item>) => Promise<void>): Promise<void> {
  const sent: Promise<void>[] = [];
  try {
    await work(request, (item) => sent.push(sendToParent({ type: 'item', item })));
    await Promise.all(sent);
    await sendToParent({ type: 'done' });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    await Promise.all(sent);
    await sendToParent({ type: 'failed', name: failure.name, message: failure.message.split('\n')[0] ?? '' });
    process.exit(1);
  }
  process.exit(0);
}
