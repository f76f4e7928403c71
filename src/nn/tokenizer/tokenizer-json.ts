import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { Tokenizer } from './tokenizer.js';

const byteLevelComponentSchema = z.object({
  type: z.literal('ByteLevel'),
  add_prefix_space: z.boolean().optional(),
  trim_offsets: z.boolean().optional(),
  use_regex: z.boolean().optional(),
});

const addedTokenSchema = z.object({
  id: z.number().int().nonnegative(),
  content: z.string().min(1),
  single_word: z.boolean().optional(),
  lstrip: z.boolean().optional(),
  rstrip: z.boolean().optional(),
  normalized: z.boolean().optional(),
  special: z.boolean().optional(),
});

/**
 * The part of Hugging Face's `tokenizer.json` format that a byte-level BPE tokenizer uses. Other
 * components (normalizers, other pre-tokenizers, subword prefixes, dropout) are rejected on load
 * with a message rather than silently encoding differently.
 */
export const huggingFaceTokenizerJsonSchema = z.object({
  version: z.string(),
  truncation: z.null().optional(),
  padding: z.null().optional(),
  added_tokens: z.array(addedTokenSchema),
  normalizer: z.null({ message: 'only tokenizers without a normalizer are supported' }).optional(),
  pre_tokenizer: byteLevelComponentSchema,
  post_processor: byteLevelComponentSchema.nullable().optional(),
  decoder: byteLevelComponentSchema,
  model: z.object({
    type: z.literal('BPE'),
    dropout: z.null({ message: 'BPE dropout is not supported' }).optional(),
    unk_token: z.string().nullable().optional(),
    continuing_subword_prefix: z.null({ message: 'a continuing subword prefix is not supported' }).optional(),
    end_of_word_suffix: z.null({ message: 'an end-of-word suffix is not supported' }).optional(),
    fuse_unk: z.boolean().optional(),
    byte_fallback: z.boolean().optional(),
    ignore_merges: z.literal(false, { message: 'ignore_merges is not supported' }).optional(),
    vocab: z.record(z.string(), z.number().int().nonnegative()),
    merges: z.array(z.union([z.tuple([z.string(), z.string()]), z.string()])),
  }),
});
/** A parsed `tokenizer.json` document (see {@link huggingFaceTokenizerJsonSchema}). */
export type HuggingFaceTokenizerJson = z.infer<typeof huggingFaceTokenizerJsonSchema>;

const vocabularyPlaceholder = '\u0000vocabulary\u0000';

/**
 * The `tokenizer.json` text of a tokenizer, laid out as Hugging Face's `tokenizers` writes it
 * (two-space indentation, fields in its order, the vocabulary in id order, merges as pairs):
 * special tokens are `added_tokens`, and the pre-tokenizer, post-processor and decoder are
 * `ByteLevel` without a prefix space.
 */
export function tokenizerToJsonText(tokenizer: Tokenizer): string {
  const document = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tokenizer.specialTokens.map((content) => ({
      id: tokenizer.specialTokenId(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: vocabularyPlaceholder,
      merges: tokenizer.merges.map(([left, right]) => [left, right]),
    },
  };
  const indentation = '    ';
  const vocabularyText = tokenizer.vocabulary.length === 0
    ? '{}'
    : `{\n${tokenizer.vocabulary.map((token, id) => `${indentation}  ${JSON.stringify(token)}: ${id}`).join(',\n')}\n${indentation}}`;
  return `${JSON.stringify(document, null, 2).replace(JSON.stringify(vocabularyPlaceholder), () => vocabularyText)}\n`;
}

/** The `tokenizer.json` document of a tokenizer, as a plain object. */
export function tokenizerToJson(tokenizer: Tokenizer): HuggingFaceTokenizerJson {
  return huggingFaceTokenizerJsonSchema.parse(JSON.parse(tokenizerToJsonText(tokenizer)));
}

/**
 * Builds a tokenizer from a parsed `tokenizer.json` document (ours or one of Hugging Face's
 * byte-level BPE tokenizers). Throws one line naming the first unsupported or invalid field.
 */
export function tokenizerFromJson(document: unknown): Tokenizer {
  const parsed = huggingFaceTokenizerJsonSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`tokenizer.json: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { model, added_tokens: addedTokens, pre_tokenizer: preTokenizer } = parsed.data;
  if (preTokenizer.add_prefix_space === true) throw new Error('tokenizer.json: a ByteLevel pre-tokenizer with add_prefix_space is not supported');
  if (preTokenizer.use_regex === false) throw new Error('tokenizer.json: a ByteLevel pre-tokenizer without use_regex is not supported');
  const vocabulary: string[] = [];
  const place = (token: string, id: number): void => {
    const present = vocabulary[id];
    if (present !== undefined && present !== token) {
      throw new Error(`tokenizer.json: id ${id} is both ${JSON.stringify(present)} and ${JSON.stringify(token)}`);
    }
    vocabulary[id] = token;
  };
  for (const [token, id] of Object.entries(model.vocab)) place(token, id);
  for (const added of addedTokens) {
    if (added.special === false) throw new Error(`tokenizer.json: added token ${JSON.stringify(added.content)} is not special; only special added tokens are supported`);
    if (added.lstrip || added.rstrip || added.single_word) {
      throw new Error(`tokenizer.json: added token ${JSON.stringify(added.content)} uses lstrip, rstrip or single_word, which are not supported`);
    }
    place(added.content, added.id);
  }
  for (let id = 0; id < vocabulary.length; id += 1) {
    if (vocabulary[id] === undefined) throw new Error(`tokenizer.json: no token has id ${id}`);
  }
  const merges = model.merges.map((merge): [string, string] => {
    if (Array.isArray(merge)) return [merge[0], merge[1]];
    const space = merge.indexOf(' ');
    if (space < 0) throw new Error(`tokenizer.json: merge ${JSON.stringify(merge)} is not two tokens`);
    return [merge.slice(0, space), merge.slice(space + 1)];
  });
  return new Tokenizer({ vocabulary, merges, specialTokens: addedTokens.map((added) => added.content) });
}

/**
 * A minimal `tokenizer_config.json` to go beside `tokenizer.json`, for loaders that want one
 * (Transformers, `@huggingface/tokenizers`): no clean-up of spaces, so decoding is exact.
 */
export function tokenizerConfigJson(): Record<string, unknown> {
  return { tokenizer_class: 'PreTrainedTokenizerFast', clean_up_tokenization_spaces: false };
}

/** Writes a tokenizer as a `tokenizer.json` file. */
export function saveTokenizer(tokenizer: Tokenizer, filePath: string): void {
  writeFileSync(filePath, tokenizerToJsonText(tokenizer), 'utf8');
}

/** Reads a tokenizer from a `tokenizer.json` file. */
export function loadTokenizer(filePath: string): Tokenizer {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch (error) {
    throw new Error(`${filePath}: ${(error as Error).message}`);
  }
  try {
    return tokenizerFromJson(document);
  } catch (error) {
    throw new Error(`${filePath}: ${(error as Error).message}`);
  }
}
