import { describe, expect, it } from 'vitest';
import { failureModeSchema, realWorldHarmSchema, riskSourceSchema } from '../suites/diagnosis-labels.js';
import { diagnosisTaxonomy } from './taxonomy.js';

describe('diagnosis taxonomy', () => {
  it('data/diagnosis/taxonomy.json holds exactly the label enums the suites use, in the same order', () => {
    const taxonomy = diagnosisTaxonomy();
    expect(taxonomy.riskSource).toEqual(riskSourceSchema.options);
    expect(taxonomy.failureMode).toEqual(failureModeSchema.options);
    expect(taxonomy.realWorldHarm).toEqual(realWorldHarmSchema.options);
    expect(new Set(taxonomy.failureMode).size).toBe(14);
  });
});
