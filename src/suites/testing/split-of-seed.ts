import { splits, type Split } from '../split.js';

/** Test helper: a split that varies with `seed`, so tests that loop over seeds exercise every split's phrasings. */
export function splitOfSeed(seed: number): Split {
  return splits[seed % splits.length] ?? 'train';
}
