/**
 * A fate tokenizer in GGUF metadata and back. fate's byte-level BPE is GPT-2's scheme, so it is
 * written as llama.cpp's `gpt2` tokenizer model with the `gpt-2` pre-tokenizer (the same split
 * pattern): `tokenizer.ggml.tokens` (byte-level spellings; special tokens as their content),
 * `token_type` (special tokens are `control`), `merges` as `"left right"` strings (byte-level
 * spellings hold no space), and the ids of the tokens with a role.
 */
import { Tokenizer } from '../nn/tokenizer/index.js';
import type { SpecialTokenRoles } from './special-token-roles.js';
import { GgufError, ggufTokenTypes, type GgufValue } from './gguf-types.js';
import { ggufMetadataValue, type GgufHeader } from './gguf-reader.js';
import { ggufArray } from './gguf-writer.js';

/** The `tokenizer.ggml.*` metadata of a tokenizer, in writing order. */
export function ggufTokenizerMetadata(tokenizer: Tokenizer, roles: SpecialTokenRoles): Array<[string, GgufValue]> {
  const entries: Array<[string, GgufValue]> = [
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'gpt-2' }],
    ['tokenizer.ggml.tokens', ggufArray('string', tokenizer.vocabulary)],
    [
      'tokenizer.ggml.token_type',
      ggufArray('int32', tokenizer.vocabulary.map((_token, id) => (tokenizer.isSpecialTokenId(id) ? ggufTokenTypes.control : ggufTokenTypes.normal))),
    ],
    ['tokenizer.ggml.merges', ggufArray('string', tokenizer.merges.map(([left, right]) => `${left} ${right}`))],
  ];
  const roleKeys: Array<[keyof SpecialTokenRoles, string]> = [
    ['beginOfSequence', 'tokenizer.ggml.bos_token_id'],
    ['endOfSequence', 'tokenizer.ggml.eos_token_id'],
    ['endOfTurn', 'tokenizer.ggml.eot_token_id'],
    ['padding', 'tokenizer.ggml.padding_token_id'],
  ];
  for (const [role, key] of roleKeys) {
    const id = roles[role];
    if (id !== undefined) entries.push([key, { type: 'uint32', value: id }]);
  }
  // fate renders the begin-of-sequence token itself; llama.cpp must not add one.
  entries.push(['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }]);
  entries.push(['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }]);
  return entries;
}

/**
 * Rebuilds the fate tokenizer of a GGUF model written by {@link ggufTokenizerMetadata}. Throws a
 * {@link GgufError} naming the file when the model's tokenizer is not a byte-level `gpt2` one.
 */
export function tokenizerFromGguf(header: GgufHeader, fileName: string): Tokenizer {
  const model = ggufMetadataValue(header, 'tokenizer.ggml.model');
  if (model !== 'gpt2') throw new GgufError(`${fileName}: tokenizer.ggml.model is ${JSON.stringify(model ?? null)}, "gpt2" (byte-level BPE) expected`);
  const tokens = stringArray(header, 'tokenizer.ggml.tokens', fileName);
  const merges = stringArray(header, 'tokenizer.ggml.merges', fileName);
  const types = ggufMetadataValue(header, 'tokenizer.ggml.token_type');
  if (!Array.isArray(types) || types.length !== tokens.length) throw new GgufError(`${fileName}: tokenizer.ggml.token_type must hold one type per token`);
  const specialTokens = tokens.filter((_token, id) => types[id] === ggufTokenTypes.control);
  try {
    return new Tokenizer({
      vocabulary: tokens,
      merges: merges.map((merge): [string, string] => {
        const space = merge.indexOf(' ', 1);
        if (space < 0) throw new Error(`merge ${JSON.stringify(merge)} is not two tokens`);
        return [merge.slice(0, space), merge.slice(space + 1)];
      }),
      specialTokens,
    });
  } catch (error) {
    throw new GgufError(`${fileName}: tokenizer: ${(error as Error).message}`);
  }
}

function stringArray(header: GgufHeader, key: string, fileName: string): string[] {
  const value = header.metadata.get(key);
  if (value === undefined || value.type !== 'array' || value.itemType !== 'string') throw new GgufError(`${fileName}: ${key} must be an array of strings`);
  return value.values as string[];
}
