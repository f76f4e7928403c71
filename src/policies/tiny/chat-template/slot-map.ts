import type { EntityKind } from '../../../envs/entity.js';
import type { TinyChatTemplate } from './template.js';

/**
 * Which entity value each slot token stands for in one rendered conversation: slot `i` is
 * `values[i]` (`undefined` for a slot not in use). Slots are numbered by first appearance in the
 * rendered conversation — within their kind's range when the template gives slots by kind — so a
 * slot number says nothing about an entity's role (user, payee, attacker).
 */
export interface SlotMap {
  readonly values: readonly (string | undefined)[];
}

/** The value slot `slot` stands for, or `undefined` for a slot the map does not hold. */
export function slotValue(slotMap: SlotMap, slot: number): string | undefined {
  return slotMap.values[slot] ?? undefined;
}

/** The slots of a slot map that stand for a value. */
export function usedSlots(slotMap: SlotMap): number[] {
  const used: number[] = [];
  slotMap.values.forEach((value, slot) => {
    if (value !== undefined && value !== null) used.push(slot);
  });
  return used;
}

/** Assigns slots to values by first appearance (within each kind's range, when the template gives slots by kind). */
export class SlotAssigner {
  private readonly slotByValue = new Map<string, number>();
  private readonly values: (string | undefined)[] = [];
  private readonly nextByKind = new Map<EntityKind | undefined, number>();
  private readonly ranges: Map<EntityKind, { start: number; count: number }> | undefined;
  private readonly capacity: number;

  constructor(slots: TinyChatTemplate['entitySlots']) {
    this.capacity = slots.count;
    if (slots.kinds) {
      this.ranges = new Map();
      let start = 0;
      for (const item of slots.kinds) {
        this.ranges.set(item.kind, { start, count: item.count });
        start += item.count;
      }
    }
  }

  /** The slot of `value` (of entity kind `kind`), given a new one on first sight; `undefined` once its slots are all taken. */
  slotOf(value: string, kind?: EntityKind): number | undefined {
    const known = this.slotByValue.get(value);
    if (known !== undefined) return known;
    const range = this.ranges ? (kind === undefined ? undefined : this.ranges.get(kind)) : { start: 0, count: this.capacity };
    if (!range) return undefined;
    const key = this.ranges ? kind : undefined;
    const used = this.nextByKind.get(key) ?? 0;
    if (used >= range.count) return undefined;
    const slot = range.start + used;
    this.nextByKind.set(key, used + 1);
    this.slotByValue.set(value, slot);
    while (this.values.length <= slot) this.values.push(undefined);
    this.values[slot] = value;
    return slot;
  }

  /** The map of the slots given so far. */
  slotMap(): SlotMap {
    return { values: this.values.slice() };
  }
}
