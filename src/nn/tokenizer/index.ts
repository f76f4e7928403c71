export { Tokenizer, type TokenizerDefinition } from './tokenizer.js';
export { trainTokenizer, type TrainTokenizerOptions } from './train-tokenizer.js';
export {
  huggingFaceTokenizerJsonSchema,
  loadTokenizer,
  saveTokenizer,
  tokenizerConfigJson,
  tokenizerFromJson,
  tokenizerToJson,
  tokenizerToJsonText,
  type HuggingFaceTokenizerJson,
} from './tokenizer-json.js';
export { byteLevelSplitPattern, splitIntoWords } from './pre-tokenizer.js';
export { byteToCharacter, bytesToByteLevelString, byteLevelStringToBytes } from './byte-level-alphabet.js';
