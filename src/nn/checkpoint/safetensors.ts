/**
 * The safetensors container, written by hand (it is a length-prefixed JSON header followed by
 * raw little-endian tensor bytes; no npm package was needed for that): `u64` header size N,
 * N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__? }`,
 * then the data, offsets relative to its start. The header is space-padded to 8 bytes.
 */

/** Element types this project reads and writes. */
export type SafetensorsDataType = 'F32' | 'I32';

/** One tensor of a safetensors file. */
export interface SafetensorsEntry {
  /** Element type. */
  dtype: SafetensorsDataType;
  /** Shape, outermost first. */
  shape: number[];
  /** Values (row-major). */
  data: Float32Array | Int32Array;
}

/** Contents of a safetensors file. */
export interface SafetensorsContents {
  /** Tensors in file order. */
  tensors: Map<string, SafetensorsEntry>;
  /** The free-form string metadata. */
  metadata: Record<string, string>;
}

/** A malformed safetensors file; the message is one line naming the file. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const BYTES_PER_ELEMENT: Record<SafetensorsDataType, number> = { F32: 4, I32: 4 };

/** Serialises tensors (in the map's order) and metadata to safetensors bytes. */
export function encodeSafetensors(tensors: Map<string, SafetensorsEntry>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, entry] of tensors) {
    const expected = entry.shape.reduce((product, size) => product * size, 1);
    if (entry.data.length !== expected) {
      throw new SafetensorsError(`tensor ${name}: ${entry.data.length} values for shape [${entry.shape.join(', ')}]`);
    }
    const byteLength = expected * BYTES_PER_ELEMENT[entry.dtype];
    header[name] = { dtype: entry.dtype, shape: entry.shape, data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  while (encoder.encode(json).length % 8 !== 0) json += ' ';
  const headerBytes = encoder.encode(json);
  const output = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(output.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  output.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const entry of tensors.values()) {
    const bytes = new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    if (isLittleEndian()) output.set(bytes, position);
    else writeLittleEndian(entry.data, view, position);
    position += entry.data.byteLength;
  }
  return output;
}

/**
 * Parses safetensors bytes, checking the header and every tensor's extent.
 * @param fileName used in error messages.
 */
export function decodeSafetensors(bytes: Uint8Array, fileName: string): SafetensorsContents {
  const fail = (reason: string): never => {
    throw new SafetensorsError(`${fileName}: ${reason}`);
  };
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) fail(`bad header: header length ${headerLength} exceeds the file's ${bytes.length - 8} remaining bytes`);
  const headerEnd = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch {
    fail('bad header: not valid UTF-8 JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('bad header: not a JSON object');
  const dataLength = bytes.length - headerEnd;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (entry.dtype !== 'F32' && entry.dtype !== 'I32') fail(`tensor ${name}: unsupported dtype ${JSON.stringify(entry.dtype)} (F32 or I32 expected)`);
    const dtype = entry.dtype as SafetensorsDataType;
    if (!Array.isArray(entry.shape) || !entry.shape.every((size) => Number.isInteger(size) && size >= 0)) fail(`tensor ${name}: bad shape`);
    const shape = entry.shape as number[];
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((offset) => Number.isInteger(offset) && offset >= 0)) {
      fail(`tensor ${name}: bad data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const elements = shape.reduce((product, size) => product * size, 1);
    if (end - begin !== elements * BYTES_PER_ELEMENT[dtype]) {
      fail(`tensor ${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, shape [${shape.join(', ')}] needs ${elements * BYTES_PER_ELEMENT[dtype]}`);
    }
    if (end > dataLength) fail(`truncated data: tensor ${name} ends at byte ${end} of a ${dataLength}-byte data section`);
    // A copy with its own buffer (Uint8Array's slice: a Node Buffer's own slice is a view into a shared pool).
    const slice = Uint8Array.prototype.slice.call(bytes, headerEnd + begin, headerEnd + end);
    const data = dtype === 'F32' ? new Float32Array(slice.buffer) : new Int32Array(slice.buffer);
    if (!isLittleEndian()) readLittleEndian(data, new DataView(slice.buffer));
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata };
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

function writeLittleEndian(data: Float32Array | Int32Array, view: DataView, position: number): void {
  for (let index = 0; index < data.length; index++) {
    if (data instanceof Float32Array) view.setFloat32(position + index * 4, data[index]!, true);
    else view.setInt32(position + index * 4, data[index]!, true);
  }
}

function readLittleEndian(data: Float32Array | Int32Array, view: DataView): void {
  for (let index = 0; index < data.length; index++) {
    data[index] = data instanceof Float32Array ? view.getFloat32(index * 4, true) : view.getInt32(index * 4, true);
  }
}
