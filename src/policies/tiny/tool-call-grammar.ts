import type { EntityKind } from '../../envs/entity.js';
import type { OpenAiTool } from '../../trajectory/message.js';
import type { ArgumentKinds } from './argument-kinds.js';
import { compilePattern, type PatternAutomaton } from './pattern-automaton.js';

/**
 * What an assistant turn of the tiny policy may look like, as a character-level automaton over
 * the turn's symbols (text characters and special tokens): either a text answer, or one or more
 * tool calls in the template's layout — an offered tool's name, then a compact JSON object whose
 * keys are that tool's parameters (each at most once, every required one present) and whose
 * values have the parameter's JSON type (strings, numbers, integers, booleans, enums, arrays of
 * strings or numbers). Entity slots may stand in strings and text, and in number positions when
 * the value they stand for is a number. A string whose schema gives a `pattern` (e-mail
 * addresses, dates, times, URLs) is written character by character inside that pattern
 * ({@link compilePattern}), a slot counting as the characters of its value. It is the tool schema
 * as a decoding grammar (structured output): which tool, which entity, which words stay the
 * model's choice. With {@link GrammarOptions.slips}, the two syntax slips of a hand-written call
 * stay the model's choice too.
 */

/** Symbols: a text character is its UTF-16 code (≥ 0); special tokens are negative. */
export const callStartSymbol = -1;
export const callEndSymbol = -2;
export const endOfTurnSymbol = -3;
const slotSymbolBase = -100;

/** The symbol of entity slot `slot`. */
export function slotSymbol(slot: number): number {
  return slotSymbolBase - slot;
}

function slotOfSymbol(symbol: number): number | undefined {
  return symbol <= slotSymbolBase ? slotSymbolBase - symbol : undefined;
}

/** A value type the grammar checks. */
type ValueType =
  | { kind: 'string'; pattern?: PatternAutomaton; minimumLength?: number; maximumLength?: number }
  | { kind: 'enum'; values: string[] }
  | { kind: 'number'; integer: boolean; minimum: number; maximum: number; exclusiveMinimum: boolean }
  | { kind: 'boolean' }
  | { kind: 'array'; item: ValueType };

interface ToolShape {
  name: string;
  parameters: { name: string; type: ValueType; required: boolean; kinds: ReadonlySet<EntityKind> | undefined; identifierShapes: ReadonlySet<string> | undefined }[];
}

function valueType(schema: unknown): ValueType {
  const node = (schema ?? {}) as { type?: unknown; enum?: unknown; items?: unknown; minimum?: unknown; maximum?: unknown; exclusiveMinimum?: unknown; pattern?: unknown; minLength?: unknown; maxLength?: unknown };
  if (Array.isArray(node.enum) && node.enum.every((value) => typeof value === 'string')) return { kind: 'enum', values: node.enum as string[] };
  if (node.type === 'number' || node.type === 'integer') {
    const exclusive = typeof node.exclusiveMinimum === 'number';
    return {
      kind: 'number',
      integer: node.type === 'integer',
      minimum: exclusive ? (node.exclusiveMinimum as number) : typeof node.minimum === 'number' ? node.minimum : -Infinity,
      maximum: typeof node.maximum === 'number' ? node.maximum : Infinity,
      exclusiveMinimum: exclusive,
    };
  }
  if (node.type === 'boolean') return { kind: 'boolean' };
  if (node.type === 'array') {
    const item = valueType(node.items);
    return { kind: 'array', item: item.kind === 'array' ? { kind: 'string' } : item };
  }
  const pattern = typeof node.pattern === 'string' ? patternAutomaton(node.pattern) : undefined;
  const minimumLength = typeof node.minLength === 'number' && node.minLength > 0 ? node.minLength : undefined;
  const maximumLength = typeof node.maxLength === 'number' && node.maxLength < freeStringCharacterLimit ? Math.max(0, node.maxLength) : undefined;
  return { kind: 'string', ...(pattern ? { pattern } : {}), ...(minimumLength ? { minimumLength } : {}), ...(maximumLength !== undefined ? { maximumLength } : {}) };
}

