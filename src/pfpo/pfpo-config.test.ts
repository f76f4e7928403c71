import { describe, expect, it } from 'vitest';
import { defaultPfpoConfig, pfpoConfigSchema, resolvePfpoConfig } from './pfpo-config.js';

describe('pfpoConfigSchema', () => {
  it('fills in the defaults of DESIGN §2 step 4', () => {
    expect(defaultPfpoConfig).toEqual({
      objectiveNames: ['security', 'utility', 'overRefusal', 'control'],
      hardObjectives: ['security'],
      thresholds: { security: 1, utility: 1, overRefusal: 1, control: 1 },
      weights: { security: 0.25, utility: 0.25, overRefusal: 0.25, control: 0.25 },
      inLevelScale: 0.5,
      minimumStandardDeviation: 0.1,
      advantageEpsilon: 1e-4,
      violationPenalty: 0,
      clipEpsilon: 0.2,
      klCoefficient: 0.04,
      groupSize: 8,
    });
  });

  it('has a help string on every option', () => {
    for (const [name, field] of Object.entries(pfpoConfigSchema.shape)) {
      expect(field.description, name).toMatch(/DESIGN|paper|TRL/);
    }
  });

  it('accepts control in the hard set and rejects inconsistent options', () => {
    expect(resolvePfpoConfig({ hardObjectives: ['security', 'control'] }).hardObjectives).toEqual(['security', 'control']);
    expect(() => resolvePfpoConfig({ hardObjectives: ['safety'] })).toThrow(/not in objectiveNames/);
    expect(() => resolvePfpoConfig({ inLevelScale: 1 })).toThrow();
    expect(() => resolvePfpoConfig({ violationPenalty: -1 })).toThrow();
    expect(() => resolvePfpoConfig({ weights: { security: 1 } })).toThrow(/needs a weight/);
    expect(() => resolvePfpoConfig({ weights: { security: 0, utility: 0, overRefusal: 0, control: 0 } })).toThrow(/positive weight/);
    expect(() => resolvePfpoConfig({ unknownOption: 1 } as never)).toThrow();
  });
});
