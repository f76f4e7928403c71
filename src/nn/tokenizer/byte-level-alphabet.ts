/**
 * The byte-level alphabet of GPT-2 style tokenizers: every one of the 256 byte values is shown as
 * one printable Unicode character, so that a token (a sequence of bytes) can be stored as a plain
 * string in `tokenizer.json`. Printable Latin-1 bytes map to themselves; the others (control
 * characters, space, ...) map to code points from U+0100 upward, so a space byte is `Ġ`.
 */

function buildByteToCharacter(): string[] {
  const printable: number[] = [];
  for (let byte = 0x21; byte <= 0x7e; byte += 1) printable.push(byte);
  for (let byte = 0xa1; byte <= 0xac; byte += 1) printable.push(byte);
  for (let byte = 0xae; byte <= 0xff; byte += 1) printable.push(byte);
  const characters: string[] = new Array<string>(256);
  for (const byte of printable) characters[byte] = String.fromCharCode(byte);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte += 1) {
    if (characters[byte] === undefined) {
      characters[byte] = String.fromCharCode(256 + shifted);
      shifted += 1;
    }
  }
  return characters;
}

/** The character that stands for each byte value (index = byte). */
export const byteToCharacter: readonly string[] = buildByteToCharacter();

/** The byte value each alphabet character stands for. */
export const characterToByte: ReadonlyMap<string, number> = new Map(byteToCharacter.map((character, byte) => [character, byte]));

/** Spells bytes in the byte-level alphabet (`[0x20, 0x61]` → `"Ġa"`). */
export function bytesToByteLevelString(bytes: ArrayLike<number>): string {
  let text = '';
  for (let index = 0; index < bytes.length; index += 1) text += byteToCharacter[bytes[index] as number];
  return text;
}

/**
 * Reads a byte-level string back into bytes. Returns `null` when a character is not in the
 * alphabet (the string is not a byte-level token).
 */
export function byteLevelStringToBytes(text: string): Uint8Array | null {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const byte = characterToByte.get(text[index] as string);
    if (byte === undefined) return null;
    bytes[index] = byte;
  }
  return bytes;
}
