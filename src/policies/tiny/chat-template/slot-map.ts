/**
 * Which entity value each slot token stands for in one rendered conversation: slot `i` is
 * `values[i]`. Slots are numbered by first appearance in the rendered conversation, so a slot
 * number says nothing about an entity's role (user, payee, attacker). Plain JSON, so it can be
 * stored with a rollout.
 */
export interface SlotMap {
  readonly values: readonly string[];
}

/** The value slot `slot` stands for, or `undefined` for a slot the map does not hold. */
export function slotValue(slotMap: SlotMap, slot: number): string | undefined {
  return slotMap.values[slot];
}

/** Assigns slots to values by first appearance, up to a number of slots. */
export class SlotAssigner {
  private readonly slotByValue = new Map<string, number>();
  private readonly values: string[] = [];

  constructor(private readonly capacity: number) {}

  /** The slot of `value`, given a new one on first sight; `undefined` once every slot is taken. */
  slotOf(value: string): number | undefined {
    const known = this.slotByValue.get(value);
    if (known !== undefined) return known;
    if (this.values.length >= this.capacity) return undefined;
    const slot = this.values.length;
    this.slotByValue.set(value, slot);
    this.values.push(value);
    return slot;
  }

  /** The map of the slots given so far. */
  slotMap(): SlotMap {
    return { values: this.values.slice() };
  }
}
