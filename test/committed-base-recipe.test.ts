import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pretrainConfigSchema } from '../src/organism/pretrain-config.js';
import { baseCheckpointDirectory } from '../src/policies/tiny/tiny-policy.js';

describe('the committed base', () => {
  it('was built with the default recipe (its time budget aside, which did not stop it)', () => {
    const record = JSON.parse(readFileSync(path.join(baseCheckpointDirectory, 'pretrain.json'), 'utf8'));
    const defaults = pretrainConfigSchema.parse({});
    const { timeBudgetMinutes: _recorded, ...recordedTraining } = record.config.training;
    const { timeBudgetMinutes: _default, ...defaultTraining } = defaults.training;
    expect(record.config.recipe).toEqual(defaults.recipe);
    expect(record.config.model).toEqual(defaults.model);
    expect(record.config.tokenizerVocabularySize).toBe(defaults.tokenizerVocabularySize);
    expect(recordedTraining).toEqual(defaultTraining);
    expect(record.steps).toBe(defaults.training.steps);
    const config = JSON.parse(readFileSync(path.join(baseCheckpointDirectory, 'config.json'), 'utf8'));
    expect(config).toMatchObject(defaults.model);
  });
});
