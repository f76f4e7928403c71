import { describe, expect, it } from 'vitest';
import { diagnoseInWorkers } from '../src/diagnosis/diagnose-in-workers.js';
import { diagnoseRecords, type DiagnosisOutcome } from '../src/diagnosis/diagnose.js';
import { buildDiagnosisSuite } from '../src/diagnosis/suite.js';
import { createPolicy } from '../src/policies/registry.js';
import { runCli } from './support/run-cli.js';

/** What a diagnosis gives per record, in order. */
const outcomes = (list: readonly DiagnosisOutcome[]) => list.map(({ record, prompt, answer, predicted, error }) => ({ id: record.id, prompt, answer, predicted, error }));

describe('diagnosis in worker processes', () => {
  it('gives the outcomes of one process, in record order, for a scripted judge and for the embedded policy', async () => {
    const records = await buildDiagnosisSuite({ split: 'dev', seed: 0, sizes: {}, limit: 7 });
    for (const [spec, style] of [['scripted:diagnose-oracle', 'plain'], ['tiny', 'compact']] as const) {
      const inProcess = await diagnoseRecords(records, await createPolicy(spec), { style, batchSize: 4 });
      const done: number[] = [];
      const inWorkers = await diagnoseInWorkers({ policySpec: spec, records, style, batchSize: 4, workers: 2, onDone: (count) => done.push(count) });
      expect(outcomes(inWorkers)).toEqual(outcomes(inProcess));
      expect(done.at(-1)).toBe(7);
    }
  }, 300_000);

  it('creates each worker\'s policy with the decoding it is given', async () => {
    const records = await buildDiagnosisSuite({ split: 'dev', seed: 0, sizes: {}, limit: 3 });
    // A four-token turn cuts every answer short: a decoding the workers dropped would show.
    const decoding = { maxNewTokens: 4 };
    const short = await diagnoseRecords(records, await createPolicy('tiny', decoding), { style: 'compact', batchSize: 4 });
    const plain = await diagnoseRecords(records, await createPolicy('tiny'), { style: 'compact', batchSize: 4 });
    expect(outcomes(short)).not.toEqual(outcomes(plain));
    const inWorkers = await diagnoseInWorkers({ policySpec: 'tiny', decoding, records, style: 'compact', batchSize: 4, workers: 2 });
    expect(outcomes(inWorkers)).toEqual(outcomes(short));
  }, 300_000);

  it('rejects with the failing worker\'s one-line error, and the CLI refuses a bad count', async () => {
    const records = await buildDiagnosisSuite({ split: 'dev', seed: 0, sizes: {}, limit: 2 });
    await expect(diagnoseInWorkers({ policySpec: 'scripted:nope', records, style: 'plain', batchSize: 4, workers: 2 })).rejects.toThrow(/^diagnose worker \d: .*unknown scripted policy/);
    const result = await runCli(['diagnose', '--policy', 'scripted:diagnose-oracle', '--suite', 'diagnosis', '--workers', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected an integer from 1 to 64');
  });
});
