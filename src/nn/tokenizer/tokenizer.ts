import { byteLevelStringToBytes, byteToCharacter } from './byte-level-alphabet.js';
import { MergeTable, maximumVocabularySize } from './merge-table.js';
import { byteLevelSplitPattern } from './pre-tokenizer.js';
import { SpecialTokenSplitter } from './special-token-splitter.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';

/**
 * Everything that defines a byte-level BPE tokenizer: the vocabulary (token string by id; a
 * regular token is spelled in the byte-level alphabet, a special token is its literal content),
 * the merges in rank order (each a pair of token strings whose concatenation is in the
 * vocabulary), and which vocabulary entries are special tokens.
 */
export interface TokenizerDefinition {
  vocabulary: readonly string[];
  merges: ReadonlyArray<readonly [string, string]>;
  specialTokens: readonly string[];
}

/** Words at most this long (in UTF-16 units) are cached with their token ids. */
const longestCachedWord = 256;
/** The word cache is emptied when it holds this many words. */
const wordCacheCapacity = 1 << 20;

/**
 * A byte-level BPE tokenizer. Any string round-trips: `decode(encode(text)) === text` for every
 * well-formed string (a lone surrogate has no UTF-8 form and comes back as U+FFFD), because the
 * vocabulary holds a token for each of the 256 bytes. Special tokens are atomic ids that plain
 * text never encodes to: {@link Tokenizer.encode} treats their spelling in text as ordinary
 * characters, and only {@link Tokenizer.encodeWithSpecialTokens} recognises them.
 */
export class Tokenizer {
  private readonly tokens: readonly string[];
  private readonly idByToken = new Map<string, number>();
  private readonly specialIdByContent = new Map<string, number>();
  private readonly specialIds = new Set<number>();
  private readonly bytesById: Uint8Array[];
  private readonly byteIds = new Int32Array(256);
  private readonly mergeTable: MergeTable;
  private readonly mergeList: ReadonlyArray<readonly [string, string]>;
  private readonly splitter: SpecialTokenSplitter;
  private readonly wordCache = new Map<string, readonly number[]>();

  constructor(definition: TokenizerDefinition) {
    const { vocabulary, merges, specialTokens } = definition;
    if (vocabulary.length > maximumVocabularySize) throw new Error(`vocabulary of ${vocabulary.length} exceeds ${maximumVocabularySize}`);
    this.tokens = vocabulary.slice();
    this.mergeTable = new MergeTable(vocabulary.length);
    vocabulary.forEach((token, id) => {
      if (this.idByToken.has(token)) throw new Error(`token ${JSON.stringify(token)} appears twice in the vocabulary`);
      this.idByToken.set(token, id);
    });
    for (const content of specialTokens) {
      const id = this.idByToken.get(content);
      if (id === undefined) throw new Error(`special token ${JSON.stringify(content)} is not in the vocabulary`);
      if (content.length === 0) throw new Error('a special token cannot be empty');
      this.specialIdByContent.set(content, id);
      this.specialIds.add(id);
    }
    this.bytesById = vocabulary.map((token, id) => {
      if (this.specialIds.has(id)) return Uint8Array.from(encodeUtf8(token));
      const bytes = byteLevelStringToBytes(token);
      if (bytes === null || bytes.length === 0) throw new Error(`token ${id} ${JSON.stringify(token)} is neither special nor spelled in the byte-level alphabet`);
      return bytes;
    });
    for (let byte = 0; byte < 256; byte += 1) {
      const id = this.idByToken.get(byteToCharacter[byte] as string);
      if (id === undefined || this.specialIds.has(id)) throw new Error(`the vocabulary lacks the token for byte ${byte}`);
      this.byteIds[byte] = id;
    }
    this.mergeList = merges.map(([left, right]) => [left, right] as const);
    for (const [left, right] of this.mergeList) {
      const leftId = this.idByToken.get(left);
      const rightId = this.idByToken.get(right);
      const resultId = this.idByToken.get(left + right);
      if (leftId === undefined || rightId === undefined || resultId === undefined) {
        throw new Error(`merge ${JSON.stringify([left, right])} uses or makes a token outside the vocabulary`);
      }
      if (this.specialIds.has(leftId) || this.specialIds.has(rightId) || this.specialIds.has(resultId)) {
        throw new Error(`merge ${JSON.stringify([left, right])} involves a special token`);
      }
      this.mergeTable.add(leftId, rightId, resultId);
    }
    this.splitter = new SpecialTokenSplitter([...this.specialIdByContent.keys()]);
  }

