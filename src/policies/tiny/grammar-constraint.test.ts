import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEpisodes, type Episode } from '../../agent/loop.js';
import type { Entity } from '../../envs/entity.js';
import { tokenizerFromJson } from '../../nn/tokenizer/index.js';
import { generateTasks } from '../../suites/generate.js';
import type { AssistantMessage, ChatMessage, OpenAiTool } from '../../trajectory/message.js';
import { scriptedBehaviours } from '../scripted/behaviours.js';
import { ScriptedPolicy } from '../scripted/scripted-policy.js';
import { argumentKindsFile, identifierShape, learnArgumentKinds, readArgumentKinds, recordIdKind, recordIdTest, slotIdentifierShapes, writeArgumentKinds, type ArgumentKinds, type KindSource } from './argument-kinds.js';
import { loadTinyChatTemplate, renderConversation, templateTokenIds } from './chat-template/index.js';
import { GrammarConstraint } from './grammar-constraint.js';

const tokenizer = tokenizerFromJson(JSON.parse(readFileSync(new URL('../../../models/base/tokenizer.json', import.meta.url), 'utf8')));
const template = loadTinyChatTemplate();
const ids = templateTokenIds(tokenizer, template);

/** One assistant turn of a rendered trajectory, with what the policy knew when it began. */
interface Turn {
  taskId: string;
  tools: readonly OpenAiTool[];
  entities: readonly Entity[];
  /** The message the turn renders. */
  message: AssistantMessage;
  /** The turn's tokens, from after the assistant role marker through its end-of-turn. */
  tokens: number[];
  /** The values of the slots the prompt before the turn used. */
  slotValues: readonly (string | undefined)[];
}

/** Splits a trajectory, as the template renders it, into its assistant turns. */
function assistantTurns(episode: Episode): Turn[] {
  const { tools, messages } = episode.trajectory;
  const assistantMessages = messages.filter((message): message is AssistantMessage => message.role === 'assistant');
  const rendered = renderConversation(messages, tools, episode.task.entities, { tokenizer });
  const slotIds = new Set(ids.slots);
  const seenSlots = new Set<number>();
  const turns: Turn[] = [];
  let index = 0;
  while (index < rendered.tokenIds.length) {
    const id = rendered.tokenIds[index]!;
    if (id === ids.named.assistant) {
      const slotValues = rendered.slotMap.values.map((value, slot) => (seenSlots.has(ids.slots[slot]!) ? value : undefined));
      const tokens: number[] = [];
      index += 1;
      while (index < rendered.tokenIds.length && rendered.assistantMask[index] === 1) {
        const token = rendered.tokenIds[index]!;
        tokens.push(token);
        if (slotIds.has(token)) seenSlots.add(token);
        index += 1;
      }
      turns.push({ taskId: episode.task.id, tools, entities: episode.task.entities, message: assistantMessages[turns.length]!, tokens, slotValues });
      continue;
    }
    if (slotIds.has(id)) seenSlots.add(id);
    index += 1;
  }
  expect(turns).toHaveLength(assistantMessages.length);
  return turns;
}

/** The position of the turn's first slot that the prompt before it never used, or -1. */
function firstNewSlot(turn: Turn): number {
  return turn.tokens.findIndex((token) => {
    const slot = ids.slots.indexOf(token);
    return slot >= 0 && turn.slotValues[slot] === undefined;
  });
}

/**
 * Whether a call of the turn leaves out a parameter its schema lists as required but gives a
 * default: the tool schemas are written in zod's output mode, which lists defaulted parameters
 * as required, while the executor (and so the oracle) lets them be left out.
 */
function omitsDefaultedParameter(turn: Turn): boolean {
  return (turn.message.tool_calls ?? []).some((call) => {
    const tool = turn.tools.find((candidate) => candidate.function.name === call.function.name);
    const schema = tool?.function.parameters as { properties?: Record<string, { default?: unknown }>; required?: string[] } | undefined;
    const given = JSON.parse(call.function.arguments) as Record<string, unknown>;
    return (schema?.required ?? []).some((name) => schema?.properties?.[name]?.default !== undefined && !(name in given));
  });
}

