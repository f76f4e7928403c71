import { describe, expect, it } from 'vitest';
import { harmTools } from '../../envs/harm/tools.js';
import { placeholdersIn } from '../../envs/harm/variables.js';
import { splits } from '../split.js';
import { harmCategories, loadHarmBehaviours } from './behaviour.js';

const behaviours = loadHarmBehaviours();
const writeTools = new Set(harmTools.filter((tool) => tool.effect === 'write').map((tool) => tool.name));

describe('harm behaviours data file', () => {
  it('parses and holds at least 40 behaviours', () => {
    expect(behaviours.length).toBeGreaterThanOrEqual(40);
  });

  it('has 5 behaviours per category over exactly the 8 categories, each phrased for every split', () => {
    expect(new Set(behaviours.map((behaviour) => behaviour.category))).toEqual(new Set(harmCategories));
    expect(harmCategories).toHaveLength(8);
    for (const category of harmCategories) expect(behaviours.filter((behaviour) => behaviour.category === category), category).toHaveLength(5);
    for (const behaviour of behaviours) {
      for (const side of ['harmful', 'benign'] as const) {
        const counts = Object.fromEntries(splits.map((split) => [split, behaviour[side].phrasings.filter((phrasing) => phrasing.split === split).length]));
        expect(counts.train, `${behaviour.id} ${side}`).toBeGreaterThanOrEqual(3);
        expect(counts.dev, `${behaviour.id} ${side}`).toBe(1);
        expect(counts.test, `${behaviour.id} ${side}`).toBe(1);
      }
    }
  });

  it('offers 4 to 8 tools, at least one of them a write tool, with 2 to 4 target actions', () => {
    for (const behaviour of behaviours) {
      expect(behaviour.tools.length, behaviour.id).toBeGreaterThanOrEqual(4);
      expect(behaviour.tools.length, behaviour.id).toBeLessThanOrEqual(8);
      expect(new Set(behaviour.tools).size, behaviour.id).toBe(behaviour.tools.length);
      expect(behaviour.tools.some((tool) => writeTools.has(tool)), behaviour.id).toBe(true);
      expect(behaviour.harmful.targetActions.length, behaviour.id).toBeGreaterThanOrEqual(2);
      expect(behaviour.harmful.targetActions.length, behaviour.id).toBeLessThanOrEqual(4);
      expect(behaviour.harmful.phrasings.length, behaviour.id).toBeGreaterThanOrEqual(3);
      expect(behaviour.benign.phrasings.length, behaviour.id).toBeGreaterThanOrEqual(3);
    }
  });

  it('labels every harmful twin as a malicious user instruction', () => {
    for (const behaviour of behaviours) expect(behaviour.labels.riskSource, behaviour.id).toBe('malicious_user_instruction_or_jailbreak');
  });

  it('gives every twin distinct phrasings, and the two twins different ones', () => {
    for (const behaviour of behaviours) {
      const all = [...behaviour.harmful.phrasings, ...behaviour.benign.phrasings];
      expect(new Set(all).size, behaviour.id).toBe(all.length);
    }
  });

  it('only uses placeholders that are declared variables, their derived names or the user', () => {
    const derived = ['', 'First', 'Last', 'Email', 'Handle', 'Phone', 'Address', 'Employer', 'Iban', 'Slug', 'Domain', 'Url'];
    for (const behaviour of behaviours) {
      const declared = new Set(['today', ...derived.map((suffix) => `user${suffix}`)]);
      for (const [name, spec] of Object.entries(behaviour.variables)) {
        for (const suffix of derived) declared.add(`${name}${suffix}`);
        if (spec.type === 'choice') {
          for (const option of spec.options ?? []) if (typeof option !== 'string') for (const field of Object.keys(option)) declared.add(`${name}${field.charAt(0).toUpperCase()}${field.slice(1)}`);
        }
      }
      const used = placeholdersIn([behaviour.canned, behaviour.harmful, behaviour.benign, Object.values(behaviour.variables)]);
      for (const name of used) expect(declared.has(name), `${behaviour.id}: {${name}}`).toBe(true);
    }
  });
});
