import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EvolveSummary } from '../evolve/evolve-summary.js';
import { renderEvolveReport } from './evolve-report.js';

/**
 * Renders the evolve report and writes it to `<runDirectory>/report.html` atomically (a
 * `.partial` file renamed over the old report), so a reader never sees half a report. Returns
 * the file's path.
 */
export function writeEvolveReport(runDirectory: string, summary: EvolveSummary): string {
  mkdirSync(runDirectory, { recursive: true });
  const file = path.join(runDirectory, 'report.html');
  writeFileSync(`${file}.partial`, renderEvolveReport(summary));
  renameSync(`${file}.partial`, file);
  return file;
}
