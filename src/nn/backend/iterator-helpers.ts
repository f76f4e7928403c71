/**
 * ES2025 Iterator helpers (`map`, `filter`, `take`, `drop`, `flatMap`, `reduce`, `toArray`,
 * `forEach`, `some`, `every`, `find`) for Node 20, which lacks them and which @jax-js/jax uses in
 * `einsum` and attention. Node 22 has them built in; then nothing is installed.
 */

type AnyIterator = Iterator<unknown> & Iterable<unknown>;

/** The prototype every built-in and generator iterator inherits from (`%IteratorPrototype%`). */
function iteratorPrototype(): Record<string, unknown> {
  return Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as Record<string, unknown>;
}

function* mapGenerator(source: AnyIterator, mapper: (value: unknown, index: number) => unknown) {
  let index = 0;
  for (const value of iterate(source)) yield mapper(value, index++);
}

function* filterGenerator(source: AnyIterator, predicate: (value: unknown, index: number) => unknown) {
  let index = 0;
  for (const value of iterate(source)) if (predicate(value, index++)) yield value;
}

function* takeGenerator(source: AnyIterator, limit: number) {
  if (limit <= 0) return;
  let taken = 0;
  for (const value of iterate(source)) {
    yield value;
    if (++taken >= limit) return;
  }
}

function* dropGenerator(source: AnyIterator, count: number) {
  let skipped = 0;
  for (const value of iterate(source)) {
    if (skipped < count) {
      skipped++;
      continue;
    }
    yield value;
  }
}

function* flatMapGenerator(source: AnyIterator, mapper: (value: unknown, index: number) => Iterable<unknown>) {
  let index = 0;
  for (const value of iterate(source)) yield* mapper(value, index++);
}

/** Walks an iterator once with `for...of`, whether or not it is itself iterable. */
function iterate(source: Iterator<unknown>): Iterable<unknown> {
  return { [Symbol.iterator]: () => source };
}

/** Installs the Iterator helpers on `%IteratorPrototype%` and a global `Iterator`, where missing. */
export function installIteratorHelpers(): void {
  const prototype = iteratorPrototype();
  if (typeof prototype.map === 'function') return;
  const methods: Record<string, (this: AnyIterator, ...args: never[]) => unknown> = {
    map(this: AnyIterator, mapper: (value: unknown, index: number) => unknown) {
      return mapGenerator(this, mapper);
    },
    filter(this: AnyIterator, predicate: (value: unknown, index: number) => unknown) {
      return filterGenerator(this, predicate);
    },
    take(this: AnyIterator, limit: number) {
      return takeGenerator(this, limit);
    },
    drop(this: AnyIterator, count: number) {
      return dropGenerator(this, count);
    },
    flatMap(this: AnyIterator, mapper: (value: unknown, index: number) => Iterable<unknown>) {
      return flatMapGenerator(this, mapper);
    },
    reduce(this: AnyIterator, reducer: (accumulator: unknown, value: unknown, index: number) => unknown, ...initial: unknown[]) {
      let index = 0;
      let hasAccumulator = initial.length > 0;
      let accumulator = initial[0];
      for (const value of iterate(this)) {
        if (!hasAccumulator) {
          accumulator = value;
          hasAccumulator = true;
        } else accumulator = reducer(accumulator, value, index);
        index++;
      }
      if (!hasAccumulator) throw new TypeError('Reduce of empty iterator with no initial value');
      return accumulator;
    },
    toArray(this: AnyIterator) {
      return [...iterate(this)];
    },
    forEach(this: AnyIterator, callback: (value: unknown, index: number) => void) {
      let index = 0;
      for (const value of iterate(this)) callback(value, index++);
    },
    some(this: AnyIterator, predicate: (value: unknown, index: number) => unknown) {
      let index = 0;
      for (const value of iterate(this)) if (predicate(value, index++)) return true;
      return false;
    },
    every(this: AnyIterator, predicate: (value: unknown, index: number) => unknown) {
      let index = 0;
      for (const value of iterate(this)) if (!predicate(value, index++)) return false;
      return true;
    },
    find(this: AnyIterator, predicate: (value: unknown, index: number) => unknown) {
      let index = 0;
      for (const value of iterate(this)) if (predicate(value, index++)) return value;
      return undefined;
    },
  };
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(prototype, name, { value: method, writable: true, configurable: true, enumerable: false });
  }
  const globals = globalThis as Record<string, unknown>;
  if (globals.Iterator === undefined) {
    const IteratorConstructor = function Iterator() {} as unknown as { prototype: unknown; from: (value: unknown) => unknown };
    IteratorConstructor.prototype = prototype;
    IteratorConstructor.from = (value: unknown) => {
      const candidate = value as { [Symbol.iterator]?: () => Iterator<unknown> } & Iterator<unknown>;
      const iterator = typeof candidate[Symbol.iterator] === 'function' ? candidate[Symbol.iterator]!() : candidate;
      return mapGenerator(iterator as AnyIterator, (item) => item);
    };
    Object.defineProperty(globalThis, 'Iterator', { value: IteratorConstructor, writable: true, configurable: true });
  }
}