/** A string type whose characters are counted exactly (its pattern or maximum length depends on them). */
function exactlyCounted(type: Extract<ValueType, { kind: 'string' }>): boolean {
  return type.pattern !== undefined || type.maximumLength !== undefined;
}

/** Compiled patterns by source, shared by every grammar (tools repeat the same few). */
const patternAutomata = new Map<string, PatternAutomaton | undefined>();

function patternAutomaton(source: string): PatternAutomaton | undefined {
  if (!patternAutomata.has(source)) patternAutomata.set(source, compilePattern(source));
  return patternAutomata.get(source);
}

function toolShape(tool: OpenAiTool, argumentKinds: ArgumentKinds): ToolShape {
  const schema = (tool.function.parameters ?? {}) as { properties?: Record<string, unknown>; required?: unknown };
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const known = Object.keys(argumentKinds).some((key) => key.startsWith(`${tool.function.name}.`));
  return {
    name: tool.function.name,
    parameters: Object.entries(schema.properties ?? {})
      .filter(([name]) => !known || required.has(name) || argumentKinds[`${tool.function.name}.${name}`] !== undefined)
      .map(([name, property]) => {
        const learned = argumentKinds[`${tool.function.name}.${name}`];
        const kinds = learned?.kinds;
        // A property with a default may be left out, whatever `required` says (JSON Schema output lists it).
        const optional = typeof property === 'object' && property !== null && Object.hasOwn(property, 'default');
        return { name, type: valueType(property), required: required.has(name) && !optional, kinds: kinds ? new Set(kinds) : undefined, identifierShapes: learned?.identifierShapes ? new Set(learned.identifierShapes) : undefined };
      }),
  };
}

/** Where the automaton is; plain data, so that `key` can memoise what follows from it. */
export interface GrammarState {
  readonly phase:
    | 'start'
    | 'text'
    | 'after-call'
    | 'literal'
    | 'name'
    | 'pair-start'
    | 'key'
    | 'value'
    | 'string'
    | 'slot-value'
    | 'enum'
    | 'number'
    | 'after-value'
    | 'array-start'
    | 'after-item'
    | 'call-end'
    | 'done';
  /** Offered tool chosen (index), once its name is complete. */
  readonly tool: number;
  /** Bit set of the chosen tool's parameters already given. */
  readonly used: number;
  /** The parameter whose value is being written. */
  readonly parameter: number;
  /** Partial name, key, enum value, number or the rest of a literal; in a string, a lone backslash right after one (an escape still to finish). */
  readonly partial: string;
  /** For `literal`: the phase after it. */
  readonly next: GrammarState['phase'];
  /** Whether the value being written is an array item. */
  readonly inArray: boolean;
  /**
   * Characters of the string being written: exact for a string with a pattern or a maximum
   * length, otherwise with each slot counted as one.
   */
  readonly length: number;
  /** For a string with a pattern: where its automaton is (see {@link PatternAutomaton}). */
  readonly pattern: string;
}

/**
 * Most characters of one free string argument: a turn has a token budget, and a string still
 * open when it runs out leaves the call malformed, so a long string must close.
 */
export const freeStringCharacterLimit = 240;

/** The slots that stand for a value in this conversation: how many, which are numbers, and each one's entity kind. */
export interface SlotFacts {
  readonly count: number;
  readonly numeric: ReadonlySet<number>;
  readonly integer: ReadonlySet<number>;
  readonly kinds: readonly (EntityKind | undefined)[];
  /** Each slot's value; `undefined` for a slot not in use. */
  readonly values: readonly (string | undefined)[];
  /** Each identifier slot's shape (`identifierShape`); `undefined` for other slots, or when not known. */
  readonly identifierShapes: readonly (string | undefined)[];
}

