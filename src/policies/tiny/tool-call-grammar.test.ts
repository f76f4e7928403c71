import { describe, expect, it } from 'vitest';
import type { OpenAiTool } from '../../trajectory/message.js';
import type { ArgumentKinds } from './argument-kinds.js';
import { loadTinyChatTemplate } from './chat-template/index.js';
import { callEndSymbol, callStartSymbol, endOfTurnSymbol, freeStringCharacterLimit, slotFacts, slotSymbol, ToolCallGrammar, type GrammarState, type SlotFacts } from './tool-call-grammar.js';

const layout = loadTinyChatTemplate().toolCall;

function tool(name: string, properties: Record<string, unknown>, required: string[] = []): OpenAiTool {
  return { type: 'function', function: { name, description: `The ${name} tool.`, parameters: { type: 'object', properties, required } } };
}

const sendMoney = tool(
  'send_money',
  {
    recipientIban: { type: 'string' },
    amount: { type: 'number', exclusiveMinimum: 0 },
    subject: { type: 'string' },
    date: { type: 'string' },
    recurring: { type: 'boolean' },
  },
  ['recipientIban', 'amount', 'subject'],
);
const setVolume = tool('set_volume', { level: { type: 'integer', minimum: 0, maximum: 100 } }, ['level']);
const setMode = tool('set_mode', { mode: { type: 'string', enum: ['quiet', 'loud'] } }, ['mode']);
const tagItems = tool('tag_items', { tags: { type: 'array', items: { type: 'string' } }, scores: { type: 'array', items: { type: 'number' } } }, ['tags']);
const adjust = tool('adjust', { delta: { type: 'number' } }, ['delta']);
const getBalance = tool('get_balance', {});
const allTools = [sendMoney, setVolume, setMode, tagItems, adjust, getBalance];

/** A piece of a turn: text (its characters) or one special symbol. */
type Piece = string | number;

interface Fed {
  /** Whether every symbol was allowed. */
  accepted: boolean;
  /** Index (in symbols) of the first symbol refused, or -1. */
  refusedAt: number;
  /** The refused symbol as text, for readable failures. */
  refused: string | undefined;
  /** Whether the turn may end at the last state reached. */
  accepts: boolean;
}

function symbolsOf(pieces: readonly Piece[]): number[] {
  return pieces.flatMap((piece) => (typeof piece === 'number' ? [piece] : Array.from({ length: piece.length }, (_, index) => piece.charCodeAt(index))));
}

/** Feeds the pieces through `advance` from the start state. */
function feed(grammar: ToolCallGrammar, pieces: readonly Piece[], slots: SlotFacts = slotFacts([])): Fed {
  const symbols = symbolsOf(pieces);
  let state: GrammarState = grammar.start;
  for (let index = 0; index < symbols.length; index++) {
    const next = grammar.advance(state, symbols[index]!, slots);
    if (next === undefined) {
      const symbol = symbols[index]!;
      return { accepted: false, refusedAt: index, refused: symbol >= 0 ? String.fromCharCode(symbol) : `#${symbol}`, accepts: grammar.accepts(state) };
    }
    state = next;
  }
  return { accepted: true, refusedAt: -1, refused: undefined, accepts: grammar.accepts(state) };
}

/** The pieces of one call of `name` with the argument object written as `body` (its pieces). */
function call(name: string, ...body: Piece[]): Piece[] {
  return [callStartSymbol, `${layout.namePrefix}"${name}"${layout.argumentsSeparator}`, ...body, layout.suffix, callEndSymbol];
}

/** How many symbols `pieces` make: the index of the symbol that follows them. */
function lengthOf(pieces: readonly Piece[]): number {
  return symbolsOf(pieces).length;
}

const grammar = new ToolCallGrammar(allTools, layout);
const validSend = '{"recipientIban":"DE89","amount":12.5,"subject":"rent"}';

