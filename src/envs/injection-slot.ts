import type { InjectionVector } from './domain.js';

/**
 * Fills an injection slot in an already-parsed state (mutates it): the field at `vector.path`
 * must be a string; the text is appended after a blank line or replaces the field.
 */
export function fillInjectionSlot(state: unknown, vector: InjectionVector, text: string): void {
  const parentPath = vector.path.slice(0, -1);
  const key = vector.path[vector.path.length - 1];
  let node: unknown = state;
  for (const segment of parentPath) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string | number, unknown>)[segment];
  }
  if (node === null || typeof node !== 'object' || key === undefined) {
    throw new Error(`injection slot ${vector.id}: path ${vector.path.join('.')} does not exist`);
  }
  const container = node as Record<string | number, unknown>;
  const current = container[key];
  if (typeof current !== 'string') {
    throw new Error(`injection slot ${vector.id}: ${vector.path.join('.')} is not a string field`);
  }
  container[key] = vector.mode === 'replace' || current.length === 0 ? text : `${current}\n\n${text}`;
}