/** The position where the grammar first refuses a turn's token (or stops constraining), or -1 when it allows them all. */
function refusalPosition(turn: Turn, argumentKinds: ArgumentKinds, slips = false): number {
  const constraint = new GrammarConstraint(tokenizer, template, { tools: turn.tools, entities: turn.entities }, turn.slotValues, argumentKinds, { slips });
  for (let position = 0; position < turn.tokens.length; position++) {
    if (!constraint.allowed(turn.tokens.slice(0, position))?.includes(turn.tokens[position]!)) return position;
  }
  return -1;
}

/** A readable account of a refusal, for the failure message. */
function describeRefusal(turn: Turn, position: number): string {
  const before = tokenizer.decode(turn.tokens.slice(0, position));
  return `${turn.taskId}: after ${JSON.stringify(before)} the grammar refuses ${JSON.stringify(tokenizer.decode([turn.tokens[position]!]))}`;
}

describe('GrammarConstraint on oracle trajectories', () => {
  let turns: Turn[];
  let episodes: Episode[];
  let argumentKinds: ArgumentKinds;

  beforeAll(async () => {
    const tasks = generateTasks({ suite: 'all', split: 'train', seed: 3 }).filter((_, index) => index % 25 === 0);
    episodes = await runEpisodes(tasks, new ScriptedPolicy('scripted:oracle', scriptedBehaviours.oracle!.plan));
    turns = episodes.flatMap(assistantTurns);
    // A low minimum count, so that this small sample still makes many arguments references.
    argumentKinds = learnArgumentKinds(
      episodes.map((episode) => ({ messages: episode.trajectory.messages, entities: episode.task.entities })),
      template,
      { minimumCount: 2 },
    );
  });

  /**
   * The turns a grammar-constrained policy could have written: every slot it uses stands for a
   * value already (the oracle also knows values the prompt never showed, or whose mention a
   * tool result lost to truncation).
   */
  const writableTurns = (): Turn[] => turns.filter((turn) => firstNewSlot(turn) < 0);

  it('plays enough turns of both kinds to mean something', () => {
    const writable = writableTurns();
    expect(writable.filter((turn) => turn.tokens[0] === ids.named.toolCallStart).length).toBeGreaterThanOrEqual(20);
    expect(writable.filter((turn) => turn.tokens[0] !== ids.named.toolCallStart).length).toBeGreaterThanOrEqual(10);
    expect(writable.length).toBeGreaterThan(turns.length / 2);
    expect(Object.values(argumentKinds).filter((entry) => entry.kinds !== undefined).length).toBeGreaterThanOrEqual(5);
    expect(Object.values(argumentKinds).filter((entry) => entry.identifierShapes !== undefined).length).toBeGreaterThanOrEqual(2);
    for (const turn of turns) expect(turn.tokens.at(-1)).toBe(ids.named.endOfTurn);
  });

  it('allows every token of every oracle turn, without argument kinds', () => {
    const refusals = writableTurns().flatMap((turn) => {
      const position = refusalPosition(turn, {});
      return position < 0 ? [] : [describeRefusal(turn, position)];
    });
    expect(refusals).toEqual([]);
  });

  it('allows every token of every oracle turn, with the argument kinds learnt from them', () => {
    const refusals = writableTurns().flatMap((turn) => {
      const position = refusalPosition(turn, argumentKinds);
      return position < 0 ? [] : [describeRefusal(turn, position)];
    });
    expect(refusals).toEqual([]);
  });

  it('lets the argument kinds narrow some positions of those turns to fewer tokens than the schema alone', () => {
    let narrowed = 0;
    for (const turn of writableTurns()) {
      const request = { tools: turn.tools, entities: turn.entities };
      const free = new GrammarConstraint(tokenizer, template, request, turn.slotValues);
      const kinded = new GrammarConstraint(tokenizer, template, request, turn.slotValues, argumentKinds);
      for (let position = 0; position < turn.tokens.length; position++) {
        const generated = turn.tokens.slice(0, position);
        if (kinded.allowed(generated)!.length < free.allowed(generated)!.length) narrowed += 1;
      }
    }
    expect(narrowed).toBeGreaterThanOrEqual(10);
  });

  it('refuses a slot that stands for nothing yet, exactly where the turn first uses it', () => {
    const introducing = turns.filter((turn) => firstNewSlot(turn) >= 0);
    expect(introducing.length).toBeGreaterThan(0);
    for (const turn of introducing) expect(refusalPosition(turn, argumentKinds), describeRefusal(turn, firstNewSlot(turn))).toBe(firstNewSlot(turn));
  });

  // The corpus breaks a call as a model writing calls by hand does: the first quote dropped, or
  // the arguments cut one to four characters before their end.
  it('with slips, allows the oracle turns with a call broken as the corpus breaks them; without, refuses them', () => {
    const breakages: [string, (json: string) => string][] = [
      ['first quote dropped', (json) => json.replace('"', '')],
      ...[1, 2, 3, 4].map((cut): [string, (json: string) => string] => [`last ${cut} characters cut`, (json) => json.slice(0, Math.max(1, json.length - cut))]),
    ];
    let broken = 0;
    const refusals: string[] = [];
    for (const episode of episodes) {
      const messages = episode.trajectory.messages;
      const index = messages.findIndex((message) => message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0 && message.tool_calls![0]!.function.arguments.includes('"'));
      if (index < 0) continue;
      for (const [name, breakage] of breakages) {
        const message = messages[index] as AssistantMessage;
        const [first, ...rest] = message.tool_calls!;
        const brokenMessage: AssistantMessage = { ...message, tool_calls: [{ ...first!, function: { ...first!.function, arguments: breakage(first!.function.arguments) } }, ...rest] };
        const brokenEpisode = { ...episode, trajectory: { ...episode.trajectory, messages: messages.map((item, position) => (position === index ? brokenMessage : item)) } };
        const turn = assistantTurns(brokenEpisode).find((candidate) => candidate.message === brokenMessage)!;
        // A cut into an entity's value leaves part of it as text where a slot stood: slots are whole or absent.
        const slotCount = (tokens: readonly number[]): number => tokens.filter((token) => ids.slots.includes(token)).length;
        const original = turns.find((candidate) => candidate.message === message)!;
        if (firstNewSlot(turn) >= 0 || slotCount(turn.tokens) < slotCount(original.tokens)) continue;
        broken += 1;
        const withSlips = refusalPosition(turn, argumentKinds, true);
        if (withSlips >= 0) refusals.push(`${name}: ${describeRefusal(turn, withSlips)}`);
        if (refusalPosition(turn, argumentKinds) < 0) refusals.push(`${name}: ${turn.taskId} allowed without slips`);
      }
    }
    expect(broken).toBeGreaterThanOrEqual(30);
    expect(refusals).toEqual([]);
  });

  // zod's output-mode JSON Schema lists parameters with a default (`limit`, `offset`, `note`, ...)
  // as required; the grammar lets them be left out, as the executor, the oracle and the corpus do.
  it('allows oracle calls that leave out a parameter with a default', () => {
    const omitting = turns.filter((turn) => firstNewSlot(turn) < 0 && omitsDefaultedParameter(turn));
    expect(omitting.length).toBeGreaterThan(0);
    const refusals = omitting.flatMap((turn) => {
      const position = refusalPosition(turn, {});
      return position < 0 ? [] : [describeRefusal(turn, position)];
    });
    expect(refusals).toEqual([]);
  });
});

