/**
 * Writes GGUF v3 files by hand: header (`GGUF`, version, tensor count, metadata count), typed
 * metadata key/values, tensor infos (name, dimensions innermost first, ggml type, data offset),
 * then the tensor data, each tensor aligned to `general.alignment` (default 32) and the file
 * padded to it. Everything is little-endian; strings are a `u64` byte length plus UTF-8.
 */
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgufError,
  ggmlTypeCodes,
  ggufValueTypeCodes,
  type GgmlType,
  type GgufScalar,
  type GgufScalarType,
  type GgufValue,
} from './gguf-types.js';

/** A tensor to write. */
export interface GgufTensor {
  /** Tensor name, e.g. `blk.0.attn_q.weight`. */
  name: string;
  /**
   * Shape in row-major order, outermost first (numpy's order), e.g. `[out, in]` for a weight
   * applied as `W x`; the file stores it reversed (ggml's `ne`, innermost first).
   */
  shape: readonly number[];
  /** Element type. */
  type: GgmlType;
  /** Values, row-major. */
  data: Float32Array;
}

/** An array metadata value. */
export function ggufArray(itemType: GgufScalarType, values: readonly GgufScalar[]): GgufValue {
  return { type: 'array', itemType, values: [...values] };
}

/**
 * Serialises metadata (in the given order) and tensors (in the given order) into GGUF v3 bytes.
 * Throws {@link GgufError} for a value that does not fit its type or a tensor whose data does not
 * match its shape.
 */
export function encodeGguf(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensor[]): Uint8Array {
  const alignment = metadataAlignment(metadata);
  const header = new ByteSink();
  header.uint32(GGUF_MAGIC);
  header.uint32(GGUF_VERSION);
  header.uint64(BigInt(tensors.length));
  header.uint64(BigInt(metadata.size));
  for (const [key, value] of metadata) {
    header.string(key);
    header.uint32(ggufValueTypeCodes[value.type]);
    if (value.type === 'array') {
      header.uint32(ggufValueTypeCodes[value.itemType]);
      header.uint64(BigInt(value.values.length));
      for (const item of value.values) header.scalar(value.itemType, item, key);
    } else header.scalar(value.type, value.value, key);
  }
  let offset = 0;
  const names = new Set<string>();
  for (const tensor of tensors) {
    if (names.has(tensor.name)) throw new GgufError(`tensor ${tensor.name} is written twice`);
    names.add(tensor.name);
    const elements = tensor.shape.reduce((product, size) => product * size, 1);
    if (tensor.data.length !== elements) throw new GgufError(`tensor ${tensor.name}: ${tensor.data.length} values for shape [${tensor.shape.join(', ')}]`);
    header.string(tensor.name);
    header.uint32(tensor.shape.length);
    for (const size of [...tensor.shape].reverse()) header.uint64(BigInt(size));
    header.uint32(ggmlTypeCodes[tensor.type]);
    header.uint64(BigInt(offset));
    offset += padded(tensor.data.byteLength, alignment);
  }
  const dataStart = padded(header.length, alignment);
  const output = new Uint8Array(dataStart + offset);
  output.set(header.bytes(), 0);
  const view = new DataView(output.buffer);
  let position = dataStart;
  for (const tensor of tensors) {
    for (let index = 0; index < tensor.data.length; index++) view.setFloat32(position + index * 4, tensor.data[index]!, true);
    position += padded(tensor.data.byteLength, alignment);
  }
  return output;
}

function metadataAlignment(metadata: ReadonlyMap<string, GgufValue>): number {
  const value = metadata.get('general.alignment');
  if (value === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (value.type !== 'uint32' || typeof value.value !== 'number' || value.value <= 0 || value.value % 8 !== 0) {
    throw new GgufError('general.alignment must be a uint32 multiple of 8');
  }
  return value.value;
}

function padded(length: number, alignment: number): number {
  return Math.ceil(length / alignment) * alignment;
}

/** A growable little-endian byte buffer. */
class ByteSink {
  #buffer = new Uint8Array(1 << 16);
  #view = new DataView(this.#buffer.buffer);
  #length = 0;
  readonly #encoder = new TextEncoder();

  get length(): number {
    return this.#length;
  }

  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  uint32(value: number): void {
    this.#put(4, (view, position) => view.setUint32(position, value, true));
  }

  uint64(value: bigint): void {
    this.#put(8, (view, position) => view.setBigUint64(position, value, true));
  }

  string(value: string): void {
    const encoded = this.#encoder.encode(value);
    this.uint64(BigInt(encoded.length));
    // Reserve first: growing replaces the buffer, so it must be read after.
    const position = this.#reserve(encoded.length);
    this.#buffer.set(encoded, position);
  }

  scalar(type: GgufScalarType, value: GgufScalar, key: string): void {
    const fail = (): never => {
      throw new GgufError(`metadata ${key}: ${JSON.stringify(typeof value === 'bigint' ? value.toString() : value)} is not a ${type}`);
    };
    if (type === 'string') return typeof value === 'string' ? this.string(value) : fail();
    if (type === 'bool') {
      if (typeof value !== 'boolean') fail();
      this.#put(1, (view, position) => view.setUint8(position, value ? 1 : 0));
      return;
    }
    if (type === 'uint64' || type === 'int64') {
      if (typeof value !== 'bigint') fail();
      if (type === 'uint64') this.#put(8, (view, position) => view.setBigUint64(position, value as bigint, true));
      else this.#put(8, (view, position) => view.setBigInt64(position, value as bigint, true));
      return;
    }
    if (typeof value !== 'number') return fail();
    const integerRanges: Partial<Record<GgufScalarType, [number, number]>> = {
      uint8: [0, 0xff],
      int8: [-0x80, 0x7f],
      uint16: [0, 0xffff],
      int16: [-0x8000, 0x7fff],
      uint32: [0, 0xffffffff],
      int32: [-0x80000000, 0x7fffffff],
    };
    const range = integerRanges[type];
    if (range !== undefined && (!Number.isInteger(value) || value < range[0] || value > range[1])) fail();
    switch (type) {
      case 'uint8':
        return this.#put(1, (view, position) => view.setUint8(position, value));
      case 'int8':
        return this.#put(1, (view, position) => view.setInt8(position, value));
      case 'uint16':
        return this.#put(2, (view, position) => view.setUint16(position, value, true));
      case 'int16':
        return this.#put(2, (view, position) => view.setInt16(position, value, true));
      case 'uint32':
        return this.#put(4, (view, position) => view.setUint32(position, value, true));
      case 'int32':
        return this.#put(4, (view, position) => view.setInt32(position, value, true));
      case 'float32':
        return this.#put(4, (view, position) => view.setFloat32(position, value, true));
      case 'float64':
        return this.#put(8, (view, position) => view.setFloat64(position, value, true));
    }
  }

  /** Reserves `size` bytes and writes them through the view of the (possibly grown) buffer. */
  #put(size: number, write: (view: DataView, position: number) => void): void {
    const position = this.#reserve(size);
    write(this.#view, position);
  }

  #reserve(size: number): number {
    if (this.#length + size > this.#buffer.length) {
      let capacity = this.#buffer.length * 2;
      while (capacity < this.#length + size) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
      this.#view = new DataView(grown.buffer);
    }
    const position = this.#length;
    this.#length += size;
    return position;
  }
}