describe('ToolCallGrammar: turn layout', () => {
  it('accepts a valid call and lets the turn end only after the call end', () => {
    const turn = call('send_money', validSend);
    const untilSuffix = turn.slice(0, -1);
    expect(feed(grammar, untilSuffix)).toMatchObject({ accepted: true, accepts: false });
    expect(feed(grammar, turn)).toMatchObject({ accepted: true, accepts: true });
    expect(feed(grammar, [...turn, endOfTurnSymbol])).toMatchObject({ accepted: true, accepts: false });
  });

  it('refuses anything after the end of turn', () => {
    const turn = [...call('get_balance', '{}'), endOfTurnSymbol, 'x'];
    expect(feed(grammar, turn)).toMatchObject({ accepted: false, refusedAt: lengthOf(turn) - 1 });
  });

  it('accepts several calls in one turn but no text after a call', () => {
    expect(feed(grammar, [...call('get_balance', '{}'), ...call('set_volume', '{"level":7}'), endOfTurnSymbol])).toMatchObject({ accepted: true });
    expect(feed(grammar, [...call('get_balance', '{}'), 'Done.'])).toMatchObject({ accepted: false, refused: 'D' });
  });

  it('refuses the end of turn in the middle of a call and an empty turn', () => {
    expect(feed(grammar, [callStartSymbol, `${layout.namePrefix}"get_balance"`, endOfTurnSymbol])).toMatchObject({ accepted: false, refused: `#${endOfTurnSymbol}` });
    expect(feed(grammar, [endOfTurnSymbol])).toMatchObject({ accepted: false, refusedAt: 0 });
  });

  it('accepts a plain text answer with a slot, and may end it', () => {
    const slots = slotFacts(['Ann']);
    expect(feed(grammar, ['Paid ', slotSymbol(0), ' today.'], slots)).toMatchObject({ accepted: true, accepts: true });
    expect(feed(grammar, [slotSymbol(0), ' is paid.', endOfTurnSymbol], slots)).toMatchObject({ accepted: true });
  });

  it('refuses a call start inside a text answer', () => {
    expect(feed(grammar, ['Let me check.', ...call('get_balance', '{}')])).toMatchObject({ accepted: false, refused: `#${callStartSymbol}` });
  });

  it('refuses a call start when no tools are offered, but still takes a text answer', () => {
    const toolless = new ToolCallGrammar([], layout);
    expect(feed(toolless, call('get_balance', '{}'))).toMatchObject({ accepted: false, refusedAt: 0 });
    expect(feed(toolless, ['Hello.', endOfTurnSymbol])).toMatchObject({ accepted: true });
  });

  it('refuses a slot the conversation does not hold, in text as anywhere', () => {
    expect(feed(grammar, ['Paid ', slotSymbol(1)], slotFacts(['Ann']))).toMatchObject({ accepted: false, refused: `#${slotSymbol(1)}` });
    expect(feed(grammar, [slotSymbol(0)])).toMatchObject({ accepted: false, refusedAt: 0 });
  });
});

describe('ToolCallGrammar: names and keys', () => {
  it('refuses an unknown tool name at its first impossible character', () => {
    const turn = call('steal_money', '{}');
    const prefix = `${layout.namePrefix}"`;
    expect(feed(grammar, turn)).toMatchObject({ accepted: false, refusedAt: 1 + prefix.length + 1, refused: 't' });
  });

  it('refuses a name that is only the prefix of an offered one', () => {
    expect(feed(grammar, call('send', '{}'))).toMatchObject({ accepted: false, refused: '"' });
  });

  it('refuses an unknown key', () => {
    expect(feed(grammar, call('send_money', '{"iban":"DE89","amount":1,"subject":"x"}'))).toMatchObject({ accepted: false, refused: 'i' });
    expect(feed(grammar, call('send_money', '{"amounts":1}'))).toMatchObject({ accepted: false, refused: 's' });
  });

  it('refuses a key given twice', () => {
    const repeated = '{"subject":"a","subject":"b","recipientIban":"DE89","amount":1}';
    const result = feed(grammar, call('send_money', repeated));
    expect(result).toMatchObject({ accepted: false, refused: 's' });
    expect(result.refusedAt).toBe(lengthOf([callStartSymbol, `${layout.namePrefix}"send_money"${layout.argumentsSeparator}`, '{"subject":"a","']));
  });

  it('accepts keys in any order', () => {
    expect(feed(grammar, call('send_money', '{"subject":"rent","amount":3,"recipientIban":"DE89"}'))).toMatchObject({ accepted: true, accepts: true });
  });

  it('refuses to close the arguments before every required key is given', () => {
    const result = feed(grammar, call('send_money', '{"recipientIban":"DE89","amount":12.5}'));
    expect(result).toMatchObject({ accepted: false, refused: '}' });
    expect(feed(grammar, call('set_volume', '{}'))).toMatchObject({ accepted: false, refused: '}' });
  });

  it('accepts optional keys and leaves them out', () => {
    expect(feed(grammar, call('send_money', '{"recipientIban":"DE89","amount":1,"subject":"x","date":"2024-05-01","recurring":false}'))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('get_balance', '{}'))).toMatchObject({ accepted: true });
  });

  it('refuses a key start on a tool without parameters and a comma before the first key', () => {
    expect(feed(grammar, call('get_balance', '{"x":1}'))).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(grammar, call('set_volume', '{,"level":1}'))).toMatchObject({ accepted: false, refused: ',' });
  });

  it('refuses whitespace outside strings but keeps it inside them', () => {
    expect(feed(grammar, call('set_volume', '{ "level":1}'))).toMatchObject({ accepted: false, refused: ' ' });
    expect(feed(grammar, call('set_volume', '{"level": 1}'))).toMatchObject({ accepted: false, refused: ' ' });
    expect(feed(grammar, call('set_volume', '{"level":1 }'))).toMatchObject({ accepted: false, refused: ' ' });
    expect(feed(grammar, call('send_money', '{"recipientIban":"DE89", "amount":1,"subject":"x"}'))).toMatchObject({ accepted: false, refused: ' ' });
    expect(feed(grammar, call('send_money', '{"recipientIban":"DE89","amount":1,"subject":"rent for May"}'))).toMatchObject({ accepted: true });
  });
});