/** A function tool whose one parameter is required. */
function toolWithOneParameter(name: string, parameter: string, schema: Record<string, unknown>): OpenAiTool {
  return { type: 'function', function: { name, description: `The ${name} tool.`, parameters: { type: 'object', properties: { [parameter]: schema }, required: [parameter] } } };
}

describe('GrammarConstraint', () => {
  const tools = [toolWithOneParameter('read_file', 'file_name', { type: 'string' })];
  const request = { tools, entities: [] as Entity[] };

  it('offers the call start and text at the start, and only slots the conversation holds', () => {
    const constraint = new GrammarConstraint(tokenizer, template, request, ['notes.txt', 'Ann']);
    const allowed = [...constraint.allowed([])!];
    expect(allowed).toContain(ids.named.toolCallStart);
    expect(allowed).toContain(ids.slots[1]);
    expect(allowed).not.toContain(ids.slots[2]);
    for (const name of ['endOfTurn', 'toolCallEnd', 'user', 'assistant', 'padding', 'endOfSequence'] as const) expect(allowed).not.toContain(ids.named[name]);
  });

  it('offers no call start when no tools are offered', () => {
    const constraint = new GrammarConstraint(tokenizer, template, { tools: [], entities: [] }, []);
    expect(constraint.allowed([])).not.toContain(ids.named.toolCallStart);
  });

  it('spells the offered tool name inside a call', () => {
    const constraint = new GrammarConstraint(tokenizer, template, request, []);
    const generated = [ids.named.toolCallStart, ...tokenizer.encode(`${template.toolCall.namePrefix}"`)];
    const allowed = constraint.allowed(generated)!;
    const spelled = [...allowed].map((id) => tokenizer.decode([id]));
    expect(spelled.length).toBeGreaterThan(0);
    for (const text of spelled) expect(`read_file"${template.toolCall.argumentsSeparator}{`.startsWith(text)).toBe(true);
  });

  it('constrains nothing once a token left the grammar, at that position and later ones', () => {
    const constraint = new GrammarConstraint(tokenizer, template, request, []);
    const hello = tokenizer.encode('hello');
    const afterCallStart = constraint.allowed([ids.named.toolCallStart])!;
    expect(afterCallStart.length).toBeGreaterThan(0);
    expect(afterCallStart).not.toContain(hello[0]);
    const broken = [ids.named.toolCallStart, ...hello];
    expect(constraint.allowed(broken)).toBeUndefined();
    expect(constraint.allowed([...broken, ...tokenizer.encode(' world')])).toBeUndefined();
    // The positions before the break are still constrained.
    expect(constraint.allowed([ids.named.toolCallStart])).toEqual(afterCallStart);
  });

  it('tells argument values (where the argument temperature applies) from the choice of text, tool and key', () => {
    const constraint = new GrammarConstraint(tokenizer, template, request, []);
    const prefix = [ids.named.toolCallStart, ...tokenizer.encode(`${template.toolCall.namePrefix}"read_file"${template.toolCall.argumentsSeparator}{"file_name":`)];
    expect(constraint.inArgumentValue([])).toBe(false);
    expect(constraint.inArgumentValue([ids.named.toolCallStart])).toBe(false);
    expect(constraint.inArgumentValue(prefix.slice(0, 3))).toBe(false);
    expect(constraint.inArgumentValue(prefix)).toBe(true);
    expect(constraint.inArgumentValue([...prefix, ...tokenizer.encode('"notes')])).toBe(true);
    expect(constraint.inArgumentValue([...prefix, ...tokenizer.encode('"notes"}')])).toBe(false);
    expect(constraint.inArgumentValue(tokenizer.encode('Hello there'))).toBe(false);
  });

  it('lets a free string only close when the turn is closing', () => {
    const constraint = new GrammarConstraint(tokenizer, template, request, []);
    const generated = [ids.named.toolCallStart, ...tokenizer.encode(`${template.toolCall.namePrefix}"read_file"${template.toolCall.argumentsSeparator}{"file_name":"notes`)];
    const roomy = [...constraint.allowed(generated, false)!];
    const tight = [...constraint.allowed(generated, true)!];
    expect(roomy.some((id) => !tokenizer.decode([id]).startsWith('"'))).toBe(true);
    expect(tight.length).toBeGreaterThan(0);
    expect(tight.every((id) => tokenizer.decode([id]).startsWith('"'))).toBe(true);
    expect(roomy).toEqual(expect.arrayContaining(tight));
    // Outside a string the budget changes nothing.
    expect(constraint.allowed([ids.named.toolCallStart], true)).toEqual(constraint.allowed([ids.named.toolCallStart]));
  });

  it('when closing, brings an unmatched patterned string closer to a match', () => {
    const invite = [toolWithOneParameter('invite_user', 'email', { type: 'string', format: 'email', pattern: '^[a-z]+@[a-z]+\\.[a-z]{2,}$' })];
    const constraint = new GrammarConstraint(tokenizer, template, { tools: invite, entities: [] }, []);
    const generated = [ids.named.toolCallStart, ...tokenizer.encode(`${template.toolCall.namePrefix}"invite_user"${template.toolCall.argumentsSeparator}{"email":"ann`)];
    const roomy = [...constraint.allowed(generated, false)!].map((id) => tokenizer.decode([id]));
    const tight = [...constraint.allowed(generated, true)!].map((id) => tokenizer.decode([id]));
    expect(roomy.some((text) => /^[a-z]+$/.test(text))).toBe(true);
    expect(tight).toContain('@');
    // Only tokens that shorten the way to a match: no more letters before the "@", no closing quote yet.
    expect(tight.every((text) => text.startsWith('@'))).toBe(true);
  });

  it('constrains nothing after a special token that is never allowed', () => {
    const constraint = new GrammarConstraint(tokenizer, template, request, []);
    expect(constraint.allowed([ids.named.user])).toBeUndefined();
    expect(constraint.allowed([ids.named.user, ...tokenizer.encode('hi')])).toBeUndefined();
  });
});

