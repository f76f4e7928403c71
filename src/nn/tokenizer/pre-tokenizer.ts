/**
 * The byte-level pre-tokenizer: splits text into words (contractions, letter runs, digit runs,
 * punctuation runs, whitespace) before BPE runs inside each word, so that merges never cross a
 * word boundary. The pattern is GPT-2's, exactly as `@huggingface/tokenizers` writes it for a
 * `ByteLevel` pre-tokenizer with `use_regex: true`; every character of the input falls in one
 * match, so the words concatenate back to the text.
 */
export const byteLevelSplitPattern = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Splits `text` into pre-tokenizer words, in order. */
export function splitIntoWords(text: string): string[] {
  return text.match(byteLevelSplitPattern) ?? [];
}