describe('ToolCallGrammar: strings', () => {
  const slots = slotFacts(['DE89370400440532013000', 'Ann']);

  it('accepts a slot inside a string value, alone or among words', () => {
    expect(feed(grammar, call('send_money', '{"recipientIban":"', slotSymbol(0), '","amount":1,"subject":"for ', slotSymbol(1), ' today"}'), slots)).toMatchObject({
      accepted: true,
      accepts: true,
    });
  });

  it('refuses a slot number at or past the slot count', () => {
    const result = feed(grammar, call('send_money', '{"recipientIban":"', slotSymbol(2), '"'), slots);
    expect(result).toMatchObject({ accepted: false, refused: `#${slotSymbol(2)}` });
  });

  it('takes JSON\'s one-character escapes in a free string (a line break in code), nothing else after a backslash', () => {
    expect(feed(grammar, call('send_money', '{"recipientIban":"DE89","amount":1,"subject":"line one\\nline \\"two\\"\\\\"}'))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('send_money', '{"subject":"a\\qb"'))).toMatchObject({ accepted: false, refused: 'q' });
    expect(feed(grammar, call('send_money', '{"subject":"a\\', slotSymbol(0)), slotFacts(['Ann']))).toMatchObject({ accepted: false, refused: `#${slotSymbol(0)}` });
  });

  it('refuses raw control characters and special tokens inside a string', () => {
    expect(feed(grammar, call('send_money', '{"subject":"a\nb"'))).toMatchObject({ accepted: false, refused: '\n' });
    expect(feed(grammar, call('send_money', '{"subject":"a', endOfTurnSymbol))).toMatchObject({ accepted: false, refused: `#${endOfTurnSymbol}` });
  });

  it('refuses a string value without its opening quote', () => {
    expect(feed(grammar, call('send_money', '{"subject":rent'))).toMatchObject({ accepted: false, refused: 'r' });
  });
});

