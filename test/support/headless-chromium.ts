import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/envs/data-file.js';

const run = promisify(execFile);

/** Installs Chromium through the project's own script when it is not on PATH (apt-get; minutes the first time). */
export function ensureChromium(): void {
  execFileSync('bash', [path.join(projectRoot, 'scripts', 'ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
}

async function chromium(window: { width: number; height: number }, extra: readonly string[]): Promise<string> {
  const profile = mkdtempSync(path.join(tmpdir(), 'fate-chromium-profile-'));
  try {
    const { stdout } = await run('chromium', [...flags(window, profile), ...extra], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

function flags(window: { width: number; height: number }, profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--window-size=${window.width},${window.height}`,
  ];
}

/** The DOM of `file` after Chromium has loaded it and run its scripts, serialized (`--dump-dom`). */
export async function dumpDom(file: string, window = { width: 1280, height: 900 }): Promise<string> {
  return chromium(window, ['--dump-dom', pathToFileURL(file).href]);
}

/** A PNG screenshot of `file`'s first `window.height` pixels, written to `output`. */
export async function screenshot(file: string, output: string, window: { width: number; height: number }): Promise<void> {
  await chromium(window, [`--screenshot=${output}`, pathToFileURL(file).href]);
}
