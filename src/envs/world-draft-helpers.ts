import type { InjectionVector, InjectionVectorKind } from './domain.js';

/** Builds an injection vector for the string field at `path` (appending by default). */
export function vectorAt(id: string, kind: InjectionVectorKind, path: (string | number)[], mode: 'append' | 'replace' = 'append'): InjectionVector {
  return { id, kind, path, mode };
}