const number = /^-?\d+(\.\d+)?$/;
const integer = /^-?\d+$/;

/** Slot facts of a slot map's values, their kinds and their identifier shapes (when known). */
export function slotFacts(values: readonly (string | undefined)[], kinds: readonly (EntityKind | undefined)[] = [], identifierShapes: readonly (string | undefined)[] = []): SlotFacts {
  const numeric = new Set<number>();
  const integers = new Set<number>();
  values.forEach((value, slot) => {
    if (value === undefined || value === null) return;
    if (number.test(value)) numeric.add(slot);
    if (integer.test(value)) integers.add(slot);
  });
  return { count: values.length, numeric, integer: integers, kinds, values, identifierShapes };
}

/** Whether `value` satisfies a number type's minimum (exclusive or not). */
function withinMinimum(type: Extract<ValueType, { kind: 'number' }>, value: number): boolean {
  return type.exclusiveMinimum ? value > type.minimum : value >= type.minimum;
}

const initial: GrammarState = { phase: 'start', tool: -1, used: 0, parameter: -1, partial: '', next: 'start', inArray: false, length: 0, pattern: '' };
const quote = 0x22;
const backslash = 0x5c;
/** Characters that may follow a backslash in a free string: JSON's one-character escapes (`\uXXXX` is not offered). */
const escapedCharacters = new Set([...'"\\/bfnrt'].map((character) => character.charCodeAt(0)));
const isDigit = (symbol: number): boolean => symbol >= 0x30 && symbol <= 0x39;

/** Phases inside a call's arguments object, where a call may be cut short by a {@link GrammarOptions.slips | slip}. */
const argumentPhases: ReadonlySet<GrammarState['phase']> = new Set(['pair-start', 'key', 'value', 'string', 'slot-value', 'enum', 'number', 'after-value', 'array-start', 'after-item']);

/** Phases after a literal written inside the arguments (a key's opening quote, its colon, `true`/`false`) or the call's closing brace. */
const slipLiteralEnds: ReadonlySet<GrammarState['phase']> = new Set(['key', 'value', 'after-value', 'after-item', 'call-end']);

/** Choices of a {@link ToolCallGrammar}. */
export interface GrammarOptions {
  /**
   * Leave the model the two syntax slips a model makes when it writes a call by hand: the first
   * key without its opening quote (`{to":…}`), and the call ended before its arguments close
   * (`{"to":"ann`). Everything else stays inside the grammar — which tool, which keys, which
   * values — so a slip breaks the call's syntax only, for the control verifier to judge. Off,
   * every call the grammar lets through parses.
   */
  slips?: boolean;
}

/** The tool-call grammar of one request (its offered tools and the layout of the template). */
export class ToolCallGrammar {
  private readonly tools: ToolShape[];
  private readonly slips: boolean;

  constructor(
    tools: readonly OpenAiTool[],
    private readonly layout: { namePrefix: string; argumentsSeparator: string; suffix: string },
    argumentKinds: ArgumentKinds = {},
    options: GrammarOptions = {},
  ) {
    this.tools = tools.map((tool) => toolShape(tool, argumentKinds));
    this.slips = options.slips ?? false;
  }

  /**
   * For an argument known to carry one entity ({@link ArgumentKinds}), the slots it may take
   * (of its kinds and, for identifiers, its learned shapes; numbers for a number); `undefined`
   * for free values, or when no such slot stands for anything yet (then the value is typed
   * freely rather than stuck).
   */
  private referenceSlots(state: GrammarState, slots: SlotFacts): ReadonlySet<number> | undefined {
    let bySlots = this.referenceSlotsCache.get(slots);
    if (!bySlots) this.referenceSlotsCache.set(slots, (bySlots = new Map()));
    const key = `${state.tool}|${state.parameter}|${state.inArray ? 1 : 0}`;
    if (bySlots.has(key)) return bySlots.get(key);
    const computed = this.computeReferenceSlots(state, slots);
    bySlots.set(key, computed);
    return computed;
  }

