import { InvalidArgumentError } from 'commander';

/** Commander parser for a non-negative integer flag value. */
export function parseNonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return Number(value);
}
