/**
 * Reads GGUF files (versions 2 and 3): the header, typed metadata and tensor infos, and F32
 * tensor data. Used to check what the writer wrote and to take a fate tokenizer back out of an
 * exported model. Malformed input throws a {@link GgufError} whose one-line message names the
 * file.
 */
import { open } from 'node:fs/promises';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GgufError,
  ggmlTypeCodes,
  ggufValueTypeName,
  type GgmlType,
  type GgufScalar,
  type GgufScalarType,
  type GgufValue,
} from './gguf-types.js';

/** One tensor's entry in the header. */
export interface GgufTensorInfo {
  /** Tensor name. */
  name: string;
  /** Shape in row-major order, outermost first (the file's dimensions reversed). */
  shape: number[];
  /** Element type. */
  type: GgmlType;
  /** Byte offset of the data, relative to the start of the data section. */
  offset: number;
}

/** What a GGUF header holds. */
export interface GgufHeader {
  /** Container version. */
  version: number;
  /** Metadata in file order. */
  metadata: Map<string, GgufValue>;
  /** Tensor infos in file order. */
  tensors: GgufTensorInfo[];
  /** Alignment of the data section. */
  alignment: number;
  /** Absolute byte offset where the data section starts. */
  dataOffset: number;
}

/** The header ran past the bytes given (read more of the file and try again). */
class TruncatedHeader extends Error {}

/** Parses the header of GGUF bytes (the tensor data need not be present). */
export function decodeGgufHeader(bytes: Uint8Array, fileName: string): GgufHeader {
  try {
    return parseHeader(bytes, fileName);
  } catch (error) {
    if (error instanceof TruncatedHeader) throw new GgufError(`${fileName}: truncated header (${bytes.length} bytes)`);
    throw error;
  }
}

/** Reads only the header of a GGUF file, however large the file is. */
export async function readGgufHeader(filePath: string): Promise<GgufHeader> {
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    throw new GgufError(`${filePath}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
  try {
    const size = (await handle.stat()).size;
    for (let length = Math.min(size, 1 << 20); ; length = Math.min(size, length * 4)) {
      const bytes = new Uint8Array(length);
      await handle.read(bytes, 0, length, 0);
      try {
        return parseHeader(bytes, filePath);
      } catch (error) {
        if (!(error instanceof TruncatedHeader)) throw error;
        if (length === size) throw new GgufError(`${filePath}: truncated header (${size} bytes)`);
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * The values of an F32 tensor (row-major, see {@link GgufTensorInfo.shape}) from the bytes of a
 * whole GGUF file.
 */
export function ggufTensorData(bytes: Uint8Array, header: GgufHeader, name: string, fileName: string): Float32Array {
  const info = header.tensors.find((tensor) => tensor.name === name);
  if (info === undefined) throw new GgufError(`${fileName}: no tensor ${name}`);
  if (info.type !== 'F32') throw new GgufError(`${fileName}: tensor ${name} is ${info.type}, F32 expected`);
  const elements = info.shape.reduce((product, size) => product * size, 1);
  const start = header.dataOffset + info.offset;
  if (start + elements * 4 > bytes.length) throw new GgufError(`${fileName}: tensor ${name} runs past the end of the file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, elements * 4);
  const data = new Float32Array(elements);
  for (let index = 0; index < elements; index++) data[index] = view.getFloat32(index * 4, true);
  return data;
}

/** A metadata value as a plain JavaScript value (arrays as arrays), or undefined when absent. */
export function ggufMetadataValue(header: GgufHeader, key: string): GgufScalar | GgufScalar[] | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  return value.type === 'array' ? value.values : value.value;
}