describe('ToolCallGrammar: numbers', () => {
  const prefix = (name: string, key: string): Piece[] => call(name, `{"${key}":`).slice(0, -2);

  it('accepts digits, a fraction, and a slot that stands for a number', () => {
    expect(feed(grammar, call('send_money', '{"recipientIban":"x","amount":98.70,"subject":"x"}'))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('send_money', '{"recipientIban":"x","amount":', slotSymbol(1), ',"subject":"x"}'), slotFacts(['Ann', '98.70']))).toMatchObject({ accepted: true });
  });

  it('refuses a slot that does not stand for a number', () => {
    expect(feed(grammar, call('send_money', '{"recipientIban":"x","amount":', slotSymbol(0)), slotFacts(['Ann', '98.70']))).toMatchObject({
      accepted: false,
      refused: `#${slotSymbol(0)}`,
    });
  });

  it('takes only integer slots and no fraction for an integer', () => {
    const slots = slotFacts(['98.70', '42']);
    expect(feed(grammar, call('set_volume', '{"level":', slotSymbol(1), '}'), slots)).toMatchObject({ accepted: true });
    expect(feed(grammar, call('set_volume', '{"level":', slotSymbol(0)), slots)).toMatchObject({ accepted: false, refused: `#${slotSymbol(0)}` });
    expect(feed(grammar, call('set_volume', '{"level":4.5}'))).toMatchObject({ accepted: false, refused: '.' });
  });

  it('enforces the maximum digit by digit', () => {
    expect(feed(grammar, call('set_volume', '{"level":100}'))).toMatchObject({ accepted: true });
    const over = feed(grammar, call('set_volume', '{"level":150}'));
    expect(over).toMatchObject({ accepted: false, refused: '0' });
    expect(over.refusedAt).toBe(lengthOf([...prefix('set_volume', 'level'), '15']));
  });

  it('does not let an exclusive minimum of 0 end at 0, but takes a positive fraction', () => {
    expect(feed(grammar, call('send_money', '{"recipientIban":"x","amount":0,"subject":"x"}'))).toMatchObject({ accepted: false, refused: ',' });
    expect(feed(grammar, call('send_money', '{"recipientIban":"x","subject":"x","amount":0}'))).toMatchObject({ accepted: false, refused: '}' });
    expect(feed(grammar, call('send_money', '{"recipientIban":"x","subject":"x","amount":0.5}'))).toMatchObject({ accepted: true });
  });

  it('refuses a leading minus when the minimum is not negative, and takes one otherwise', () => {
    expect(feed(grammar, call('set_volume', '{"level":-1}'))).toMatchObject({ accepted: false, refused: '-' });
    expect(feed(grammar, call('send_money', '{"amount":-1'))).toMatchObject({ accepted: false, refused: '-' });
    expect(feed(grammar, call('adjust', '{"delta":-2.5}'))).toMatchObject({ accepted: true });
  });

  it('refuses leading zeros, a trailing dot and a second dot', () => {
    expect(feed(grammar, call('adjust', '{"delta":05}'))).toMatchObject({ accepted: false, refused: '5' });
    expect(feed(grammar, call('adjust', '{"delta":5.}'))).toMatchObject({ accepted: false, refused: '}' });
    expect(feed(grammar, call('adjust', '{"delta":1.2.3}'))).toMatchObject({ accepted: false, refused: '.' });
    expect(feed(grammar, call('adjust', '{"delta":0.25}'))).toMatchObject({ accepted: true });
  });

  // An integer whose minimum is above 0 (`minimum: 1`, `exclusiveMinimum: 0`) must not take a
  // first digit `0`: nothing could follow it (a dead end, where constraining would stop).
  it('refuses a first digit 0 that no integer above the minimum can start with', () => {
    const positive = new ToolCallGrammar([tool('pick', { count: { type: 'integer', minimum: 1 } }, ['count'])], layout);
    expect(feed(positive, call('pick', '{"count":1}'))).toMatchObject({ accepted: true });
    expect(feed(positive, call('pick', '{"count":0'))).toMatchObject({ accepted: false, refused: '0' });
  });

  it('refuses a quoted number', () => {
    expect(feed(grammar, call('adjust', '{"delta":"1"}'))).toMatchObject({ accepted: false, refused: '"' });
  });
});

describe('ToolCallGrammar: enums, booleans and arrays', () => {
  it('accepts a prefix of an enum value and a whole one, refuses anything else', () => {
    expect(feed(grammar, call('set_mode', '{"mode":"qu').slice(0, -2))).toMatchObject({ accepted: true, accepts: false });
    expect(feed(grammar, call('set_mode', '{"mode":"quiet"}'))).toMatchObject({ accepted: true, accepts: true });
    expect(feed(grammar, call('set_mode', '{"mode":"quack"}'))).toMatchObject({ accepted: false, refused: 'a' });
    expect(feed(grammar, call('set_mode', '{"mode":"qu"}'))).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(grammar, call('set_mode', '{"mode":"', slotSymbol(0)), slotFacts(['quiet']))).toMatchObject({ accepted: false, refused: `#${slotSymbol(0)}` });
  });

  it('accepts true and false only', () => {
    const base = '{"recipientIban":"x","amount":1,"subject":"x","recurring":';
    expect(feed(grammar, call('send_money', `${base}true}`))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('send_money', `${base}false}`))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('send_money', `${base}tru}`))).toMatchObject({ accepted: false, refused: '}' });
    expect(feed(grammar, call('send_money', `${base}yes}`))).toMatchObject({ accepted: false, refused: 'y' });
    expect(feed(grammar, call('send_money', `${base}"true"}`))).toMatchObject({ accepted: false, refused: '"' });
  });

  it('accepts arrays of strings, empty arrays and arrays of numbers', () => {
    expect(feed(grammar, call('tag_items', '{"tags":["a","b"]}'))).toMatchObject({ accepted: true, accepts: true });
    expect(feed(grammar, call('tag_items', '{"tags":[]}'))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('tag_items', '{"tags":["a"],"scores":[1,2.5]}'))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('tag_items', '{"tags":["', slotSymbol(0), '"]}'), slotFacts(['Ann']))).toMatchObject({ accepted: true });
  });

  it('refuses malformed arrays', () => {
    expect(feed(grammar, call('tag_items', '{"tags":"a"}'))).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(grammar, call('tag_items', '{"tags":[["a"]]}'))).toMatchObject({ accepted: false, refused: '[' });
    expect(feed(grammar, call('tag_items', '{"tags":["a",]}'))).toMatchObject({ accepted: false, refused: ']' });
    expect(feed(grammar, call('tag_items', '{"tags":["a" "b"]}'))).toMatchObject({ accepted: false, refused: ' ' });
    expect(feed(grammar, call('tag_items', '{"tags":[1]}'))).toMatchObject({ accepted: false, refused: '1' });
    expect(feed(grammar, call('tag_items', '{"tags":["a"],"scores":["1"]}'))).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(grammar, call('tag_items', '{"tags":["a"}'))).toMatchObject({ accepted: false, refused: '}' });
  });
});

