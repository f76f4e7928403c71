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

/** The entity that names a record id's record (see `recordNames`), for a linked slot. */
export interface RecordName {
  value: string;
  kind: EntityKind;
}

type SlotRange = { start: number; count: number };

/**
 * Assigns slots to values by first appearance (within each kind's range, when the template gives
 * slots by kind). A record id named by an entity of a kind with linked slots (`linkedTo`) takes
 * the linked slot of that entity's number instead: the id of `<|hotel-2|>`'s record is
 * `<|hotel-id-2|>`.
 */
export class SlotAssigner {
  private readonly slotByValue = new Map<string, number>();
  private readonly values: (string | undefined)[] = [];
  private readonly nextByKind = new Map<EntityKind | undefined, number>();
  private readonly ranges: Map<EntityKind, SlotRange> | undefined;
  /** Linked record-id ranges by the kind that names their records. */
  private readonly linkedRanges = new Map<EntityKind, SlotRange>();
  private readonly capacity: number;

  constructor(slots: TinyChatTemplate['entitySlots']) {
    this.capacity = slots.count;
    if (slots.kinds) {
      this.ranges = new Map();
      let start = 0;
      for (const item of slots.kinds) {
        if (item.linkedTo === undefined) this.ranges.set(item.kind, { start, count: item.count });
        else this.linkedRanges.set(item.linkedTo, { start, count: item.count });
        start += item.count;
      }
    }
  }

  /**
   * The slot of `value` (of entity kind `kind`), given a new one on first sight; `undefined` once
   * its slots are all taken. With `namedBy`, a new record id takes the linked slot of its name
   * (the name gets its own slot first) when the template has one and no other id holds it.
   */
  slotOf(value: string, kind?: EntityKind, namedBy?: RecordName): number | undefined {
    const known = this.slotByValue.get(value);
    if (known !== undefined) return known;
    const linked = namedBy === undefined ? undefined : this.linkedSlot(namedBy);
    if (linked !== undefined) return this.assign(value, linked);
    const range = this.ranges ? (kind === undefined ? undefined : this.ranges.get(kind)) : { start: 0, count: this.capacity };
    if (!range) return undefined;
    const key = this.ranges ? kind : undefined;
    const used = this.nextByKind.get(key) ?? 0;
    if (used >= range.count) return undefined;
    this.nextByKind.set(key, used + 1);
    return this.assign(value, range.start + used);
  }

  /** The free linked slot for a record named by `name`, if the template links its kind. */
  private linkedSlot(name: RecordName): number | undefined {
    const linkedRange = this.linkedRanges.get(name.kind);
    const nameRange = this.ranges?.get(name.kind);
    if (!linkedRange || !nameRange) return undefined;
    const nameSlot = this.slotOf(name.value, name.kind);
    if (nameSlot === undefined) return undefined;
    const index = nameSlot - nameRange.start;
    if (index < 0 || index >= Math.min(nameRange.count, linkedRange.count)) return undefined;
    const slot = linkedRange.start + index;
    return this.values[slot] === undefined ? slot : undefined;
  }

  private assign(value: string, slot: number): number {
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