  /** Reference slots by slot facts and (tool, parameter, array item): asked once per token tried. */
  private readonly referenceSlotsCache = new WeakMap<SlotFacts, Map<string, ReadonlySet<number> | undefined>>();

  private computeReferenceSlots(state: GrammarState, slots: SlotFacts): ReadonlySet<number> | undefined {
    const parameter = this.tools[state.tool]!.parameters[state.parameter]!;
    if (!parameter.kinds) return undefined;
    const type = this.typeOf(state);
    const allowed = new Set<number>();
    for (let slot = 0; slot < slots.count; slot++) {
      const kind = slots.kinds[slot];
      if (kind === undefined || !parameter.kinds.has(kind)) continue;
      // An identifier of a shape the argument never took (an e-mail id for a file id) is not offered.
      const shape = slots.identifierShapes[slot];
      if (shape !== undefined && parameter.identifierShapes && !parameter.identifierShapes.has(shape)) continue;
      if (type.kind === 'number' && !(type.integer ? slots.integer : slots.numeric).has(slot)) continue;
      allowed.add(slot);
    }
    return allowed.size > 0 ? allowed : undefined;
  }

  /** The state before the first symbol of a turn. */
  get start(): GrammarState {
    return initial;
  }

  /** A string that identifies everything the future of `state` depends on. */
  key(state: GrammarState): string {
    // In a free string far from the limit and past its minimum length, the length changes nothing
    // a token can reach; in a string counted exactly it may (its pattern needs room to complete).
    const type = state.phase === 'string' ? (this.typeOf(state) as Extract<ValueType, { kind: 'string' }>) : undefined;
    const far = type === undefined || (!exactlyCounted(type) && state.length < freeStringCharacterLimit - 64 && state.length >= (type.minimumLength ?? 0));
    const length = far ? '' : String(state.length);
    return `${state.phase}|${state.tool}|${state.used}|${state.parameter}|${state.partial}|${state.next}|${state.inArray ? 1 : 0}|${length}|${state.pattern}`;
  }

  /** Whether `state` is inside a string argument written freely (not a single slot, an enum or a number). */
  inFreeString(state: GrammarState): boolean {
    return state.phase === 'string';
  }

  /**
   * In a string argument: the fewest characters before it may close (its pattern unmatched, or
   * shorter than its minimum length); 0 elsewhere.
   */
  closingDistance(state: GrammarState): number {
    if (state.phase !== 'string') return 0;
    if (state.partial === '\\') return 1;
    const { pattern, minimumLength = 0 } = this.typeOf(state) as Extract<ValueType, { kind: 'string' }>;
    return Math.max(pattern ? pattern.distance(state.pattern) : 0, minimumLength - state.length, 0);
  }

  /** Whether the turn may end here (end-of-turn allowed). */
  accepts(state: GrammarState): boolean {
    return state.phase === 'text' || state.phase === 'after-call';
  }

  private with(state: GrammarState, change: Partial<GrammarState>): GrammarState {
    return { ...state, ...change };
  }

  private literal(state: GrammarState, text: string, next: GrammarState['phase']): GrammarState {
    return text.length === 0 ? this.with(state, { phase: next, partial: '' }) : this.with(state, { phase: 'literal', partial: text, next });
  }

  private typeOf(state: GrammarState): ValueType {
    const type = this.tools[state.tool]!.parameters[state.parameter]!.type;
    return state.inArray && type.kind === 'array' ? type.item : type;
  }

  private requiredDone(state: GrammarState): boolean {
    return this.tools[state.tool]!.parameters.every((parameter, index) => !parameter.required || (state.used & (1 << index)) !== 0);
  }

  private unusedKeyStartsWith(state: GrammarState, prefix: string): boolean {
    return this.tools[state.tool]!.parameters.some((parameter, index) => (state.used & (1 << index)) === 0 && parameter.name.startsWith(prefix));
  }