  /** The number of token ids (regular and special). */
  get vocabularySize(): number {
    return this.tokens.length;
  }

  /** The vocabulary: token string by id. */
  get vocabulary(): readonly string[] {
    return this.tokens;
  }

  /** The merges, in rank order. */
  get merges(): ReadonlyArray<readonly [string, string]> {
    return this.mergeList;
  }

  /** The special tokens' contents, in id order. */
  get specialTokens(): string[] {
    return [...this.specialIdByContent.entries()].sort((left, right) => left[1] - right[1]).map(([content]) => content);
  }

  /** The id of a special token; throws when `content` is not one. */
  specialTokenId(content: string): number {
    const id = this.specialIdByContent.get(content);
    if (id === undefined) throw new Error(`unknown special token ${JSON.stringify(content)}`);
    return id;
  }

  /** Whether `id` is a special token's id. */
  isSpecialTokenId(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** The id of a vocabulary entry (byte-level spelling, or a special token's content). */
  tokenToId(token: string): number | undefined {
    return this.idByToken.get(token);
  }

  /** The vocabulary entry of an id. */
  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  /**
   * Encodes text as plain text: the spelling of a special token inside it is encoded as
   * ordinary characters, never as the special id (so text from a tool result cannot forge a
   * role marker).
   */
  encode(text: string): number[] {
    const ids: number[] = [];
    this.encodePlainInto(text, ids);
    return ids;
  }

  /**
   * Encodes text in which special tokens' spellings stand for the special tokens (as
   * Hugging Face's `encode` does): each becomes its one id, the rest is plain text.
   */
  encodeWithSpecialTokens(text: string): number[] {
    const ids: number[] = [];
    for (const segment of this.splitter.split(text)) {
      if (segment.kind === 'special') ids.push(this.specialIdByContent.get(segment.content) as number);
      else this.encodePlainInto(segment.text, ids);
    }
    return ids;
  }

  /** The bytes that token ids stand for (a special token stands for its content in UTF-8). */
  decodeToBytes(ids: readonly number[]): Uint8Array {
    let length = 0;
    for (const id of ids) length += this.bytesOf(id).length;
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const id of ids) {
      const tokenBytes = this.bytesOf(id);
      bytes.set(tokenBytes, offset);
      offset += tokenBytes.length;
    }
    return bytes;
  }

  /** The text that token ids stand for; bytes that do not form UTF-8 become U+FFFD. */
  decode(ids: readonly number[]): string {
    return decodeUtf8(this.decodeToBytes(ids));
  }

  private bytesOf(id: number): Uint8Array {
    const bytes = this.bytesById[id];
    if (bytes === undefined) throw new Error(`token id ${id} is outside the vocabulary of ${this.tokens.length}`);
    return bytes;
  }

  private encodePlainInto(text: string, ids: number[]): void {
    const words = text.match(byteLevelSplitPattern);
    if (words === null) return;
    for (let wordIndex = 0; wordIndex < words.length; wordIndex += 1) {
      const word = words[wordIndex] as string;
      let encoded = this.wordCache.get(word);
      if (encoded === undefined) {
        encoded = this.encodeWord(word);
        if (word.length <= longestCachedWord) {
          if (this.wordCache.size >= wordCacheCapacity) this.wordCache.clear();
          this.wordCache.set(word, encoded);
        }
      }
      for (let index = 0; index < encoded.length; index += 1) ids.push(encoded[index] as number);
    }
  }

  private encodeWord(word: string): number[] {
    const bytes = encodeUtf8(word);
    const symbols = bytes.map((byte) => this.byteIds[byte] as number);
    return this.mergeTable.apply(symbols);
  }
}
