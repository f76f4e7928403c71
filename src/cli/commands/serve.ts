import { Command, InvalidArgumentError } from 'commander';
import { policyReadsTask } from '../../policies/registry.js';
import { startServer, type RunningServer } from '../../serve/index.js';
import { loadConfig } from '../config.js';
import { policyFromSpec } from '../policy-from-spec.js';
import { UserError } from '../user-error.js';

interface ServeCommandOptions {
  policy: string;
  port: number;
  host: string;
  name?: string;
  config?: string;
}

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}"`);
  return Number(value);
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilInterrupted(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      resolve(signal);
    };
    const onInterrupt = () => stop('SIGINT');
    const onTerminate = () => stop('SIGTERM');
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onTerminate);
  });
}

/** `fate serve`: any fate policy behind an OpenAI-compatible HTTP API, until Ctrl-C. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve a policy over an OpenAI-compatible HTTP API (/v1/chat/completions with tools, /v1/models) until Ctrl-C')
    .requiredOption('--policy <spec>', 'policy spec, e.g. tiny or scripted:oracle')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 8000)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--name <model>', 'model name clients send (default: the policy spec)')
    .option('--config <file>', 'config file whose "decoding" section sets the policy\'s decoding (default ./fate.config.json when present)')
    .action(async (options: ServeCommandOptions) => {
      const policy = await policyFromSpec(options.policy, loadConfig(options.config).decoding ?? {});
      let server: RunningServer;
      try {
        server = await startServer({
          policy,
          host: options.host,
          port: options.port,
          readsTask: policyReadsTask(options.policy),
          ...(options.name !== undefined ? { modelName: options.name } : {}),
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UserError(`cannot listen on ${options.host}:${options.port}: ${code === 'EADDRINUSE' ? 'the address is in use' : (error as Error).message}`);
      }
      const modelName = options.name ?? policy.name;
      process.stdout.write(`fate serve: ${policy.name} listening on ${server.url} (model "${modelName}"; Ctrl-C stops)\n`);
      const signal = await untilInterrupted();
      await server.close();
      process.stdout.write(`fate serve: stopped (${signal})\n`);
    });
}