  /** After a value (or array item) is complete. */
  private valueDone(state: GrammarState): GrammarState {
    return this.with(state, { phase: state.inArray ? 'after-item' : 'after-value', partial: '' });
  }

  /** The state after `symbol`, or `undefined` when the grammar does not allow it. */
  advance(state: GrammarState, symbol: number, slots: SlotFacts): GrammarState | undefined {
    const next = this.advanceStrictly(state, symbol, slots);
    return next !== undefined || !this.slips ? next : this.slip(state, symbol);
  }

  /**
   * A slip inside a call's arguments, where the grammar proper refuses `symbol`: the first key
   * begun without its opening quote (it goes on as a key), or the call ended before its arguments
   * close — at once (the call end), or with the template's closing suffix written early
   * (`{"channel":"<|channel-0|>}`); the turn goes on as after any call.
   */
  private slip(state: GrammarState, symbol: number): GrammarState | undefined {
    if (slotOfSymbol(symbol) !== undefined) return undefined;
    if (state.phase === 'pair-start' && symbol >= 0 && this.unusedKeyStartsWith(state, String.fromCharCode(symbol))) return this.with(state, { phase: 'key', partial: String.fromCharCode(symbol) });
    if (!argumentPhases.has(state.phase) && !(state.phase === 'literal' && slipLiteralEnds.has(state.next))) return undefined;
    if (symbol === callEndSymbol) return this.with(initial, { phase: 'after-call' });
    const suffix = this.layout.suffix;
    if (suffix.length > 0 && symbol === suffix.charCodeAt(0)) return this.literal(state, suffix.slice(1), 'call-end');
    return undefined;
  }