describe('ToolCallGrammar: argument kinds', () => {
  const kinds: ArgumentKinds = { 'send_money.recipientIban': { kinds: ['iban'], share: 1, count: 10 } };
  const known = new ToolCallGrammar(allTools, layout, kinds);
  const slots = slotFacts(['DE89370400440532013000', 'Ann'], ['iban', 'person']);
  const start: Piece[] = ['{"recipientIban":"'];

  it('writes a reference argument as exactly one slot of its kind, then the closing quote', () => {
    expect(feed(known, call('send_money', ...start, slotSymbol(0), '","amount":1,"subject":"x"}'), slots)).toMatchObject({ accepted: true, accepts: true });
    expect(feed(known, call('send_money', ...start, slotSymbol(1)), slots)).toMatchObject({ accepted: false, refused: `#${slotSymbol(1)}` });
    expect(feed(known, call('send_money', ...start, 'D'), slots)).toMatchObject({ accepted: false, refused: 'D' });
    expect(feed(known, call('send_money', ...start, '"'), slots)).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(known, call('send_money', ...start, slotSymbol(0), slotSymbol(0)), slots)).toMatchObject({ accepted: false, refused: `#${slotSymbol(0)}` });
    expect(feed(known, call('send_money', ...start, slotSymbol(0), ' x"'), slots)).toMatchObject({ accepted: false, refused: ' ' });
  });

  it('leaves the value free when no seen slot has the kind', () => {
    const noIban = slotFacts(['Ann'], ['person']);
    expect(feed(known, call('send_money', ...start, 'DE89 for ', slotSymbol(0), '","amount":1,"subject":"x"}'), noIban)).toMatchObject({ accepted: true });
    expect(feed(known, call('send_money', ...start, 'DE89","amount":1,"subject":"x"}'), slotFacts([]))).toMatchObject({ accepted: true });
  });

  it('treats a slot of unknown kind as no reference', () => {
    const unknownKind = slotFacts(['DE89370400440532013000'], [undefined]);
    expect(feed(known, call('send_money', ...start, 'typed","amount":1,"subject":"x"}'), unknownKind)).toMatchObject({ accepted: true });
  });

  it('does not constrain the same argument without argument kinds', () => {
    expect(feed(grammar, call('send_money', ...start, 'DE89","amount":1,"subject":"x"}'), slots)).toMatchObject({ accepted: true });
  });

  it('drops optional parameters a known tool never used, keeps its required ones', () => {
    expect(feed(known, call('send_money', '{"date":"2024-05-01"'), slots)).toMatchObject({ accepted: false, refused: 'd' });
    expect(feed(known, call('send_money', '{"recurring":true'), slots)).toMatchObject({ accepted: false, refused: 'u' }); // "r" still begins recipientIban
    // Once every kept key is given, not even a comma is offered.
    const complete = '{"subject":"x","amount":1,"recipientIban":"';
    expect(feed(known, call('send_money', complete, slotSymbol(0), '","date":"2024-05-01"}'), slots)).toMatchObject({ accepted: false, refused: ',' });
    expect(feed(known, call('send_money', complete, slotSymbol(0), '"}'), slots)).toMatchObject({ accepted: true, accepts: true });
  });

  it('keeps every key of a tool absent from the argument kinds', () => {
    expect(feed(known, call('tag_items', '{"tags":["a"],"scores":[1]}'), slots)).toMatchObject({ accepted: true });
  });

  it('keeps an optional parameter that the argument kinds list, even without kinds', () => {
    const listed = new ToolCallGrammar(allTools, layout, { ...kinds, 'send_money.date': { share: 0, count: 8 } });
    expect(feed(listed, call('send_money', '{"date":"tomorrow","recipientIban":"', slotSymbol(0), '","amount":1,"subject":"x"}'), slots)).toMatchObject({
      accepted: true,
    });
  });

  it('writes a number reference as one numeric slot of its kind, without digits', () => {
    const numberKinds: ArgumentKinds = { 'send_money.amount': { kinds: ['amount'], share: 1, count: 10 } };
    const numbers = new ToolCallGrammar(allTools, layout, numberKinds);
    const amounts = slotFacts(['98.70', 'Ann', '12'], ['amount', 'person', 'date']);
    const before = '{"recipientIban":"x","subject":"y","amount":';
    expect(feed(numbers, call('send_money', before, slotSymbol(0), '}'), amounts)).toMatchObject({ accepted: true });
    expect(feed(numbers, call('send_money', before, slotSymbol(2)), amounts)).toMatchObject({ accepted: false, refused: `#${slotSymbol(2)}` });
    expect(feed(numbers, call('send_money', before, '5'), amounts)).toMatchObject({ accepted: false, refused: '5' });
  });
});

