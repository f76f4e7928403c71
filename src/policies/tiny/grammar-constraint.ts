import type { Entity } from '../../envs/entity.js';
import type { OpenAiTool } from '../../trajectory/message.js';
import { slotIdentifierShapes, slotKinds, type ArgumentKinds } from './argument-kinds.js';
import { templateTokenIds, type TemplateTokenizer, type TinyChatTemplate } from './chat-template/index.js';
import { callEndSymbol, callStartSymbol, endOfTurnSymbol, slotFacts, slotSymbol, ToolCallGrammar, type GrammarOptions, type GrammarState, type SlotFacts } from './tool-call-grammar.js';

/**
 * Each token id as grammar symbols: a text token is its bytes (an ASCII byte is its character;
 * any other byte stands for a non-ASCII character, never JSON syntax); the end-of-turn,
 * tool-call and slot tokens are their special symbols; every other special token is `null`
 * (never allowed).
 */
function tokenSymbols(tokenizer: TemplateTokenizer & { vocabularySize: number }, template: TinyChatTemplate): (Int32Array | null)[] {
  const ids = templateTokenIds(tokenizer, template);
  const symbols: (Int32Array | null)[] = [];
  for (let id = 0; id < tokenizer.vocabularySize; id++) {
    const meaning = ids.meaningById.get(id);
    if (meaning !== undefined) {
      if (meaning.kind === 'slot') symbols.push(Int32Array.of(slotSymbol(meaning.slot)));
      else if (meaning.name === 'endOfTurn') symbols.push(Int32Array.of(endOfTurnSymbol));
      else if (meaning.name === 'toolCallStart') symbols.push(Int32Array.of(callStartSymbol));
      else if (meaning.name === 'toolCallEnd') symbols.push(Int32Array.of(callEndSymbol));
      else symbols.push(null);
      continue;
    }
    if (tokenizer.isSpecialTokenId(id)) {
      symbols.push(null);
      continue;
    }
    const bytes = tokenizer.decodeToBytes([id]);
    symbols.push(bytes.length === 0 ? null : Int32Array.from(bytes, (byte) => (byte < 0x80 ? byte : 0xa0 + (byte & 0x3f))));
  }
  return symbols;
}

const symbolsByTokenizer = new WeakMap<object, (Int32Array | null)[]>();

/** Grammar phases in which a token writes an argument's value. */
const argumentValuePhases: ReadonlySet<GrammarState['phase']> = new Set(['value', 'string', 'slot-value', 'enum', 'number']);

/**
 * Constrained decoding of one assistant turn by the {@link ToolCallGrammar}: for the tokens
 * generated so far, the token ids that keep the turn inside the grammar. Allowed sets are
 * memoised by grammar state, so a long string argument costs one computation.
 */
export class GrammarConstraint {
  private readonly grammar: ToolCallGrammar;
  private readonly slots: SlotFacts;
  private readonly symbols: (Int32Array | null)[];
  private readonly states: GrammarState[];
  private readonly allowedByKey = new Map<string, Int32Array>();

  constructor(
    tokenizer: TemplateTokenizer & { vocabularySize: number },
    template: TinyChatTemplate,
    request: { tools: readonly OpenAiTool[]; entities: readonly Entity[] },
    slotValues: readonly (string | undefined)[],
    argumentKinds: ArgumentKinds = {},
    options: GrammarOptions = {},
  ) {
    this.grammar = new ToolCallGrammar(request.tools, template.toolCall, argumentKinds, options);
    const kinds = slotKinds(slotValues, request.entities, template);
    this.slots = slotFacts(slotValues, kinds, slotIdentifierShapes(slotValues, kinds, template));
    let symbols = symbolsByTokenizer.get(tokenizer);
    if (!symbols) symbolsByTokenizer.set(tokenizer, (symbols = tokenSymbols(tokenizer, template)));
    this.symbols = symbols;
    this.states = [this.grammar.start];
  }

  private step(state: GrammarState, token: number, closing = false): GrammarState | undefined {
    const symbols = this.symbols[token];
    if (!symbols) return undefined;
    let current: GrammarState | undefined = state;
    for (let index = 0; index < symbols.length && current !== undefined; index++) {
      current = closing ? this.grammar.advanceClosing(current, symbols[index]!, this.slots) : this.grammar.advance(current, symbols[index]!, this.slots);
    }
    return current;
  }

  /**
   * The allowed next tokens after `generated` (this turn's tokens so far). If the generated
   * tokens already left the grammar (they came from elsewhere), nothing is constrained. With
   * `closing` (the turn's token budget is about to run out), only tokens on the shortest way to
   * the end of the call are allowed ({@link ToolCallGrammar.advanceClosing}), where any are.
   */
  allowed(generated: readonly number[], closing = false): Int32Array | undefined {
    const allowed = this.allowedAfter(generated);
    if (allowed === undefined || !closing) return allowed;
    const state = this.states[generated.length]!;
    const key = `closing|${this.grammar.key(state)}`;
    let closingTokens = this.allowedByKey.get(key);
    if (closingTokens === undefined) {
      closingTokens = allowed.filter((token) => this.step(state, token, true) !== undefined);
      this.allowedByKey.set(key, closingTokens);
    }
    return closingTokens.length > 0 ? closingTokens : allowed;
  }

  /**
   * Whether the next token after `generated` is written inside an argument value (a string, a
   * slot, an enum value or a number) rather than choosing what the turn does (text or a call,
   * which tool, which key); `false` once the tokens left the grammar.
   */
  inArgumentValue(generated: readonly number[]): boolean {
    if (this.allowedAfter(generated) === undefined) return false;
    return argumentValuePhases.has(this.states[generated.length]!.phase);
  }

  private allowedAfter(generated: readonly number[]): Int32Array | undefined {
    while (this.states.length <= generated.length) {
      const next = this.step(this.states[this.states.length - 1]!, generated[this.states.length - 1]!);
      if (next === undefined) return undefined;
      this.states.push(next);
    }
    const state = this.states[generated.length]!;
    const key = this.grammar.key(state);
    const cached = this.allowedByKey.get(key);
    if (cached) return cached;
    const allowed: number[] = [];
    for (let token = 0; token < this.symbols.length; token++) {
      const next = this.step(state, token);
      if (next !== undefined) allowed.push(token);
    }
    if (allowed.length === 0) return undefined;
    const result = Int32Array.from(allowed);
    this.allowedByKey.set(key, result);
    return result;
  }
}
