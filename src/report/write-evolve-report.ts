import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EvolveSummary } from '../evolve/evolve-summary.js';
import type { PolicyGroup } from '../evolve/policy-groups.js';
import { renderEvolveReport } from './evolve-report.js';

/**
 * Renders the evolve report and writes it to `<runDirectory>/report.html` atomically (a
 * `.partial` file renamed over the old report), so a reader never sees half a report. Returns
 * the file's path. `groups` are the run's stage-2 groups, for their section.
 */
export function writeEvolveReport(runDirectory: string, summary: EvolveSummary, options: { groups?: readonly PolicyGroup[] } = {}): string {
  mkdirSync(runDirectory, { recursive: true });
  const file = path.join(runDirectory, 'report.html');
  writeFileSync(`${file}.partial`, renderEvolveReport(summary, options));
  renameSync(`${file}.partial`, file);
  return file;
}