function sendMoneyCall(id: string, iban: string, subject: string): ChatMessage {
  return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'send_money', arguments: JSON.stringify({ recipient: iban, amount: 12, subject }) } }] };
}

describe('learnArgumentKinds', () => {
  const ibans = ['DE89370400440532013000', 'GB33BUKB20201555555555', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'ES9121000418450200051332'];
  const sources: KindSource[] = ibans.map((iban, index) => ({
    messages: [{ role: 'user', content: 'Pay the bill.' }, sendMoneyCall(`call_${index}`, iban, `invoice ${index} for March`)],
    entities: [
      { kind: 'iban', value: iban, role: 'payee' },
      { kind: 'person', value: 'Ann', role: 'user' },
    ],
  }));

  it('gives kinds to a parameter whose values are always one registered entity, and none to free text', () => {
    const kinds = learnArgumentKinds(sources, template);
    expect(kinds['send_money.recipient']).toEqual({ kinds: ['iban'], share: 1, count: 5 });
    expect(kinds['send_money.subject']).toEqual({ share: 0, count: 5 });
    expect(kinds['send_money.amount']?.kinds).toBeUndefined();
  });

  it('gives no kinds below the minimum count or share', () => {
    expect(learnArgumentKinds(sources.slice(0, 4), template)['send_money.recipient']).toEqual({ share: 1, count: 4 });
    const mixed = [...sources, { messages: [sendMoneyCall('call_x', 'somebody', 'x')], entities: [] }];
    expect(learnArgumentKinds(mixed, template)['send_money.recipient']).toEqual({ share: 0.833, count: 6 });
    expect(learnArgumentKinds(mixed, template, { minimumShare: 0.8 })['send_money.recipient']?.kinds).toEqual(['iban']);
  });

  it('counts array items, gives record ids their kind and skips arguments that are not JSON', () => {
    const records: KindSource[] = Array.from({ length: 5 }, (_, index) => ({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'delete_emails', arguments: JSON.stringify({ ids: [`email-${index}`, `email-${index + 10}`] }) } },
            { id: 'b', type: 'function', function: { name: 'delete_emails', arguments: '{"ids": [' } },
          ],
        },
      ],
      entities: [],
    }));
    expect(learnArgumentKinds(records, template)).toEqual({ 'delete_emails.ids': { kinds: [recordIdKind], identifierShapes: ['email'], share: 1, count: 10 } });
  });

  it('keeps the shapes of identifier values: a record id by its leading word, any other identifier as "*"', () => {
    const handles: KindSource[] = Array.from({ length: 6 }, (_, index) => ({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'a', type: 'function', function: { name: 'share', arguments: JSON.stringify({ item: index % 2 === 0 ? `htl-lis-0${index}` : `file-${index}`, user: `@ann.lee${index}` }) } }],
        },
      ],
      entities: [{ kind: recordIdKind, value: `@ann.lee${index}`, role: 'contact' }],
    }));
    const kinds = learnArgumentKinds(handles, template);
    expect(kinds['share.item']).toEqual({ kinds: [recordIdKind], identifierShapes: ['file', 'htl'], share: 1, count: 6 });
    expect(kinds['share.user']).toEqual({ kinds: [recordIdKind], identifierShapes: ['*'], share: 1, count: 6 });
    const recordId = recordIdTest(template);
    expect([identifierShape('email-45', recordId), identifierShape('htl-lis-03', recordId), identifierShape('HB-004812', recordId), identifierShape('@ann.lee', recordId)]).toEqual(['email', 'htl', '*', '*']);
    expect(slotIdentifierShapes(['email-45', 'Ann', undefined, '@ann.lee'], [recordIdKind, 'person', undefined, recordIdKind], template)).toEqual(['email', undefined, undefined, '*']);
  });
});

