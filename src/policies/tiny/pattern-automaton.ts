/**
 * A JSON Schema `pattern` as a character automaton, so that constrained decoding can tell after
 * every character whether a string being written can still match (and whether it matches now).
 * A Thompson NFA over the regular-expression subset tool schemas use: `^…$` anchors, groups
 * (`(…)`, `(?:…)`), alternation, character classes with ranges and negation, `.`, the escapes
 * `\d \D \w \W \s \S` and escaped literals, and the quantifiers `* + ? {n} {n,} {n,m}`. Anything
 * else (lookaround, back-references, lazy quantifiers, flags) is not compiled: the caller then
 * leaves the string free, and the verifiers judge it as before.
 */

/** Where an automaton is: the sorted ids of its live states, joined by commas ('' is dead). */
export type PatternState = string;

/** A compiled pattern. */
export interface PatternAutomaton {
  /** The pattern's source. */
  readonly source: string;
  /** The state before the first character. */
  readonly initial: PatternState;
  /** The state after `character` (a UTF-16 code), `''` when no match can follow. */
  advance(state: PatternState, character: number): PatternState;
  /** The state after every character of `text`. */
  advanceText(state: PatternState, text: string): PatternState;
  /** Whether the characters read so far match the whole pattern. */
  accepts(state: PatternState): boolean;
  /** The fewest characters that make a match from `state` (0 when it matches; Infinity when dead). */
  distance(state: PatternState): number;
}

type CharacterTest = (character: number) => boolean;

type Expression =
  | { kind: 'character'; test: CharacterTest }
  | { kind: 'sequence'; items: Expression[] }
  | { kind: 'choice'; options: Expression[] }
  | { kind: 'repeat'; item: Expression; minimum: number; maximum: number };

class UnsupportedPattern extends Error {}

const isDigit: CharacterTest = (character) => character >= 0x30 && character <= 0x39;
const isWord: CharacterTest = (character) => isDigit(character) || (character >= 0x41 && character <= 0x5a) || (character >= 0x61 && character <= 0x7a) || character === 0x5f;
const isSpace: CharacterTest = (character) => character === 0x20 || (character >= 0x09 && character <= 0x0d) || character === 0xa0 || character === 0xfeff || character === 0x2028 || character === 0x2029;

/** The character class of an escape letter (`d`, `w`, `s` and their negations), if it is one. */
function classEscape(letter: string): CharacterTest | undefined {
  switch (letter) {
    case 'd':
      return isDigit;
    case 'D':
      return (character) => !isDigit(character);
    case 'w':
      return isWord;
    case 'W':
      return (character) => !isWord(character);
    case 's':
      return isSpace;
    case 'S':
      return (character) => !isSpace(character);
    default:
      return undefined;
  }
}

