import { describe, expect, it } from 'vitest';
import { decodeGgufHeader, ggufMetadataValue, ggufTensorData } from './gguf-reader.js';
import { GGUF_VERSION, GgufError, type GgufValue } from './gguf-types.js';
import { encodeGguf, ggufArray, type GgufTensor } from './gguf-writer.js';

const metadata = new Map<string, GgufValue>([
  ['general.architecture', { type: 'string', value: 'llama' }],
  ['general.name', { type: 'string', value: 'ünïcode ✓' }],
  ['test.uint8', { type: 'uint8', value: 255 }],
  ['test.int8', { type: 'int8', value: -128 }],
  ['test.uint16', { type: 'uint16', value: 65535 }],
  ['test.int16', { type: 'int16', value: -32768 }],
  ['test.uint32', { type: 'uint32', value: 4294967295 }],
  ['test.int32', { type: 'int32', value: -2147483648 }],
  ['test.float32', { type: 'float32', value: 1e-5 }],
  ['test.float64', { type: 'float64', value: Math.PI }],
  ['test.bool', { type: 'bool', value: true }],
  ['test.uint64', { type: 'uint64', value: 2n ** 64n - 1n }],
  ['test.int64', { type: 'int64', value: -(2n ** 63n) }],
  ['test.strings', ggufArray('string', ['Ġthe', 'a b', '<|user|>', ''])],
  ['test.int32s', ggufArray('int32', [1, 3, -7])],
  ['test.empty', ggufArray('float32', [])],
]);

function tensor(name: string, shape: number[], seed: number): GgufTensor {
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  return { name, shape, type: 'F32', data: Float32Array.from({ length: size }, (_, index) => Math.sin(seed + index) * 10) };
}

describe('GGUF writer and reader', () => {
  const tensors = [tensor('token_embd.weight', [7, 5], 1), tensor('blk.0.attn_norm.weight', [5], 2), tensor('blk.0.attn_q.weight', [3, 5], 3)];
  const bytes = encodeGguf(metadata, tensors);

  it('round-trips the header, every metadata type and the tensor infos', () => {
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('GGUF');
    const header = decodeGgufHeader(bytes, 'model.gguf');
    expect(header.version).toBe(GGUF_VERSION);
    expect([...header.metadata.keys()]).toEqual([...metadata.keys()]);
    for (const [key, value] of metadata) {
      const read = header.metadata.get(key)!;
      if (value.type === 'float32') {
        expect(read.type).toBe('float32');
        expect(read.type !== 'array' && read.value).toBeCloseTo(value.value as number, 10);
      } else expect(read).toEqual(value);
    }
    expect(ggufMetadataValue(header, 'test.strings')).toEqual(['Ġthe', 'a b', '<|user|>', '']);
    expect(header.tensors.map(({ name, shape, type }) => ({ name, shape, type }))).toEqual(tensors.map(({ name, shape, type }) => ({ name, shape, type })));
    expect(header.dataOffset % 32).toBe(0);
    for (const info of header.tensors) expect(info.offset % header.alignment).toBe(0);
    expect(bytes.length % 32).toBe(0);
  });

  it('stores dimensions innermost first (ggml ne order) and the data row-major', () => {
    const header = decodeGgufHeader(bytes, 'model.gguf');
    // The tensor infos start right after the metadata; the q weight [3, 5] must be written as ne = [5, 3].
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const name = new TextEncoder().encode('blk.0.attn_q.weight');
    const at = indexOf(bytes, name);
    expect(view.getUint32(at + name.length, true)).toBe(2);
    expect(Number(view.getBigUint64(at + name.length + 4, true))).toBe(5);
    expect(Number(view.getBigUint64(at + name.length + 12, true))).toBe(3);
    for (const original of tensors) expect(ggufTensorData(bytes, header, original.name, 'model.gguf')).toEqual(original.data);
  });

  it('grows its buffer under any write: a string past the first 64 KiB, and scalars across the boundary', () => {
    const long = 'x'.repeat(100_000) + 'é';
    for (let filler = 65_500; filler < 65_540; filler += 3) {
      // Metadata that ends near the first buffer's end, then values that cross it.
      const metadata = new Map<string, GgufValue>([
        ['a.filler', { type: 'string', value: 'f'.repeat(filler) }],
        ['b.number', { type: 'uint32', value: 7 }],
        ['c.wide', { type: 'float64', value: 1.5 }],
        ['d.long', { type: 'string', value: long }],
      ]);
      const header = decodeGgufHeader(encodeGguf(metadata, []), 'grow.gguf');
      expect(ggufMetadataValue(header, 'b.number')).toBe(7);
      expect(ggufMetadataValue(header, 'c.wide')).toBe(1.5);
      expect(ggufMetadataValue(header, 'd.long')).toBe(long);
    }
  });

  it('honours general.alignment', () => {
    const aligned = encodeGguf(new Map([['general.alignment', { type: 'uint32', value: 64 }]]), tensors);
    const header = decodeGgufHeader(aligned, 'aligned.gguf');
    expect(header.alignment).toBe(64);
    expect(header.dataOffset % 64).toBe(0);
    expect(header.tensors.map((info) => info.offset)).toEqual([0, 192, 256]);
    expect(ggufTensorData(aligned, header, 'blk.0.attn_q.weight', 'aligned.gguf')).toEqual(tensors[2]!.data);
  });

  it('rejects values that do not fit their type and tensors that do not fit their shape', () => {
    expect(() => encodeGguf(new Map([['x', { type: 'uint8', value: 256 }]]), [])).toThrow(/metadata x: 256 is not a uint8/);
    expect(() => encodeGguf(new Map([['x', { type: 'int32', value: 1.5 }]]), [])).toThrow(GgufError);
    expect(() => encodeGguf(new Map([['x', { type: 'uint64', value: 3 }]]), [])).toThrow(/not a uint64/);
    expect(() => encodeGguf(new Map([['x', ggufArray('string', ['a', 3])]]), [])).toThrow(/not a string/);
    expect(() => encodeGguf(new Map(), [{ name: 't', shape: [2, 2], type: 'F32', data: new Float32Array(3) }])).toThrow(/t: 3 values for shape \[2, 2\]/);
    expect(() => encodeGguf(new Map(), [tensors[0]!, tensors[0]!])).toThrow(/written twice/);
  });

  it('names the file when the bytes are not GGUF or are cut short', () => {
    const notGguf = new TextEncoder().encode('PK\u0003\u0004 definitely a zip file');
    expect(() => decodeGgufHeader(notGguf, 'a.gguf')).toThrow('a.gguf: not a GGUF file (bad magic)');
    expect(() => decodeGgufHeader(bytes.subarray(0, 100), 'b.gguf')).toThrow(/^b\.gguf: truncated header/);
    const header = decodeGgufHeader(bytes, 'c.gguf');
    expect(() => ggufTensorData(bytes.subarray(0, header.dataOffset + 8), header, 'token_embd.weight', 'c.gguf')).toThrow('c.gguf: tensor token_embd.weight runs past the end of the file');
    const wrongVersion = bytes.slice();
    new DataView(wrongVersion.buffer).setUint32(4, 9, true);
    expect(() => decodeGgufHeader(wrongVersion, 'd.gguf')).toThrow('d.gguf: unsupported GGUF version 9');
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let offset = 0; offset < needle.length; offset++) if (haystack[start + offset] !== needle[offset]) continue outer;
    return start;
  }
  return -1;
}
