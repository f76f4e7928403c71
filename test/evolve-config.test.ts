import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyEvolveOverrides, evolveOverridesSchema, evolvePresets, presetLabel } from '../src/evolve/evolve-config.js';
import { runCli } from './support/run-cli.js';

describe('evolve config overrides', () => {
  it('labels a run +config when the config changes the preset or the decoding, and not otherwise', () => {
    expect(presetLabel('default', undefined, undefined)).toBe('default');
    expect(presetLabel('default', {}, {})).toBe('default');
    expect(presetLabel('default', { rounds: 1 }, {})).toBe('default+config');
    expect(presetLabel('smoke', undefined, { temperature: 0 })).toBe('smoke+config');
  });

  it('changes only the fields named, section by section', () => {
    const preset = evolvePresets.default;
    const changed = applyEvolveOverrides(preset, { rounds: 3, supervised: { steps: 5 }, dev: { benign: 20 }, pfpo: { klCoefficient: 0.1 } });
    expect(changed.rounds).toBe(3);
    expect(changed.supervised).toEqual({ ...preset.supervised, steps: 5 });
    expect(changed.dev).toEqual({ ...preset.dev, benign: 20 });
    expect(changed.pfpo).toEqual({ ...preset.pfpo, klCoefficient: 0.1 });
    expect(changed.policyOptimization).toEqual(preset.policyOptimization);
    expect(applyEvolveOverrides(preset, {})).toEqual(preset);
  });

  it('keeps a field the override leaves out even where the schema has a default', () => {
    const preset = { ...evolvePresets.default, policyOptimization: { ...evolvePresets.default.policyOptimization, epochs: 4 } };
    const overrides = evolveOverridesSchema.parse({ policyOptimization: { steps: 3 } });
    expect(applyEvolveOverrides(preset, overrides).policyOptimization).toEqual({ ...preset.policyOptimization, steps: 3 });
    expect(applyEvolveOverrides(preset, evolveOverridesSchema.parse({ policyOptimization: { epochs: 2 } })).policyOptimization.epochs).toBe(2);
    const cooled = { ...evolvePresets.default, repair: { ...evolvePresets.default.repair, temperature: 0.5, diagnosisShare: 0.1 } };
    expect(applyEvolveOverrides(cooled, evolveOverridesSchema.parse({ repair: { candidates: 2 } })).repair).toEqual({ ...cooled.repair, candidates: 2 });
  });

  it('rejects a value the preset schema does not allow, naming the field', () => {
    expect(() => applyEvolveOverrides(evolvePresets.default, { pfpo: { clipEpsilon: 2 } })).toThrow(z.ZodError);
    try {
      applyEvolveOverrides(evolvePresets.default, { pfpo: { groupSze: 4 } });
      expect.unreachable();
    } catch (error) {
      expect((error as z.ZodError).issues[0]?.path).toEqual(['pfpo']);
    }
  });

  it('fate evolve --config with a bad field exits with one line naming the file and the field', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'fate-evolve-config-'));
    const config = path.join(folder, 'fate.config.json');
    writeFileSync(config, JSON.stringify({ evolve: { supervised: { steps: -1 } } }));
    const result = await runCli(['evolve', '--preset', 'smoke', '--config', config, '--runs', folder]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(config);
    expect(result.stderr).toContain('evolve.supervised.steps');
    writeFileSync(config, JSON.stringify({ evolve: { pfpo: { groupSize: 1 } } }));
    const pfpo = await runCli(['evolve', '--preset', 'smoke', '--config', config, '--runs', folder]);
    expect(pfpo.code).not.toBe(0);
    expect(pfpo.stderr).toContain('evolve.pfpo.groupSize');
  });
});