/** Escaped characters that stand for themselves (letters and digits would be special or back-references). */
const literalEscape = /^[\\^$.|?*+()[\]{}\-/'"#&,:;<=>@!%~`_ ]$/;

/** A recursive-descent parser of the supported subset. */
class PatternParser {
  private position = 0;

  constructor(private readonly source: string) {}

  parse(): Expression {
    const expression = this.choice();
    if (this.position !== this.source.length) throw new UnsupportedPattern(`unexpected ${this.source[this.position]}`);
    return expression;
  }

  private peek(): string | undefined {
    return this.source[this.position];
  }

  private choice(): Expression {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.position += 1;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'choice', options };
  }

  private sequence(): Expression {
    const items: Expression[] = [];
    while (this.position < this.source.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.repeat());
    return { kind: 'sequence', items };
  }

  private repeat(): Expression {
    const item = this.atom();
    const next = this.peek();
    let minimum = 1;
    let maximum = 1;
    if (next === '*' || next === '+' || next === '?') {
      this.position += 1;
      [minimum, maximum] = next === '*' ? [0, Infinity] : next === '+' ? [1, Infinity] : [0, 1];
    } else if (next === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.position));
      if (!match) throw new UnsupportedPattern('a { that is not a quantifier');
      this.position += match[0].length;
      minimum = Number(match[1]);
      maximum = match[2] === undefined ? minimum : match[3] === '' ? Infinity : Number(match[3]);
      if (maximum < minimum || minimum > 64 || (maximum !== Infinity && maximum > 64)) throw new UnsupportedPattern('a count beyond 64');
    } else {
      return item;
    }
    if (this.peek() === '?' || this.peek() === '+') throw new UnsupportedPattern('lazy or possessive quantifier');
    return { kind: 'repeat', item, minimum, maximum };
  }

  private atom(): Expression {
    const character = this.peek();
    this.position += 1;
    switch (character) {
      case '(': {
        if (this.peek() === '?') {
          if (this.source[this.position + 1] !== ':') throw new UnsupportedPattern('lookaround or named group');
          this.position += 2;
        }
        const inner = this.choice();
        if (this.peek() !== ')') throw new UnsupportedPattern('unclosed group');
        this.position += 1;
        return inner;
      }
      case '[':
        return { kind: 'character', test: this.characterClass() };
      case '.':
        return { kind: 'character', test: (code) => code !== 0x0a && code !== 0x0d && code !== 0x2028 && code !== 0x2029 };
      case '\\':
        return { kind: 'character', test: this.escape(false) };
      case '^':
      case '$':
        throw new UnsupportedPattern('an anchor inside the pattern');
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case ']':
      case undefined:
        throw new UnsupportedPattern(`unexpected ${character ?? 'end'}`);
      default: {
        const code = character.charCodeAt(0);
        return { kind: 'character', test: (other) => other === code };
      }
    }
  }

  /** After a backslash: a class escape, or a literal (as a one-character test). */
  private escape(inClass: boolean): CharacterTest {
    const letter = this.peek();
    if (letter === undefined) throw new UnsupportedPattern('a trailing backslash');
    this.position += 1;
    const test = classEscape(letter);
    if (test) return test;
    if (!literalEscape.test(letter) && !(inClass && letter === 'b')) throw new UnsupportedPattern(`the escape \\${letter}`);
    const code = letter === 'b' ? 0x08 : letter.charCodeAt(0);
    return (other) => other === code;
  }

  /** A `[...]` class after its opening bracket. */
  private characterClass(): CharacterTest {
    const negated = this.peek() === '^';
    if (negated) this.position += 1;
    const tests: CharacterTest[] = [];
    let first = true;
    while (this.peek() !== ']' || first) {
      first = false;
      const character = this.peek();
      if (character === undefined) throw new UnsupportedPattern('unclosed class');
      let low: number | undefined;
      if (character === '\\') {
        this.position += 1;
        const before = this.position;
        const test = this.escape(true);
        if (classEscape(this.source[before]!)) {
          tests.push(test);
          continue;
        }
        low = this.source[before] === 'b' ? 0x08 : this.source.charCodeAt(before);
      } else {
        if (character === '[') throw new UnsupportedPattern('a nested class');
        this.position += 1;
        low = character.charCodeAt(0);
      }
      if (this.peek() === '-' && this.source[this.position + 1] !== ']' && this.source[this.position + 1] !== undefined) {
        this.position += 1;
        let high = this.source.charCodeAt(this.position);
        if (this.peek() === '\\') {
          this.position += 1;
          const escaped = this.peek();
          if (escaped === undefined || classEscape(escaped) || !literalEscape.test(escaped)) throw new UnsupportedPattern('a class range to an escape');
          high = escaped.charCodeAt(0);
        }
        this.position += 1;
        if (high < low) throw new UnsupportedPattern('a reversed range');
        const from = low;
        tests.push((code) => code >= from && code <= high);
      } else {
        const only = low;
        tests.push((code) => code === only);
      }
    }
    this.position += 1;
    return negated ? (code) => !tests.some((test) => test(code)) : (code) => tests.some((test) => test(code));
  }
}

interface NfaState {
  readonly edges: { test: CharacterTest; to: number }[];
  readonly empty: number[];
}

class CompiledPattern implements PatternAutomaton {
  readonly initial: PatternState;
  private readonly live: boolean[];
  /** Per NFA state, the fewest characters from it to the accepting state. */
  private readonly toAccept: number[];
  private readonly transitions = new Map<string, PatternState>();