  private advanceStrictly(state: GrammarState, symbol: number, slots: SlotFacts): GrammarState | undefined {
    const slot = slotOfSymbol(symbol);
    if (slot !== undefined && (slot >= slots.count || slots.values[slot] === undefined || slots.values[slot] === null)) return undefined;
    switch (state.phase) {
      case 'start':
        if (symbol === callStartSymbol && this.tools.length > 0) return this.literal(state, this.layout.namePrefix + '"', 'name');
        if (symbol >= 0 || slot !== undefined) return this.with(state, { phase: 'text' });
        return undefined;
      case 'text':
        if (symbol === endOfTurnSymbol) return this.with(state, { phase: 'done' });
        return symbol >= 0 || slot !== undefined ? state : undefined;
      case 'after-call':
        if (symbol === endOfTurnSymbol) return this.with(state, { phase: 'done' });
        if (symbol === callStartSymbol && this.tools.length > 0) return this.literal({ ...initial }, this.layout.namePrefix + '"', 'name');
        return undefined;
      case 'literal': {
        if (symbol < 0 || String.fromCharCode(symbol) !== state.partial[0]) return undefined;
        return this.literal(state, state.partial.slice(1), state.next);
      }
      case 'name': {
        if (symbol === quote) {
          const tool = this.tools.findIndex((candidate) => candidate.name === state.partial);
          if (tool < 0) return undefined;
          return this.literal(this.with(state, { tool, used: 0 }), this.layout.argumentsSeparator + '{', 'pair-start');
        }
        if (symbol < 0) return undefined;
        const partial = state.partial + String.fromCharCode(symbol);
        return this.tools.some((candidate) => candidate.name.startsWith(partial)) ? this.with(state, { partial }) : undefined;
      }
      case 'pair-start':
      case 'after-value':
        if (symbol === quote && this.unusedKeyStartsWith(state, '')) {
          if (state.phase === 'after-value') return undefined;
          return this.with(state, { phase: 'key', partial: '' });
        }
        if (symbol === 0x2c && state.phase === 'after-value' && this.unusedKeyStartsWith(state, '')) return this.literal(state, '"', 'key');
        if (symbol === 0x7d && this.requiredDone(state)) return this.literal(state, this.layout.suffix, 'call-end');
        return undefined;
      case 'key': {
        if (symbol === quote) {
          const parameters = this.tools[state.tool]!.parameters;
          const parameter = parameters.findIndex((candidate, index) => (state.used & (1 << index)) === 0 && candidate.name === state.partial);
          if (parameter < 0) return undefined;
          return this.literal(this.with(state, { parameter, used: state.used | (1 << parameter), inArray: false }), ':', 'value');
        }
        if (symbol < 0) return undefined;
        const partial = state.partial + String.fromCharCode(symbol);
        return this.unusedKeyStartsWith(state, partial) ? this.with(state, { partial }) : undefined;
      }
      case 'value':
        return this.valueStart(state, symbol, slot, slots);
      case 'array-start':
        if (symbol === 0x5d) return this.with(state, { phase: 'after-value', inArray: false, partial: '' });
        return this.valueStart(state, symbol, slot, slots);
      case 'after-item':
        if (symbol === 0x2c) return this.with(state, { phase: 'value', partial: '' });
        if (symbol === 0x5d) return this.with(state, { phase: 'after-value', inArray: false, partial: '' });
        return undefined;
      case 'slot-value':
        return slot !== undefined && this.referenceSlots(state, slots)?.has(slot) ? this.literal(state, '"', state.inArray ? 'after-item' : 'after-value') : undefined;
      case 'string': {
        const type = this.typeOf(state) as Extract<ValueType, { kind: 'string' }>;
        // After a backslash (free strings only): one of JSON's one-character escapes.
        if (state.partial === '\\') return slot === undefined && escapedCharacters.has(symbol) ? this.with(state, { partial: '' }) : undefined;
        if (symbol === quote) return this.closingDistance(state) === 0 ? this.valueDone(this.with(state, { length: 0, pattern: '' })) : undefined;
        // A free string may hold escapes (a line break in code or a message body), counted as one character.
        if (slot === undefined && symbol === backslash && !exactlyCounted(type)) return state.length < freeStringCharacterLimit ? this.with(state, { partial: '\\', length: state.length + 1 }) : undefined;
        if (slot === undefined && (symbol < 0x20 || symbol === backslash)) return undefined;
        const added = slot !== undefined ? (slots.values[slot] ?? '') : String.fromCharCode(symbol);
        // A slot counts as its value's characters, so that a single slot can meet a minimum length.
        if (!exactlyCounted(type)) return state.length < freeStringCharacterLimit ? this.with(state, { length: state.length + Math.max(1, added.length) }) : undefined;
        const pattern = type.pattern ? type.pattern.advanceText(state.pattern, added) : '';
        if (type.pattern && pattern === '') return undefined;
        const next = this.with(state, { length: state.length + added.length, pattern });
        // The string must still be able to match within its limit.
        const limit = Math.min(freeStringCharacterLimit, type.maximumLength ?? Infinity);
        return next.length <= limit && this.closingDistance(next) <= limit - next.length ? next : undefined;
      }
      case 'enum': {
        const type = this.typeOf(state) as { kind: 'enum'; values: string[] };
        if (symbol === quote) return type.values.includes(state.partial) ? this.valueDone(state) : undefined;
        if (symbol < 0) return undefined;
        const partial = state.partial + String.fromCharCode(symbol);
        return type.values.some((value) => value.startsWith(partial)) ? this.with(state, { partial }) : undefined;
      }
      case 'number': {
        const type = this.typeOf(state) as Extract<ValueType, { kind: 'number' }>;
        if (isDigit(symbol)) {
          const partial = state.partial + String.fromCharCode(symbol);
          return Number(partial) <= type.maximum && !/^-?0\d/.test(partial) ? this.with(state, { partial }) : undefined;
        }
        if (symbol === 0x2e && !type.integer && !state.partial.includes('.') && /\d$/.test(state.partial)) return this.with(state, { partial: `${state.partial}.` });
        if (!/\d$/.test(state.partial)) return undefined;
        const value = Number(state.partial);
        if (!withinMinimum(type, value)) return undefined;
        return this.advance(this.valueDone(state), symbol, slots);
      }
      case 'call-end':
        return symbol === callEndSymbol ? this.with(initial, { phase: 'after-call' }) : undefined;
      case 'done':
        return undefined;
    }
  }

