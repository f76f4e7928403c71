import { PerformanceObserver, constants } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ChunkedMemory, minimumGrowthPages, withChunkedMemory } from './chunked-memory.js';
import { createJaxBackend } from './jax-backend.js';

const pageBytes = 65536;
const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer; grow(delta: number): number } } }).WebAssembly;

describe('ChunkedMemory', () => {
  it('grows by at least the chunk, and returns the previous size in pages as grow does', () => {
    const memory = new ChunkedMemory({ initial: 0 });
    expect(memory.grow(1)).toBe(0);
    expect(memory.buffer.byteLength).toBe(minimumGrowthPages * pageBytes);
    expect(memory.grow(minimumGrowthPages + 10)).toBe(minimumGrowthPages);
    expect(memory.buffer.byteLength).toBe((2 * minimumGrowthPages + 10) * pageBytes);
  });

  it('grows by exactly what was asked where a chunk would pass the declared maximum', () => {
    const memory = new ChunkedMemory({ initial: 0, maximum: 100 });
    expect(memory.grow(3)).toBe(0);
    expect(memory.buffer.byteLength).toBe(3 * pageBytes);
    expect(() => memory.grow(98)).toThrow();
    expect(memory.buffer.byteLength).toBe(3 * pageBytes);
  });

  it('is WebAssembly.Memory only while the load runs, also when the load fails', async () => {
    const original = wasm.Memory;
    const created = await withChunkedMemory(async () => new wasm.Memory({ initial: 0 }));
    expect(created).toBeInstanceOf(ChunkedMemory);
    expect(wasm.Memory).toBe(original);
    await expect(withChunkedMemory(async () => { throw new Error('load failed'); })).rejects.toThrow('load failed');
    expect(wasm.Memory).toBe(original);
    expect(new wasm.Memory({ initial: 0 })).not.toBeInstanceOf(ChunkedMemory);
  });

  it("keeps jax-js's heap from setting off a full collection at every growth", async () => {
    const backend = await createJaxBackend({ workers: false });
    let majorCollections = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorCollections += 1;
    });
    observer.observe({ entryTypes: ['gc'] });
    // 96 tensors of 2 MiB, kept alive: 192 MiB that a heap growing by the page would take in 96 steps.
    const tensors = Array.from({ length: 96 }, () => backend.floatTensor(new Float32Array(512 * 1024), [512, 1024]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    backend.dispose(tensors);
    expect(majorCollections).toBeLessThanOrEqual(3);
  });
});
