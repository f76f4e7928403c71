/**
 * Deterministic pseudo-random numbers on the host (SplitMix32 seeding a Mulberry32 stream), for
 * parameter initialisation and sampling: the same seed gives the same numbers on every backend.
 */

/** A seeded stream of uniform and normal numbers. */
export class SeededRandom {
  #state: number;
  #spareNormal: number | undefined;

  /** @param seed any integer; equal seeds give equal streams. */
  constructor(seed: number) {
    let mixed = (seed | 0) ^ 0x9e3779b9;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    this.#state = (mixed ^ (mixed >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.#spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** A derived stream, e.g. one per row, independent of how much this one has been used. */
  static derive(seed: number, index: number): SeededRandom {
    return new SeededRandom(Math.imul(seed | 0, 0x27d4eb2d) ^ Math.imul(index + 1, 0x165667b1));
  }
}
