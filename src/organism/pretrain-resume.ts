/**
 * What lets `fate pretrain --resume` continue an interrupted run: the run's recipe, written to
 * `OUT/pretrain-run.json` when it starts, and its latest periodic checkpoint that carries the
 * optimizer state. A resumed run rebuilds the same corpus and tokenizer from the recipe (both
 * are deterministic), loads the weights and AdamW moments, replays the batch draws of the steps
 * already taken and goes on, so it ends where the uninterrupted run would have.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OPTIMIZER_STATE_FILE } from '../nn/index.js';
import type { PretrainConfig } from './pretrain-config.js';

/** File in the output folder that records the recipe a run started with. */
export const PRETRAIN_RUN_FILE = 'pretrain-run.json';

/** A run that cannot be resumed; the message is one line and names the file or folder. */
export class PretrainResumeError extends Error {
  override name = 'PretrainResumeError';
}

/** The recipe without what may change between invocations of one run (time budget, process count). */
function comparable(config: PretrainConfig): unknown {
  const { timeBudgetMinutes: _budget, processes: _processes, ...training } = config.training;
  return { ...config, training };
}

/** The first field (dotted path) where two JSON values differ, with both values; undefined when equal. */
function firstDifference(left: unknown, right: unknown, at = ''): { field: string; left: unknown; right: unknown } | undefined {
  if (JSON.stringify(left) === JSON.stringify(right)) return undefined;
  if (left && right && typeof left === 'object' && typeof right === 'object' && !Array.isArray(left) && !Array.isArray(right)) {
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const found = firstDifference((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
      if (found) return found;
    }
  }
  return { field: at || '(root)', left, right };
}

/** The `config` a run file (`pretrain-run.json`, `pretrain.json`) records; a one-line {@link PretrainResumeError} naming the file when it cannot be read. */
export function readRecordedConfig(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { config?: unknown }).config;
  } catch (error) {
    throw new PretrainResumeError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Records the recipe a run starts with. */
export async function recordPretrainRun(outputDirectory: string, config: PretrainConfig): Promise<void> {
  await writeFile(path.join(outputDirectory, PRETRAIN_RUN_FILE), `${JSON.stringify({ config }, null, 2)}\n`);
}

/**
 * The checkpoint folder to resume `outputDirectory` from: its latest `checkpoints/step-*` with an
 * optimizer state, after checking the run was started with `config` (time budget and process
 * count aside). Throws {@link PretrainResumeError} otherwise.
 */
export function resumableCheckpoint(outputDirectory: string, config: PretrainConfig): string {
  const runFile = path.join(outputDirectory, PRETRAIN_RUN_FILE);
  if (!existsSync(runFile)) throw new PretrainResumeError(`${runFile}: not found, so ${outputDirectory} holds no pretrain run to resume`);
  const recorded = readRecordedConfig(runFile);
  const difference = firstDifference(comparable(recorded as PretrainConfig), comparable(config));
  if (difference) {
    throw new PretrainResumeError(
      `${runFile}: the run started with ${difference.field} = ${JSON.stringify(difference.left)}, this one has ${JSON.stringify(difference.right)}; resume with the run's recipe`,
    );
  }
  const folder = path.join(outputDirectory, 'checkpoints');
  const candidates = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => /^step-\d+$/.test(name) && existsSync(path.join(folder, name, OPTIMIZER_STATE_FILE)))
        .sort()
    : [];
  const latest = candidates.at(-1);
  if (latest === undefined) throw new PretrainResumeError(`${folder}: no checkpoint with ${OPTIMIZER_STATE_FILE} yet; start the run again without --resume`);
  return path.join(folder, latest);
}
