/**
 * The vocabulary of the GGUF container (version 3, as llama.cpp's `gguf.h` defines it): the
 * metadata value types, the tensor element types fate writes, and the typed values both the
 * writer and the reader speak.
 */

/** GGUF's magic number, the bytes `GGUF` read as a little-endian `u32`. */
export const GGUF_MAGIC = 0x46554747;

/** The container version fate writes. */
export const GGUF_VERSION = 3;

/** Alignment of the tensor data (the default of `general.alignment`). */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value types and their numeric codes in the file. */
export const ggufValueTypeCodes = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

/** A metadata value type by name. */
export type GgufValueType = keyof typeof ggufValueTypeCodes;

/** A scalar metadata value type (every type but `array`). */
export type GgufScalarType = Exclude<GgufValueType, 'array'>;

/** JavaScript representation of a scalar: 64-bit integers are `bigint`, booleans `boolean`, strings `string`, the rest `number`. */
export type GgufScalar = number | bigint | boolean | string;

/** One typed metadata value. */
export type GgufValue =
  | { type: GgufScalarType; value: GgufScalar }
  | { type: 'array'; itemType: GgufScalarType; values: GgufScalar[] };

/** Tensor element types fate reads and writes, with their ggml type codes. */
export const ggmlTypeCodes = { F32: 0 } as const;

/** A tensor element type fate reads and writes. */
export type GgmlType = keyof typeof ggmlTypeCodes;

/** Token types of `tokenizer.ggml.token_type` (llama.cpp's `llama_token_type`). */
export const ggufTokenTypes = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** A malformed or unsupported GGUF file; the message is one line naming the file. */
export class GgufError extends Error {
  override name = 'GgufError';
}

/** The value type name of a numeric code, or undefined for an unknown code. */
export function ggufValueTypeName(code: number): GgufValueType | undefined {
  return (Object.keys(ggufValueTypeCodes) as GgufValueType[]).find((name) => ggufValueTypeCodes[name] === code);
}
