import { InvalidArgumentError } from 'commander';

/** Commander parser for a non-negative integer flag value. */
export function parseNonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return Number(value);
}

/** Commander parser for a positive number flag value. */
export function parsePositiveNumber(value: string): number {
  const number = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(number > 0)) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return number;
}

/** Commander parser for a positive integer flag value. */
export function parsePositiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return Number(value);
}

/** Commander parser for a count of worker processes: an integer from 1 to 64. */
export function parseWorkerCount(value: string): number {
  const workers = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new InvalidArgumentError(`expected an integer from 1 to 64, got "${value}"`);
  return workers;
}
