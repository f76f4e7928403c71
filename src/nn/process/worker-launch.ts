/**
 * How a worker process running one of fate's own modules is started, whether fate runs
 * compiled (`dist/`) or from source (tests, tsx).
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A worker process's entry module and node's flags for it. */
export interface WorkerLaunch {
  entry: string;
  execArgv: string[];
}

/**
 * The entry `<name>.js` next to the module at `moduleUrl` when fate runs compiled, or
 * `<name>.ts` when it runs from source, then with tsx's loader. Node's flags of this process go
 * along (debugger flags excepted, so two processes do not claim one port).
 */
export function workerLaunch(moduleUrl: string, name: string): WorkerLaunch {
  const fromSource = moduleUrl.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./${name}${fromSource ? '.ts' : '.js'}`, moduleUrl));
  const execArgv = process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag));
  if (fromSource && !execArgv.some((flag) => flag.includes('tsx'))) execArgv.push('--import', pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href);
  return { entry, execArgv };
}
