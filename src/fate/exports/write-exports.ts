import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ReplayBufferEntry } from '../replay-buffer.js';
import { dpoLines, dpoLineSchema } from './dpo-export.js';
import { ktoLines, ktoLineSchema, type UnrepairedFailure } from './kto-export.js';
import { defaultSftExportOptions, sftLines, sftLineSchema, type SftExportOptions } from './sft-export.js';

/** What to export (defaults: both SFT pairs, repairs as desirable KTO lines). */
export interface RepairExportOptions {
  sft?: SftExportOptions;
  /** Also write accepted repairs as `label: true` lines to `kto.jsonl` (default true). */
  ktoDesirable?: boolean;
}

/** One written export file. */
export interface ExportedFile {
  file: string;
  lines: number;
}

/** The three exported files. */
export interface RepairExports {
  sft: ExportedFile;
  dpo: ExportedFile;
  kto: ExportedFile;
}

function writeJsonLines<Schema extends z.ZodType>(file: string, lines: readonly unknown[], schema: Schema): ExportedFile {
  const text = lines.map((line) => JSON.stringify(schema.parse(line))).join('\n');
  writeFileSync(`${file}.partial`, lines.length > 0 ? `${text}\n` : '');
  renameSync(`${file}.partial`, file);
  return { file, lines: lines.length };
}

/**
 * Writes `sft.jsonl`, `dpo.jsonl` and `kto.jsonl` under `folder` (created when missing) from the
 * whole replay buffer and every unrepaired failure; each line is validated by its schema on the
 * way out, and each file is replaced atomically.
 */
export function writeRepairExports(
  folder: string,
  buffer: readonly ReplayBufferEntry[],
  unrepaired: readonly UnrepairedFailure[],
  options: RepairExportOptions = {},
): RepairExports {
  mkdirSync(folder, { recursive: true });
  return {
    sft: writeJsonLines(path.join(folder, 'sft.jsonl'), sftLines(buffer, options.sft ?? defaultSftExportOptions), sftLineSchema),
    dpo: writeJsonLines(path.join(folder, 'dpo.jsonl'), dpoLines(buffer), dpoLineSchema),
    kto: writeJsonLines(path.join(folder, 'kto.jsonl'), ktoLines(unrepaired, buffer, options.ktoDesirable ?? true), ktoLineSchema),
  };
}