  /**
   * Like {@link ToolCallGrammar.advance}, for a turn about to run out of tokens: only symbols on
   * the shortest way to the end of the call — a string closes (or, its pattern unmatched, comes
   * closer to a match), an array ends, no optional argument and no further call starts.
   */
  advanceClosing(state: GrammarState, symbol: number, slots: SlotFacts): GrammarState | undefined {
    const next = this.advance(state, symbol, slots);
    if (next === undefined) return undefined;
    switch (state.phase) {
      case 'string':
        return symbol === quote || this.closingDistance(next) < this.closingDistance(state) ? next : undefined;
      case 'pair-start':
      case 'after-value':
        return symbol === 0x7d || !this.requiredDone(state) ? next : undefined;
      case 'key':
        return symbol === quote || this.unusedRequiredKeyStartsWith(state, next.partial) ? next : undefined;
      case 'after-item':
        return symbol === 0x5d ? next : undefined;
      case 'after-call':
        return symbol === endOfTurnSymbol ? next : undefined;
      case 'number':
        // A symbol that is not part of the number ends it and counts after the value.
        return isDigit(symbol) || symbol === 0x2e ? next : this.advanceClosing(this.valueDone(state), symbol, slots);
      default:
        return next;
    }
  }

  private unusedRequiredKeyStartsWith(state: GrammarState, prefix: string): boolean {
    return this.tools[state.tool]!.parameters.some((parameter, index) => parameter.required && (state.used & (1 << index)) === 0 && parameter.name.startsWith(prefix));
  }

  private valueStart(state: GrammarState, symbol: number, slot: number | undefined, slots: SlotFacts): GrammarState | undefined {
    const inArray = state.phase === 'array-start' || state.inArray;
    const current = this.with(state, { inArray });
    const type = this.typeOf(current);
    const references = type.kind === 'string' || type.kind === 'number' ? this.referenceSlots(current, slots) : undefined;
    switch (type.kind) {
      case 'string':
        return symbol === quote ? this.with(current, { phase: references ? 'slot-value' : 'string', partial: '', length: 0, pattern: type.pattern?.initial ?? '' }) : undefined;
      case 'enum':
        return symbol === quote ? this.with(current, { phase: 'enum', partial: '' }) : undefined;
      case 'boolean':
        if (symbol === 0x74) return this.literal(current, 'rue', current.inArray ? 'after-item' : 'after-value');
        if (symbol === 0x66) return this.literal(current, 'alse', current.inArray ? 'after-item' : 'after-value');
        return undefined;
      case 'number':
        if (slot !== undefined) {
          const value = slots.values[slot];
          const inRange = value !== undefined && withinMinimum(type, Number(value)) && Number(value) <= type.maximum;
          if (!inRange) return undefined;
          if (references) return references.has(slot) ? this.valueDone(current) : undefined;
          return (type.integer ? slots.integer : slots.numeric).has(slot) ? this.valueDone(current) : undefined;
        }
        if (references) return undefined;
        // A leading 0 only where a value starting with 0 can satisfy the minimum (0 itself, or 0.x).
        if (symbol === 0x30) return withinMinimum(type, 0) || (!type.integer && type.minimum < 1) ? this.with(current, { phase: 'number', partial: '0' }) : undefined;
        if (isDigit(symbol) || (symbol === 0x2d && type.minimum < 0)) return this.with(current, { phase: 'number', partial: String.fromCharCode(symbol) });
        return undefined;
      case 'array':
        return symbol === 0x5b && !inArray ? this.with(current, { phase: 'array-start', inArray: true, partial: '' }) : undefined;
    }
  }
}
