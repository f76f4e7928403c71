/**
 * A `WebAssembly.Memory` that grows in large chunks, for jax-js's wasm heap.
 *
 * jax-js's allocator grows its memory by exactly the pages one allocation lacks. V8 counts every
 * growth as external memory and, past a small threshold, answers with a full mark-compact
 * collection of the JavaScript heap ("external memory pressure"). While a process's first
 * training step fills the heap from nothing to a few GiB in thousands of small growths, those
 * collections took most of the time: 584 of them, 39 s of a 114 s smoke run, nearly all in its
 * first warmup. Growing by at least {@link minimumGrowthPages} at a time makes that a dozen
 * collections. Pages that were grown but never written are not resident, so the process's
 * memory use does not change.
 */

/** WebAssembly pages per growth at least: 256 MiB. */
export const minimumGrowthPages = 4096;

/** The largest memory32 heap, in 64 KiB pages (4 GiB). */
const maximumPages = 65536;

const pageBytes = 65536;

/** The part of `WebAssembly.Memory` used here (the project's `lib` has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

/** The `WebAssembly.Memory` constructor. */
type WasmMemoryConstructor = new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;

/** The global `WebAssembly` namespace, as far as this file uses it. */
const webAssembly = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly;

/** A `WebAssembly.Memory` whose `grow` adds at least {@link minimumGrowthPages} pages (within the 4 GiB limit). */
export class ChunkedMemory extends webAssembly.Memory {
  override grow(delta: number): number {
    const current = this.buffer.byteLength / pageBytes;
    const chunk = Math.min(Math.max(delta, minimumGrowthPages), maximumPages - current);
    if (chunk > delta) {
      try {
        return super.grow(chunk);
      } catch {
        // The larger growth can fail where the exact one would not (a declared maximum, or
        // address space): fall back to exactly what was asked.
      }
    }
    return super.grow(delta);
  }
}

/**
 * Runs `load` with `WebAssembly.Memory` replaced by {@link ChunkedMemory}, so that memories created
 * while it runs (jax-js creates its heap when its module is first evaluated) grow in chunks; the
 * global is restored afterwards.
 */
export async function withChunkedMemory<Result>(load: () => Promise<Result>): Promise<Result> {
  const original = webAssembly.Memory;
  Object.defineProperty(webAssembly, 'Memory', { value: ChunkedMemory, writable: true, configurable: true });
  try {
    return await load();
  } finally {
    Object.defineProperty(webAssembly, 'Memory', { value: original, writable: true, configurable: true });
  }
}