describe('ToolCallGrammar: identifier shapes', () => {
  const shareFile = tool('share_file', { fileId: { type: 'string' }, email: { type: 'string' } }, ['fileId', 'email']);
  const shaped: ArgumentKinds = { 'share_file.fileId': { kinds: ['identifier'], identifierShapes: ['file'], share: 1, count: 10 } };
  const values = ['email-11', 'file-12', '@ann.lee'];
  const slots = slotFacts(values, ['identifier', 'identifier', 'identifier'], ['email', 'file', '*']);
  const start: Piece[] = ['{"fileId":"'];

  it('offers only identifier slots of the shapes the argument was learned with', () => {
    const grammar = new ToolCallGrammar([shareFile], layout, shaped);
    expect(feed(grammar, call('share_file', ...start, slotSymbol(1), '","email":"a@b.org"}'), slots)).toMatchObject({ accepted: true, accepts: true });
    expect(feed(grammar, call('share_file', ...start, slotSymbol(0)), slots)).toMatchObject({ accepted: false, refused: `#${slotSymbol(0)}` });
    expect(feed(grammar, call('share_file', ...start, slotSymbol(2)), slots)).toMatchObject({ accepted: false, refused: `#${slotSymbol(2)}` });
  });

  it('takes any identifier when the argument has no learned shapes (an older checkpoint) or the slots none', () => {
    const unshaped = new ToolCallGrammar([shareFile], layout, { 'share_file.fileId': { kinds: ['identifier'], share: 1, count: 10 } });
    expect(feed(unshaped, call('share_file', ...start, slotSymbol(0), '","email":"a@b.org"}'), slots)).toMatchObject({ accepted: true });
    const grammar = new ToolCallGrammar([shareFile], layout, shaped);
    expect(feed(grammar, call('share_file', ...start, slotSymbol(0), '","email":"a@b.org"}'), slotFacts(values, ['identifier', 'identifier', 'identifier']))).toMatchObject({ accepted: true });
  });

  it('leaves the value free when no slot in view has a learned shape', () => {
    const grammar = new ToolCallGrammar([shareFile], layout, shaped);
    const noFile = slotFacts(['email-11'], ['identifier'], ['email']);
    expect(feed(grammar, call('share_file', ...start, 'file-3","email":"a@b.org"}'), noFile)).toMatchObject({ accepted: true });
  });
});