function parseHeader(bytes: Uint8Array, fileName: string): GgufHeader {
  const cursor = new Cursor(bytes);
  const fail = (reason: string): never => {
    throw new GgufError(`${fileName}: ${reason}`);
  };
  if (bytes.length >= 4 && cursor.uint32() !== GGUF_MAGIC) fail('not a GGUF file (bad magic)');
  const version = cursor.uint32();
  if (version !== 2 && version !== 3) fail(`unsupported GGUF version ${version}`);
  const tensorCount = cursor.count(fail);
  const metadataCount = cursor.count(fail);
  const metadata = new Map<string, GgufValue>();
  for (let index = 0; index < metadataCount; index++) {
    const key = cursor.string(fail);
    const typeName = ggufValueTypeName(cursor.uint32());
    if (typeName === undefined) fail(`metadata ${key}: unknown value type`);
    if (typeName === 'array') {
      const itemType = ggufValueTypeName(cursor.uint32());
      if (itemType === undefined || itemType === 'array') fail(`metadata ${key}: unsupported array item type`);
      const length = cursor.count(fail);
      const values: GgufScalar[] = [];
      for (let item = 0; item < length; item++) values.push(cursor.scalar(itemType as GgufScalarType, fail));
      metadata.set(key, { type: 'array', itemType: itemType as GgufScalarType, values });
    } else metadata.set(key, { type: typeName as GgufScalarType, value: cursor.scalar(typeName as GgufScalarType, fail) });
  }
  const alignmentValue = metadata.get('general.alignment');
  const alignment = alignmentValue?.type === 'uint32' ? Number(alignmentValue.value) : GGUF_DEFAULT_ALIGNMENT;
  const tensors: GgufTensorInfo[] = [];
  for (let index = 0; index < tensorCount; index++) {
    const name = cursor.string(fail);
    const dimensions = cursor.uint32();
    if (dimensions > 4) fail(`tensor ${name}: ${dimensions} dimensions`);
    const sizes: number[] = [];
    for (let axis = 0; axis < dimensions; axis++) sizes.push(cursor.count(fail));
    const typeCode = cursor.uint32();
    const type = (Object.keys(ggmlTypeCodes) as GgmlType[]).find((candidate) => ggmlTypeCodes[candidate] === typeCode);
    if (type === undefined) fail(`tensor ${name}: ggml type ${typeCode} is not supported (F32 only)`);
    const offset = cursor.count(fail);
    if (offset % alignment !== 0) fail(`tensor ${name}: offset ${offset} is not aligned to ${alignment}`);
    tensors.push({ name, shape: sizes.reverse(), type: type as GgmlType, offset });
  }
  return { version, metadata, tensors, alignment, dataOffset: Math.ceil(cursor.position / alignment) * alignment };
}

/** Sequential little-endian reads that throw {@link TruncatedHeader} past the end. */
class Cursor {
  position = 0;
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #take(size: number): number {
    if (this.position + size > this.#bytes.length) throw new TruncatedHeader();
    const start = this.position;
    this.position += size;
    return start;
  }

  uint32(): number {
    return this.#view.getUint32(this.#take(4), true);
  }

  /** A `u64` that must fit a JavaScript number. */
  count(fail: (reason: string) => never): number {
    const value = this.#view.getBigUint64(this.#take(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`count ${value} is too large`);
    return Number(value);
  }

  string(fail: (reason: string) => never): string {
    const length = this.count(fail);
    const start = this.#take(length);
    try {
      return this.#decoder.decode(this.#bytes.subarray(start, start + length));
    } catch {
      return fail(`string at byte ${start} is not valid UTF-8`);
    }
  }

  scalar(type: GgufScalarType, fail: (reason: string) => never): GgufScalar {
    switch (type) {
      case 'uint8':
        return this.#view.getUint8(this.#take(1));
      case 'int8':
        return this.#view.getInt8(this.#take(1));
      case 'uint16':
        return this.#view.getUint16(this.#take(2), true);
      case 'int16':
        return this.#view.getInt16(this.#take(2), true);
      case 'uint32':
        return this.#view.getUint32(this.#take(4), true);
      case 'int32':
        return this.#view.getInt32(this.#take(4), true);
      case 'float32':
        return this.#view.getFloat32(this.#take(4), true);
      case 'float64':
        return this.#view.getFloat64(this.#take(8), true);
      case 'uint64':
        return this.#view.getBigUint64(this.#take(8), true);
      case 'int64':
        return this.#view.getBigInt64(this.#take(8), true);
      case 'bool': {
        const byte = this.#view.getUint8(this.#take(1));
        if (byte > 1) fail(`bool value ${byte}`);
        return byte === 1;
      }
      case 'string':
        return this.string(fail);
    }
  }
}
