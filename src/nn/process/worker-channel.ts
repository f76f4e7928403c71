/**
 * The parent channel of a worker process that runs one of fate's own modules (forked with IPC):
 * messages to the parent, and the start every such worker makes.
 */

/** Sends a message to the parent; resolves once it is handed to the channel (at once when the parent is gone). */
export function sendToParent<Message>(message: Message): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

/**
 * Starts a worker: refuses to run without a parent (exit code 2, naming `forkedBy`), exits when
 * the parent goes away, hands each request to `onRequest` and only then says `{ type: 'ready' }`
 * (a message sent before it listens could be lost).
 */
export function startWorker<Request>(name: string, forkedBy: string, onRequest: (request: Request) => void): void {
  if (!process.send) {
    process.stderr.write(`${name}: this module runs as a worker process forked by ${forkedBy}, not on its own\n`);
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(1));
  process.on('message', (request: Request) => onRequest(request));
  void sendToParent({ type: 'ready' });
}