describe('ToolCallGrammar: string patterns', () => {
  const url = '^https?:\\/\\/[^\\s/]+\\.[^\\s/]+\\S*$';
  const emailPattern = "^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$";
  const getWebpage = tool('get_webpage', { url: { type: 'string', pattern: url } }, ['url']);
  const invite = tool('invite', { emails: { type: 'array', items: { type: 'string', format: 'email', pattern: emailPattern } }, note: { type: 'string', pattern: '^(?!x).*$' } }, ['emails']);
  const patterned = new ToolCallGrammar([getWebpage, invite], layout);

  it('refuses a backslash inside a string with a pattern', () => {
    expect(feed(patterned, call('get_webpage', '{"url":"https://a.org/\\n'))).toMatchObject({ accepted: false, refused: '\\' });
  });

  it('writes a string with a pattern only inside it, and closes it only on a match', () => {
    expect(feed(patterned, call('get_webpage', '{"url":"https://news.example.com/a?b=1"}'))).toMatchObject({ accepted: true });
    expect(feed(patterned, call('get_webpage', '{"url":"www.example.com"}'))).toMatchObject({ accepted: false, refused: 'w' });
    expect(feed(patterned, call('get_webpage', '{"url":"https://example"}'))).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(patterned, call('get_webpage', '{"url":"https://exa mple.com"}'))).toMatchObject({ accepted: false, refused: ' ' });
    expect(feed(patterned, call('invite', '{"emails":["ann@example.com","bo.b@mail.example.org"]}'))).toMatchObject({ accepted: true });
    expect(feed(patterned, call('invite', '{"emails":["ann@example"]}'))).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(patterned, call('invite', '{"emails":["ann at example.com"]}'))).toMatchObject({ accepted: false, refused: ' ' });
  });

  it('takes a slot in a patterned string as the characters of its value', () => {
    const slots = slotFacts(['https://shop.example.net/deal', 'Ann Smith', 'example.net']);
    expect(feed(patterned, call('get_webpage', '{"url":"', slotSymbol(0), '"}'), slots)).toMatchObject({ accepted: true });
    expect(feed(patterned, call('get_webpage', '{"url":"https://', slotSymbol(2), '/x"}'), slots)).toMatchObject({ accepted: true });
    expect(feed(patterned, call('get_webpage', '{"url":"', slotSymbol(1)), slots)).toMatchObject({ accepted: false, refused: `#${slotSymbol(1)}` });
  });

  it('keeps a string with a minimum length open until it is that long', () => {
    const named = new ToolCallGrammar([tool('create_account', { displayName: { type: 'string', minLength: 2 } }, ['displayName'])], layout);
    expect(feed(named, call('create_account', '{"displayName":""}'))).toMatchObject({ accepted: false, refusedAt: lengthOf([callStartSymbol, `${layout.namePrefix}"create_account"${layout.argumentsSeparator}{"displayName":"`]) });
    expect(feed(named, call('create_account', '{"displayName":"a"}'))).toMatchObject({ accepted: false, refused: '"' });
    expect(feed(named, call('create_account', '{"displayName":"ab"}'))).toMatchObject({ accepted: true });
    // The memo key tells a too-short string from a long enough one.
    const at = (text: string): GrammarState => {
      let state: GrammarState = named.start;
      for (const symbol of symbolsOf(call('create_account', text).slice(0, -2))) state = named.advance(state, symbol, slotFacts([]))!;
      return state;
    };
    expect(named.key(at('{"displayName":"a'))).not.toBe(named.key(at('{"displayName":"ab')));
    expect(named.key(at('{"displayName":"ab'))).toBe(named.key(at('{"displayName":"abc')));
  });

  it('keeps a string within its maximum length, and leaves a pattern room to match before the character limit', () => {
    const short = new ToolCallGrammar([tool('set_code', { code: { type: 'string', maxLength: 5 } }, ['code'])], layout);
    expect(feed(short, call('set_code', '{"code":"abcde"}'))).toMatchObject({ accepted: true });
    expect(feed(short, call('set_code', '{"code":"abcdef"}'))).toMatchObject({ accepted: false, refused: 'f' });
    // A slot counts as the characters of its value.
    expect(feed(short, call('set_code', '{"code":"ab', slotSymbol(0)), slotFacts(['xyzw']))).toMatchObject({ accepted: false, refused: `#${slotSymbol(0)}` });
    // An e-mail address needs at least "@a.bc" after its local part: the local part stops 5 short of the limit.
    const local = 'a'.repeat(freeStringCharacterLimit - 5);
    expect(feed(patterned, call('invite', `{"emails":["${local}@b.co"]}`))).toMatchObject({ accepted: true });
    expect(feed(patterned, call('invite', `{"emails":["${local}a`))).toMatchObject({ accepted: false, refused: 'a' });
  });

  it('leaves a string free when its pattern is beyond the supported subset', () => {
    expect(feed(patterned, call('invite', '{"emails":["a@b.co"],"note":"x anything"}'))).toMatchObject({ accepted: true });
  });
});

describe('ToolCallGrammar: closing a call', () => {
  /** Feeds `prefix` with `advance`, then `rest` with `advanceClosing`; the first refused symbol of `rest`, or null. */
  function closing(prefix: Piece[], rest: string, slots: SlotFacts = slotFacts([])): string | null {
    let state: GrammarState = grammar.start;
    for (const symbol of symbolsOf(prefix)) state = grammar.advance(state, symbol, slots)!;
    for (const symbol of symbolsOf([rest])) {
      const next = grammar.advanceClosing(state, symbol, slots);
      if (next === undefined) return String.fromCharCode(symbol);
      state = next;
    }
    return null;
  }
  const start = (body: string): Piece[] => [callStartSymbol, `${layout.namePrefix}"send_money"${layout.argumentsSeparator}`, body];

  it('closes a free string at once, ends arrays and writes only the required keys still missing', () => {
    expect(closing(start('{"subject":"rent'), 'x')).toBe('x');
    expect(closing(start('{"subject":"rent'), '","recipientIban":"","amount":1}')).toBeNull();
    // The optional date may not start; a required key may.
    expect(closing(start('{"subject":"rent"'), ',"d')).toBe('d');
    expect(closing(start('{"subject":"rent","recipientIban":"x","amount":1'), ',')).toBe(',');
    expect(closing(start('{"subject":"rent","recipientIban":"x","amount":1'), '}')).toBeNull();
    const tags: Piece[] = [callStartSymbol, `${layout.namePrefix}"tag_items"${layout.argumentsSeparator}`, '{"tags":["a"'];
    expect(closing(tags, ',')).toBe(',');
    expect(closing(tags, ']}')).toBeNull();
  });
});

