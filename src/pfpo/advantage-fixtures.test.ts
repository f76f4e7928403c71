import { readFileSync } from 'node:fs';
import path, { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ObjectiveVector } from '../pareto/dominance.js';
import { pfpoAdvantages } from './pfpo-advantage.js';
import { resolvePfpoConfig } from './pfpo-config.js';
import { gdpoAdvantages, scalarGrpoAdvantages } from './scalar-advantages.js';

interface AdvantageFixtures {
  schemes: Record<string, string>;
  groups: Record<string, { vectors: ObjectiveVector[]; expected: Record<string, number[]> }>;
}

const fixturePath = path.resolve(
  import.meta.dirname ?? dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/advantage-fixtures.json',
);
const fixtures = JSON.parse(readFileSync(fixturePath, 'utf8')) as AdvantageFixtures;

const penalisedConfig = resolvePfpoConfig({ violationPenalty: 0.5 });
const schemes: Record<string, (vectors: ObjectiveVector[]) => number[]> = {
  pfpo: (vectors) => pfpoAdvantages(vectors).advantages,
  'pfpo_kappa_0.5': (vectors) => pfpoAdvantages(vectors, penalisedConfig).advantages,
  scalar_grpo: (vectors) => scalarGrpoAdvantages(vectors),
  gdpo: (vectors) => gdpoAdvantages(vectors),
};

describe('advantage fixtures (shared/reference/advantage-fixtures.json)', () => {
  it('covers every scheme the fixture file describes', () => {
    expect(Object.keys(schemes).sort()).toEqual(Object.keys(fixtures.schemes).sort());
  });

  const cases = Object.entries(fixtures.groups).flatMap(([groupName, group]) =>
    Object.keys(schemes).map((scheme) => ({ groupName, scheme, vectors: group.vectors, expected: group.expected[scheme] })),
  );
  it.each(cases)('$groupName with $scheme', ({ scheme, vectors, expected }) => {
    expect(expected).toBeDefined();
    const advantages = (schemes[scheme] as (vectors: ObjectiveVector[]) => number[])(vectors);
    expect(advantages).toHaveLength((expected as number[]).length);
    advantages.forEach((advantage, row) => expect(advantage).toBeCloseTo((expected as number[])[row] as number, 3));
  });
});
