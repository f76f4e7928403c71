import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { usesPolicyOptimization } from './evolve-job.js';
import type { EvolveMethod } from './evolve-summary.js';
import { PhaseLedgerError, writeAtomically, type PhaseLedger } from './phase-ledger.js';
import { policyGroupSchema, type PolicyGroup } from './policy-groups.js';

/** The stage-2 groups a run recorded, and the finished policy-optimization phases that recorded none. */
export interface RecordedPolicyGroups {
  /** Method by method (in the run's order), round by round, group by group. */
  groups: PolicyGroup[];
  /** Keys of finished phases without a groups file (run by a fate that did not record them yet). */
  withoutGroups: string[];
}

/**
 * Reads every finished policy-optimization phase's groups back from the run's `data/` folder,
 * each file checked line by line (a damaged one is named with the field that is wrong).
 */
export function recordedPolicyGroups(ledger: PhaseLedger, methods: readonly EvolveMethod[], rounds: number): RecordedPolicyGroups {
  const groups: PolicyGroup[] = [];
  const withoutGroups: string[] = [];
  for (const method of methods) {
    if (!usesPolicyOptimization(method)) continue;
    for (let round = 1; round <= rounds; round++) {
      const key = `${method}/round-${round}/policy-optimization`;
      if (!ledger.has(key)) continue;
      const file = ledger.dataFile(key);
      if (!existsSync(file)) {
        withoutGroups.push(key);
        continue;
      }
      groups.push(...readGroupsFile(file));
    }
  }
  return { groups, withoutGroups };
}

function readGroupsFile(file: string): PolicyGroup[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PhaseLedgerError(`${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const result = z.array(policyGroupSchema).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PhaseLedgerError(`${file}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message.split('\n')[0] ?? 'invalid'}`);
  }
  return result.data;
}

/** `exports/groups.jsonl` of a run: one stage-2 group a line, checked on the way out, replaced atomically. */
export function writeGroupsExport(runDirectory: string, groups: readonly PolicyGroup[]): { file: string; lines: number } {
  const file = path.join(runDirectory, 'exports', 'groups.jsonl');
  const text = groups.map((group) => JSON.stringify(policyGroupSchema.parse(group))).join('\n');
  writeAtomically(file, groups.length > 0 ? `${text}\n` : '');
  return { file, lines: groups.length };
}