describe('ToolCallGrammar: key', () => {
  it('tells apart states whose futures differ and matches states that share one', () => {
    const at = (pieces: Piece[]): GrammarState => {
      let state: GrammarState = grammar.start;
      for (const symbol of symbolsOf(pieces)) state = grammar.advance(state, symbol, slotFacts([]))!;
      return state;
    };
    const afterSubject = at(call('send_money', '{"subject":"a"').slice(0, -2));
    const afterAmount = at(call('send_money', '{"amount":1,').slice(0, -2));
    const inString = at(call('send_money', '{"subject":"abc').slice(0, -2));
    const inLongerString = at(call('send_money', '{"subject":"abcdef').slice(0, -2));
    expect(grammar.key(afterSubject)).not.toBe(grammar.key(afterAmount));
    expect(grammar.key(inString)).toBe(grammar.key(inLongerString));
  });

  it('closes a free string at the character limit, so a turn never ends inside one', () => {
    const grammar = new ToolCallGrammar([sendMoney], layout);
    const prefix = `{"recipientIban":"`;
    const full = 'x'.repeat(freeStringCharacterLimit);
    expect(feed(grammar, call('send_money', `${prefix}${full}","amount":5,"subject":"s"}`))).toMatchObject({ accepted: true });
    expect(feed(grammar, call('send_money', `${prefix}${full}x`))).toMatchObject({ accepted: false, refused: 'x' });
  });
});

describe('ToolCallGrammar: syntax slips', () => {
  const slipping = new ToolCallGrammar(allTools, layout, {}, { slips: true });
  const opening = [callStartSymbol, `${layout.namePrefix}"send_money"${layout.argumentsSeparator}`];

  it('are refused by default: every call let through parses', () => {
    expect(feed(grammar, [...opening, '{recipientIban":"DE89"']).refused).toBe('r');
    expect(feed(grammar, [...opening, '{"recipientIban":"DE', callEndSymbol]).refused).toBe('#-2');
  });

  it('let the first key begin without its opening quote, the key still one of the tool\'s', () => {
    const slipped = feed(slipping, [...opening, '{recipientIban":"DE89","amount":12.5,"subject":"rent"}', layout.suffix, callEndSymbol, endOfTurnSymbol]);
    expect(slipped.accepted).toBe(true);
    expect(feed(slipping, [...opening, '{colour":"red"'])).toMatchObject({ accepted: false, refused: 'c' });
    // Only the first key: a later key keeps its quote.
    expect(feed(slipping, [...opening, '{"recipientIban":"DE89",amount']).refused).toBe('a');
  });

  it('let a call end before its arguments close: inside a string, after a value, before the closing brace', () => {
    // The template's closing suffix may come early too (`}` where a value or a comma belongs).
    for (const body of ['{"recipientIban":"DE', '{"recipientIban":"DE89"', '{"recipientIban":"DE89","amount":12.5,"subject":"rent"}', '{"recipientIban":', '{', `{"recipientIban":${layout.suffix}`, `{"recipientIban":"DE89"${layout.suffix}`, `{"amount":12${layout.suffix}`]) {
      const cut = feed(slipping, [...opening, body, callEndSymbol]);
      expect(cut, body).toMatchObject({ accepted: true, accepts: true });
      // The turn goes on after the cut call as after any call.
      expect(feed(slipping, [...opening, body, callEndSymbol, ...call('get_balance', '{}'), endOfTurnSymbol]).accepted, body).toBe(true);
    }
  });

  it('never cut a call before its arguments begin, nor change which tool, key or value is allowed', () => {
    expect(feed(slipping, [callStartSymbol, `${layout.namePrefix}"send_mo`, callEndSymbol]).accepted).toBe(false);
    expect(feed(slipping, [callStartSymbol, `${layout.namePrefix}"send_money"`, callEndSymbol]).accepted).toBe(false);
    expect(feed(slipping, [...call('send_money', '{"recipientIban":"DE89","amount":"12.5","subject":"rent"}')]).refused).toBe('"');
    expect(feed(slipping, [...call('send_monkey', validSend)]).accepted).toBe(false);
    expect(feed(slipping, call('send_money', validSend)).accepted).toBe(true);
  });
});