  constructor(
    readonly source: string,
    private readonly states: NfaState[],
    private readonly accept: number,
  ) {
    // A state is live when the accepting state can be reached from it (every class here is non-empty).
    const reverse: number[][] = states.map(() => []);
    states.forEach((state, from) => {
      for (const edge of state.edges) reverse[edge.to]!.push(from);
      for (const to of state.empty) reverse[to]!.push(from);
    });
    this.live = states.map(() => false);
    const stack = [accept];
    this.live[accept] = true;
    while (stack.length > 0) {
      for (const from of reverse[stack.pop()!]!) {
        if (!this.live[from]) {
          this.live[from] = true;
          stack.push(from);
        }
      }
    }
    // 0-1 breadth-first search backwards from the accepting state: empty edges cost 0, characters 1.
    this.toAccept = states.map(() => Infinity);
    this.toAccept[accept] = 0;
    const queue = [accept];
    while (queue.length > 0) {
      const state = queue.shift()!;
      states.forEach((from, index) => {
        if (from.empty.includes(state) && this.toAccept[index]! > this.toAccept[state]!) {
          this.toAccept[index] = this.toAccept[state]!;
          queue.unshift(index);
        }
        if (from.edges.some((edge) => edge.to === state) && this.toAccept[index]! > this.toAccept[state]! + 1) {
          this.toAccept[index] = this.toAccept[state]! + 1;
          queue.push(index);
        }
      });
    }
    this.initial = this.closure([0]);
  }

  distance(state: PatternState): number {
    if (state === '') return Infinity;
    return state.split(',').reduce((least, id) => Math.min(least, this.toAccept[Number(id)]!), Infinity);
  }

  private closure(starts: number[]): PatternState {
    const seen = new Set<number>();
    const stack = [...starts];
    while (stack.length > 0) {
      const state = stack.pop()!;
      if (seen.has(state)) continue;
      seen.add(state);
      stack.push(...this.states[state]!.empty);
    }
    return [...seen].filter((state) => this.live[state]).sort((a, b) => a - b).join(',');
  }

  advance(state: PatternState, character: number): PatternState {
    if (state === '') return '';
    const key = `${state}|${character}`;
    const known = this.transitions.get(key);
    if (known !== undefined) return known;
    const next: number[] = [];
    for (const id of state.split(',')) for (const edge of this.states[Number(id)]!.edges) if (edge.test(character)) next.push(edge.to);
    const result = next.length === 0 ? '' : this.closure(next);
    this.transitions.set(key, result);
    return result;
  }

  advanceText(state: PatternState, text: string): PatternState {
    let current = state;
    for (let index = 0; index < text.length && current !== ''; index++) current = this.advance(current, text.charCodeAt(index));
    return current;
  }

  accepts(state: PatternState): boolean {
    return state !== '' && state.split(',').includes(String(this.accept));
  }
}

/** Builds the NFA of `expression` from state `start`; returns its end state. */
function build(states: NfaState[], expression: Expression, start: number): number {
  const fresh = (): number => states.push({ edges: [], empty: [] }) - 1;
  switch (expression.kind) {
    case 'character': {
      const end = fresh();
      states[start]!.edges.push({ test: expression.test, to: end });
      return end;
    }
    case 'sequence':
      return expression.items.reduce((from, item) => build(states, item, from), start);
    case 'choice': {
      const end = fresh();
      for (const option of expression.options) {
        const entry = fresh();
        states[start]!.empty.push(entry);
        states[build(states, option, entry)]!.empty.push(end);
      }
      return end;
    }
    case 'repeat': {
      let from = start;
      for (let count = 0; count < expression.minimum; count++) {
        const entry = fresh();
        states[from]!.empty.push(entry);
        from = build(states, expression.item, entry);
      }
      const end = fresh();
      states[from]!.empty.push(end);
      if (expression.maximum === Infinity) {
        const entry = fresh();
        states[end]!.empty.push(entry);
        states[build(states, expression.item, entry)]!.empty.push(end);
        return end;
      }
      for (let count = expression.minimum; count < expression.maximum; count++) {
        const entry = fresh();
        states[from]!.empty.push(entry);
        from = build(states, expression.item, entry);
        states[from]!.empty.push(end);
      }
      return end;
    }
  }
}

/**
 * Compiles an anchored pattern (`^…$`) of the supported subset; `undefined` for anything else
 * (the string is then left free).
 */
export function compilePattern(source: string): PatternAutomaton | undefined {
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) return undefined;
  try {
    const expression = new PatternParser(source.slice(1, -1)).parse();
    const states: NfaState[] = [{ edges: [], empty: [] }];
    const accept = build(states, expression, 0);
    return new CompiledPattern(source, states, accept);
  } catch (error) {
    if (error instanceof UnsupportedPattern) return undefined;
    throw error;
  }
}