describe('readArgumentKinds', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'argument-kinds-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('returns no kinds for a directory without the file', () => {
    expect(readArgumentKinds(directory)).toEqual({});
  });

  it('reads back what was written', async () => {
    const kinds: ArgumentKinds = { 'send_money.recipient': { kinds: ['iban'], share: 1, count: 5 }, 'send_money.subject': { share: 0, count: 5 } };
    const written = mkdtempSync(path.join(directory, 'written-'));
    await writeArgumentKinds(written, kinds);
    expect(readArgumentKinds(written)).toEqual(kinds);
  });

  it('throws a one-line error naming the file for content that is not JSON', () => {
    const broken = mkdtempSync(path.join(directory, 'broken-'));
    writeFileSync(path.join(broken, argumentKindsFile), '{"send_money.recipient": {');
    expect(() => readArgumentKinds(broken)).toThrow(path.join(broken, argumentKindsFile));
    expect(() => readArgumentKinds(broken)).toThrow(/not valid JSON/);
    expect(() => readArgumentKinds(broken)).not.toThrow(/\n/);
  });

  it('throws a one-line error naming the file and the field for content that breaks the schema', () => {
    const invalid = mkdtempSync(path.join(directory, 'invalid-'));
    writeFileSync(path.join(invalid, argumentKindsFile), JSON.stringify({ 'send_money.recipient': { kinds: ['iban'], share: 2, count: 5 } }, null, 2));
    expect(() => readArgumentKinds(invalid)).toThrow(`${path.join(invalid, argumentKindsFile)}: send_money.recipient.share:`);
    expect(() => readArgumentKinds(invalid)).not.toThrow(/\n/);
    writeFileSync(path.join(invalid, argumentKindsFile), JSON.stringify({ 'send_money.recipient': { kinds: ['galaxy'], share: 1, count: 5 } }));
    expect(() => readArgumentKinds(invalid)).toThrow(`${path.join(invalid, argumentKindsFile)}: send_money.recipient.kinds.0:`);
  });
});
