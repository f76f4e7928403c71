/**
 * UTF-8 encoding of JavaScript strings into a reusable buffer, faster than `TextEncoder` for the
 * many short words a tokenizer encodes. A lone surrogate becomes U+FFFD (EF BF BD), exactly as
 * `TextEncoder` does, since it has no UTF-8 form.
 */
export function encodeUtf8(text: string): number[] {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    if (code < 0x800) {
      bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = index + 1 < text.length ? text.charCodeAt(index + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        index += 1;
        bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
        continue;
      }
      code = 0xfffd;
    }
    bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return bytes;
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes UTF-8 bytes; invalid sequences (for example a character cut between two tokens)
 * become U+FFFD. A leading byte-order mark is kept, as Hugging Face's decoders keep it.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
