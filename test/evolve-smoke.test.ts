/**
 * The README's main job on the committed base: `fate evolve --preset smoke` runs every method
 * end to end and leaves summary.json (schema-valid, the `M` shape of `fate eval`) and a
 * self-contained report.html in the run folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evolvePresets } from '../src/evolve/evolve-config.js';
import { evolveMethods, evolveSummarySchema } from '../src/evolve/evolve-summary.js';
import { policyGroupSchema } from '../src/evolve/policy-groups.js';
import { runCli } from './support/run-cli.js';

describe('fate evolve --preset smoke', () => {
  it('runs every method on the committed base and writes summary.json and report.html', async () => {
    const runs = mkdtempSync(path.join(tmpdir(), 'fate-evolve-smoke-'));
    const result = await runCli(['evolve', '--preset', 'smoke', '--runs', runs, '--json']);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    const summary = evolveSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.results.map((method) => method.method)).toEqual([...evolveMethods]);
    expect(summary.finished).toBe(true);
    const [run] = readdirSync(runs);
    const folder = path.join(runs, run!);
    expect(evolveSummarySchema.parse(JSON.parse(readFileSync(path.join(folder, 'summary.json'), 'utf8')))).toEqual(summary);
    expect(existsSync(path.join(folder, 'report.html'))).toBe(true);
    expect(readFileSync(path.join(folder, 'report.html'), 'utf8')).toContain('id="metrics"');
    for (const method of summary.results) {
      expect(method.test?.suites.injection?.asr.n).toBeGreaterThan(0);
      expect(method.rounds).toHaveLength(summary.rounds);
    }
    expect(result.stderr).toContain('base · test evaluation');
    // Every stage-2 group (PFPO and the two scalar baselines) is exported with its vectors and advantages, and shown in the report.
    const lines = readFileSync(path.join(folder, 'exports', 'groups.jsonl'), 'utf8').trim().split('\n');
    const groups = lines.map((line) => policyGroupSchema.parse(JSON.parse(line)));
    const smoke = evolvePresets.smoke;
    expect(groups.map((group) => group.method)).toEqual(['fate', 'scalar-grpo', 'gdpo'].flatMap((method) => Array<string>(smoke.policyOptimization.prompts * smoke.rounds).fill(method)));
    expect(groups.every((group) => group.members.length === smoke.pfpo.groupSize)).toBe(true);
    expect(readFileSync(path.join(folder, 'report.html'), 'utf8')).toContain('<details class="groups" data-method="fate" data-round="1" open>');
  }, 900_000);
});
