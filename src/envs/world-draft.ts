import type { InjectionVector } from './domain.js';
import type { EntityRegistry } from './entity.js';

/** A world being generated: mutable state, its entity registry and its injection slots. */
export interface WorldDraft<State> {
  state: State;
  entities: EntityRegistry;
  vectors: InjectionVector[];
}
