import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Policy } from '../agent/policy.js';
import { fateModelOwner } from '../policies/openai/index.js';
import { ApiError } from './api-error.js';
import { chatCompletion } from './chat-completion.js';
import { PolicyQueue } from './policy-queue.js';

/** Options of {@link startServer}. */
export interface ServeOptions {
  policy: Policy;
  /** The model name clients send (default: the policy's spec). */
  modelName?: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 8000; 0 picks a free one). */
  port?: number;
  /** Whether the policy needs the task in the `fate` extension (reference policies). */
  readsTask?: boolean;
  /** Most requests per policy call. */
  maxBatch?: number;
  /** Largest request body accepted. */
  maxBodyBytes?: number;
}

/** A listening server. */
export interface RunningServer {
  /** Base URL of the API, e.g. `http://127.0.0.1:8000/v1`. */
  url: string;
  host: string;
  port: number;
  /** Stops accepting connections, ends open ones and resolves once closed. */
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new BodyTooLargeError());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Starts an OpenAI-compatible HTTP server for `options.policy`: `POST /v1/chat/completions`,
 * `GET /v1/models`, `GET /v1/models/{model}` and `GET /health`. Bad requests get OpenAI-style
 * error bodies (`{error: {message, type, param, code}}`); nothing a client sends stops the server.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const modelName = options.modelName ?? options.policy.name;
  const created = Math.floor(Date.now() / 1000);
  const model = { id: modelName, object: 'model', created, owned_by: fateModelOwner };
  const context = { queue: new PolicyQueue(options.policy, options.maxBatch ?? 64), modelName, readsTask: options.readsTask ?? false };
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    const route = (expected: string): void => {
      if (method !== expected) throw new ApiError(405, `${method} is not allowed on ${path}; use ${expected}`, 'invalid_request_error', null, 'method_not_allowed');
    };
    if (path === '/v1/chat/completions') {
      route('POST');
      let text: string;
      try {
        text = await readBody(request, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) throw new ApiError(413, `the request body is larger than ${maxBodyBytes} bytes`, 'invalid_request_error', null, 'request_too_large');
        throw error;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new ApiError(400, `the request body is not valid JSON: ${(error as Error).message}`, 'invalid_request_error', null, 'invalid_json');
      }
      send(response, 200, await chatCompletion(body, context));
      return;
    }
    if (path === '/v1/models') {
      route('GET');
      send(response, 200, { object: 'list', data: [model] });
      return;
    }
    if (path.startsWith('/v1/models/')) {
      route('GET');
      const requested = decodeURIComponent(path.slice('/v1/models/'.length));
      if (requested !== modelName) throw new ApiError(404, `The model \`${requested}\` does not exist`, 'invalid_request_error', 'model', 'model_not_found');
      send(response, 200, model);
      return;
    }
    if (path === '/health') {
      route('GET');
      send(response, 200, { status: 'ok', model: modelName });
      return;
    }
    throw new ApiError(404, `Unknown request URL: ${method} ${path}`, 'invalid_request_error', null, 'unknown_url');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof ApiError) send(response, error.status, error.body());
      else send(response, 500, new ApiError(500, `internal error: ${(error as Error).message}`, 'server_error').body());
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
