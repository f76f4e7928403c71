import { beforeAll, describe, expect, it } from 'vitest';
import { createJaxBackend } from '../backend/jax-backend.js';
import type { TensorBackend } from '../backend/tensor-backend.js';
import { initializeParameters } from '../model/parameters.js';
import { SeededRandom } from '../seeded-random.js';
import { countingBatch, countingModelConfig, countingTrainerOptions } from '../testing/counting-batch.js';
import { isMuonMatrix, newtonSchulzOrthogonalize } from './muon.js';
import { Trainer } from './trainer.js';

let backend: TensorBackend;
beforeAll(async () => {
  backend = await createJaxBackend();
});

async function gramOf(matrix: { shape: number[] }, values: Float32Array): Promise<number[][]> {
  const [rows, columns] = matrix.shape as [number, number];
  const short = Math.min(rows, columns);
  const at = (row: number, column: number) => values[row * columns + column]!;
  const gram: number[][] = [];
  for (let i = 0; i < short; i++) {
    gram.push([]);
    for (let j = 0; j < short; j++) {
      let total = 0;
      for (let k = 0; k < Math.max(rows, columns); k++) total += rows <= columns ? at(i, k) * at(j, k) : at(k, i) * at(k, j);
      gram[i]!.push(total);
    }
  }
  return gram;
}

describe('Muon', () => {
  it('Newton–Schulz pushes every singular value of a wide or tall matrix towards 1', async () => {
    const random = new SeededRandom(5);
    for (const shape of [
      [6, 15],
      [15, 6],
    ]) {
      const values = Array.from({ length: shape[0]! * shape[1]! }, () => random.normal() * 3);
      const matrix = backend.floatTensor(values, shape);
      const orthogonal = newtonSchulzOrthogonalize(backend, matrix, 5);
      expect(orthogonal.shape).toEqual(shape);
      const gram = await gramOf(orthogonal, (await backend.read(orthogonal)) as Float32Array);
      // The quintic iteration leaves singular values in about [0.7, 1.2], not exactly 1.
      for (const [i, row] of gram.entries()) {
        expect(row[i]!).toBeGreaterThan(0.4);
        expect(row[i]!).toBeLessThan(1.5);
        for (const [j, value] of row.entries()) if (j !== i) expect(Math.abs(value)).toBeLessThan(0.35);
      }
      backend.dispose([matrix, orthogonal]);
    }
  });

  it('takes the layers\' weight matrices and leaves the embedding and norm gains to AdamW', () => {
    expect(isMuonMatrix('layers.0.attention.query.weight', [16, 16])).toBe(true);
    expect(isMuonMatrix('layers.3.feed_forward.down.weight', [32, 16])).toBe(true);
    expect(isMuonMatrix('layers.0.attention_norm.weight', [16])).toBe(false);
    expect(isMuonMatrix('token_embedding.weight', [24, 16])).toBe(false);
  });

  it('trains the counting model as AdamW does, deterministically', async () => {
    const run = async () => {
      const trainer = new Trainer(backend, countingModelConfig, initializeParameters(backend, countingModelConfig, 1), {
        ...countingTrainerOptions,
        optimizerAlgorithm: 'muon',
      });
      const reports = [];
      for (let step = 0; step < 40; step++) reports.push(await trainer.train(countingBatch(step, 8, 12)));
      trainer.dispose();
      return reports;
    };
    const reports = await run();
    expect(reports[0]!.loss).toBeGreaterThan(2.5);
    expect(reports[39]!.loss).toBeLessThan(reports[0]!.loss / 3);
    const again = await run();
    expect(again.map((report) => report.loss)).toEqual(reports.map((report) => report.loss));
  });
});
