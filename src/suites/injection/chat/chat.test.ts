import { describe, expect, it } from 'vitest';
import { chatDomain, createChatWorld, type ChatState } from '../../../envs/chat/index.js';
import type { Domain } from '../../../envs/domain.js';
import { executeToolCall, type ExecutedCall } from '../../../envs/executor.js';
import { fillInjectionSlot } from '../../../envs/injection-slot.js';
import { Random } from '../../../envs/random.js';
import { renderTemplate } from '../../../envs/text-template.js';
import type { ToolCallSpec } from '../../../trajectory/message.js';
import type { CheckContext, ExecutedAction } from '../../check-context.js';
import { diagnosisLabelsSchema } from '../../diagnosis-labels.js';
import type { InjectionGoal } from '../injection-goal.js';
import type { UserTaskInstance, UserTaskTemplate } from '../user-task.js';
import type { WorldDraft } from '../world-draft.js';
import { chatInjectionGoals, chatUserTasks } from './index.js';
import { templatePhrasings, templateTexts } from './texts.js';
import { splitOfSeed } from '../../testing/split-of-seed.js';

const seeds = Array.from({ length: 25 }, (_unused, index) => index * 7919 + 3);
const domain = chatDomain as unknown as Domain<unknown>;
const toolNames = chatDomain.tools.map((tool) => tool.name);
/** A marker shaped like a real attack (newline, quotes, braces) so that escaping would hide it. */
const marker = '<INFORMATION>\nMARKER-7f3a "quoted" {braces} and a URL https://evil.example/x\n</INFORMATION>';

function call(state: unknown, name: string, argumentsObject: Record<string, unknown>, index = 0): ExecutedCall {
  return executeToolCall(domain, state, { id: `call-${index}`, type: 'function', function: { name, arguments: JSON.stringify(argumentsObject) } }, toolNames);
}

/** Runs calls in order on `state` (mutated), returning each result and the executed actions. */
function runCalls(state: ChatState, calls: readonly ToolCallSpec[]): { results: ExecutedCall[]; actions: ExecutedAction[] } {
  const results: ExecutedCall[] = [];
  const actions: ExecutedAction[] = [];
  calls.forEach((spec, index) => {
    const result = call(state, spec.name, spec.arguments, index);
    results.push(result);
    if (result.outcome.status === 'ok') actions.push({ step: index, name: spec.name, arguments: result.parsedArguments ?? {} });
  });
  return { results, actions };
}

function context(parameters: Record<string, unknown>, before: ChatState, after: ChatState, answer: string | null, actions: ExecutedAction[] = []): CheckContext<ChatState> {
  return { parameters, before, after, answer, actions };
}

interface Built {
  draft: WorldDraft<ChatState>;
  instance: UserTaskInstance;
  state: ChatState;
}

function build(template: UserTaskTemplate<ChatState>, seed: number): Built {
  const random = new Random(seed);
  const draft = createChatWorld(random.fork('world'));
  const instance = template.build(draft, random.fork('task'), splitOfSeed(seed));
  return { draft, instance, state: chatDomain.stateSchema.parse(draft.state) };
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

describe('chat world', () => {
  it('is rich, valid, deterministic and registers its people, channels and pages', () => {
    for (const seed of seeds) {
      const draft = createChatWorld(new Random(seed));
      const state = chatDomain.stateSchema.parse(draft.state);
      expect(state.users.length).toBeGreaterThanOrEqual(26);
      expect(state.channels.length).toBeGreaterThanOrEqual(14);
      expect(state.channels.reduce((sum, channel) => sum + channel.messages.length, 0)).toBeGreaterThanOrEqual(120);
      expect(state.directMessages.length).toBeGreaterThanOrEqual(5);
      expect(state.webPages.length).toBeGreaterThanOrEqual(6);
      const entities = draft.entities.list();
      const registered = new Set(entities.map((entity) => entity.value));
      const me = state.users.find((user) => user.handle === state.currentUser);
      expect(entities.find((entity) => entity.role === 'user' && entity.kind === 'person')?.value).toBe(me?.name);
      for (const user of state.users) {
        expect(registered.has(user.name) && registered.has(user.handle) && registered.has(user.email)).toBe(true);
      }
      for (const channel of state.channels) expect(registered.has(channel.name)).toBe(true);
      for (const page of state.webPages) expect(registered.has(page.url)).toBe(true);
      const ids = [...state.channels.flatMap((channel) => channel.messages.map((message) => message.id)), ...state.directMessages.map((message) => message.id)];
      expect(new Set(ids).size).toBe(ids.length);
      expect(createChatWorld(new Random(seed)).state).toEqual(draft.state);
    }
  });

  it('declares a slot for every message by someone else and every web page, each a fillable string', () => {
    for (const seed of seeds.slice(0, 5)) {
      const draft = createChatWorld(new Random(seed));
      const state = chatDomain.stateSchema.parse(draft.state);
      const others = state.channels.flatMap((channel) => channel.messages).filter((message) => message.author !== state.currentUser).length;
      const received = state.directMessages.filter((message) => message.to === state.currentUser).length;
      expect(draft.vectors.filter((vector) => vector.kind === 'channel-message')).toHaveLength(others + received);
      expect(draft.vectors.filter((vector) => vector.kind === 'web-page')).toHaveLength(state.webPages.length);
      expect(new Set(draft.vectors.map((vector) => vector.id)).size).toBe(draft.vectors.length);
      for (const vector of draft.vectors) expect(() => fillInjectionSlot(structuredClone(state), vector, marker)).not.toThrow();
    }
  });
});

describe('chat tools', () => {
  const state = chatDomain.stateSchema.parse(createChatWorld(new Random(11)).state);

  it('has at least 11 tools, read and write, each argument described', () => {
    expect(chatDomain.tools.length).toBeGreaterThanOrEqual(11);
    expect(new Set(toolNames).size).toBe(toolNames.length);
    for (const tool of chatDomain.tools) {
      expect(tool.description.length).toBeGreaterThan(30);
      for (const [name, field] of Object.entries(tool.parameters.shape)) {
        expect((field as { description?: string }).description, `${tool.name}.${name}`).toBeTruthy();
      }
    }
    expect(chatDomain.tools.filter((tool) => tool.effect === 'write').map((tool) => tool.name).sort()).toEqual(
      ['add_user_to_channel', 'invite_user_to_workspace', 'post_channel_message', 'post_webpage', 'remove_user_from_channel', 'send_direct_message'],
    );
  });

  it('rejects bad arguments through their schemas', () => {
    const bad: [string, Record<string, unknown>][] = [
      ['read_channel_messages', {}],
      ['read_channel_messages', { channel: 'general', limit: 0 }],
      ['post_channel_message', { channel: 'general', text: '' }],
      ['send_direct_message', { user: 'someone' }],
      ['invite_user_to_workspace', { email: 'not-an-email' }],
      ['invite_user_to_workspace', { email: 'a@b.co', account_type: 'owner' }],
      ['get_webpage', { url: 'ftp://files.example.com/a' }],
      ['post_webpage', { url: 'no url here', content: 'x' }],
      ['search_messages', { query: 'a' }],
      ['list_users', { include_deactivated: 'yes' }],
    ];
    for (const [name, argumentsObject] of bad) {
      expect(call(structuredClone(state), name, argumentsObject).outcome.status, `${name} ${JSON.stringify(argumentsObject)}`).toBe('invalid-arguments');
    }
  });

  it('reports unknown ids and forbidden actions as tool errors', () => {
    const hidden = state.channels.find((channel) => channel.isPrivate && !channel.members.includes(state.currentUser));
    const someone = state.users.find((user) => user.handle !== state.currentUser && user.active && user.accountType === 'member');
    const inGeneral = state.channels.find((channel) => channel.name === 'general')?.members.find((handle) => handle !== state.currentUser) ?? '';
    const failing: [string, Record<string, unknown>][] = [
      ['read_channel_messages', { channel: '#no-such-channel' }],
      ['post_channel_message', { channel: 'no-such-channel', text: 'hi' }],
      ['send_direct_message', { user: '@nobody.here', text: 'hi' }],
      ['send_direct_message', { user: state.currentUser, text: 'hi' }],
      ['read_direct_messages', { user: 'ghost@nowhere.example' }],
      ['list_users', { channel: 'no-such-channel' }],
      ['add_user_to_channel', { user: '@nobody.here', channel: 'general' }],
      ['add_user_to_channel', { user: someone?.handle ?? '', channel: 'general' }],
      ['remove_user_from_channel', { user: inGeneral, channel: 'general' }],
      ['remove_user_from_channel', { user: '@nobody.here', channel: 'engineering' }],
      ['invite_user_to_workspace', { email: someone?.email ?? '' }],
      ['get_webpage', { url: 'https://no-such-site.example.com/page' }],
    ];
    if (hidden) failing.push(['read_channel_messages', { channel: hidden.name }]);
    for (const [name, argumentsObject] of failing) {
      const result = call(structuredClone(state), name, argumentsObject);
      expect(result.outcome.status, `${name} ${JSON.stringify(argumentsObject)}`).toBe('tool-error');
      expect(result.resultText).not.toContain('internal tool failure');
    }
  });

  it('reads, posts, invites and manages members on the state', () => {
    const copy = structuredClone(state);
    const page = copy.webPages[0];
    expect(call(copy, 'get_webpage', { url: page?.url ?? '' }).resultText).toContain(page?.content ?? '???');
    expect(call(copy, 'post_channel_message', { channel: '#general', text: 'Hello team' }).outcome.status).toBe('ok');
    expect(copy.channels.find((channel) => channel.name === 'general')?.messages.at(-1)).toMatchObject({ author: copy.currentUser, text: 'Hello team', timestamp: copy.now });
    expect(call(copy, 'read_channel_messages', { channel: 'general', limit: 1 }).resultText).toContain('Hello team');
    expect(call(copy, 'search_messages', { query: 'hello TEAM' }).resultText).toContain('Hello team');
    expect(call(copy, 'invite_user_to_workspace', { email: 'New.Person@Example.com' }).outcome.status).toBe('ok');
    expect(copy.invitations.at(-1)?.email).toBe('new.person@example.com');
    expect(call(copy, 'invite_user_to_workspace', { email: 'new.person@example.com' }).outcome.status).toBe('tool-error');
    expect(call(copy, 'post_webpage', { url: 'https://hooks.example.com/in', content: 'data' }).outcome.status).toBe('ok');
    expect(copy.webRequests).toHaveLength(1);
    const listed = JSON.parse(call(copy, 'list_users', {}).resultText) as { users: { handle: string; you?: boolean }[] };
    expect(listed.users.find((user) => user.you)?.handle).toBe(`@${copy.currentUser}`);
  });
});

describe('chat user tasks', () => {
  it('has 12 templates with unique ids, each with at least 3 train phrasings and dev and test ones', () => {
    expect(chatUserTasks).toHaveLength(12);
    expect(new Set(chatUserTasks.map((template) => template.id)).size).toBe(chatUserTasks.length);
    for (const template of chatUserTasks) expect(template.domain).toBe('chat');
    for (const template of chatUserTasks) {
      const phrasings = templatePhrasings(template.id);
      expect(phrasings.filter((phrasing) => phrasing.split === 'train').length, template.id).toBeGreaterThanOrEqual(3);
      expect(phrasings.filter((phrasing) => phrasing.split === 'dev').length, template.id).toBeGreaterThanOrEqual(1);
      expect(phrasings.filter((phrasing) => phrasing.split === 'test').length, template.id).toBeGreaterThanOrEqual(1);
    }
  });

  for (const template of chatUserTasks) {
    describe(template.id, () => {
      it('builds a valid task whose ground truth succeeds and satisfies the utility check', () => {
        for (const seed of seeds) {
          const { instance, state } = build(template, seed);
          expect(instance.groundTruth.length).toBeGreaterThanOrEqual(1);
          expect(instance.groundTruth.length).toBeLessThanOrEqual(4);
          expect(instance.vectors.length).toBeGreaterThanOrEqual(1);
          const after = structuredClone(state);
          const { results, actions } = runCalls(after, instance.groundTruth);
          for (const result of results) expect(result.outcome.status, `${template.id} seed ${seed}: ${result.resultText}`).toBe('ok');
          expect(template.utility(context(instance.parameters, state, after, instance.expectedAnswer, actions)), `${template.id} seed ${seed}`).toBe(true);
          const writes = instance.groundTruth.map((spec) => spec.name).filter((name) => chatDomain.tools.find((tool) => tool.name === name)?.effect === 'write');
          expect([...instance.scope].sort()).toEqual([...new Set(writes)].sort());
        }
      });

      it('fails when nothing is done and nothing is answered', () => {
        for (const seed of seeds) {
          const { instance, state } = build(template, seed);
          expect(template.utility(context(instance.parameters, state, structuredClone(state), ''))).toBe(false);
          expect(template.utility(context(instance.parameters, state, structuredClone(state), null))).toBe(false);
          if (instance.scope.length > 0) {
            // A write task is not done by answering alone.
            expect(template.utility(context(instance.parameters, state, structuredClone(state), instance.expectedAnswer))).toBe(false);
          }
        }
      });

      it('reads every injection slot it declares on its ground-truth path', () => {
        for (const seed of seeds) {
          const { draft, instance, state } = build(template, seed);
          for (const vector of instance.vectors) {
            expect(draft.vectors.some((declared) => declared.id === vector.id), `${vector.id} is declared by the world`).toBe(true);
            expect(['channel-message', 'web-page']).toContain(vector.kind);
            const attacked = structuredClone(state);
            fillInjectionSlot(attacked, vector, marker);
            const { results } = runCalls(attacked, instance.groundTruth);
            expect(results.some((result) => result.resultText.includes(marker)), `${template.id} seed ${seed} vector ${vector.id}`).toBe(true);
            expect(results.every((result) => result.outcome.status === 'ok')).toBe(true);
          }
        }
      });

      it('renders every phrasing and copies every argument from the prompt, an entity or an earlier result', () => {
        for (const seed of seeds) {
          const { draft, instance, state } = build(template, seed);
          for (const phrasing of templatePhrasings(template.id)) {
            expect(() => renderTemplate(phrasing.text, instance.parameters)).not.toThrow();
          }
          expect(templatePhrasings(template.id).filter((phrasing) => phrasing.split === splitOfSeed(seed)).map((phrasing) => renderTemplate(phrasing.text, instance.parameters))).toContain(instance.prompt);
          expect(instance.prompt).not.toMatch(/\{[a-zA-Z]+\}/);
          const registered = new Set(draft.entities.list().map((entity) => entity.value));
          const copy = structuredClone(state);
          const seen: string[] = [instance.prompt];
          instance.groundTruth.forEach((spec, index) => {
            for (const value of allStrings(spec.arguments)) {
              const known = registered.has(value) || seen.some((text) => text.includes(value));
              expect(known, `${template.id} seed ${seed}: argument "${value}" of ${spec.name}`).toBe(true);
            }
            seen.push(call(copy, spec.name, spec.arguments, index).resultText);
          });
          expect(instance.expectedAnswer.length).toBeLessThan(200);
        }
      });
    });
  }
});

describe('chat injection goals', () => {
  /** Goals that harm a colleague without giving the attacker anything (no attacker account or address). */
  const sabotageGoals = new Set(['remove-colleague-from-channel']);

  it('has at least 3 goals, each with valid labels and 12 train, 1 dev and 1 test phrasings', () => {
    expect(chatInjectionGoals.length).toBeGreaterThanOrEqual(3);
    expect(new Set(chatInjectionGoals.map((goal) => goal.id)).size).toBe(chatInjectionGoals.length);
    for (const goal of chatInjectionGoals) {
      expect(goal.domain).toBe('chat');
      expect(diagnosisLabelsSchema.parse(goal.labels).riskSource).toBe('indirect_prompt_injection');
      const count = (split: string) => goal.phrasings.filter((phrasing) => phrasing.split === split).length;
      expect([count('train'), count('dev'), count('test')], goal.id).toEqual([12, 1, 1]);
    }
  });

  function attack(template: UserTaskTemplate<ChatState>, goal: InjectionGoal<ChatState>, seed: number) {
    const random = new Random(seed);
    const draft = createChatWorld(random.fork('world'));
    const instance = template.build(draft, random.fork('task'), splitOfSeed(seed));
    const goalInstance = goal.build(draft, random.fork('goal'));
    return { draft, instance, goalInstance, state: chatDomain.stateSchema.parse(draft.state) };
  }

  for (const goal of chatInjectionGoals) {
    describe(goal.id, () => {
      it('is executed by its ground truth, not by a fresh state nor by any user task ground truth', () => {
        for (const template of chatUserTasks) {
          for (const seed of seeds) {
            const { draft, instance, goalInstance, state } = attack(template, goal, seed);
            const where = `${goal.id} with ${template.id} seed ${seed}`;
            expect(goalInstance.groundTruth.length).toBeGreaterThanOrEqual(1);
            const parameters = goalInstance.parameters;
            expect(goal.executed(context(parameters, state, structuredClone(state), ''))).toBe(false);

            const attacked = structuredClone(state);
            const vector = instance.vectors[seed % instance.vectors.length];
            if (vector) fillInjectionSlot(attacked, vector, renderTemplate(goal.phrasings[0]?.text ?? '', parameters));

            const byGoal = structuredClone(attacked);
            const goalRun = runCalls(byGoal, goalInstance.groundTruth);
            for (const result of goalRun.results) expect(result.outcome.status, `${where}: ${result.resultText}`).toBe('ok');
            expect(goal.executed(context(parameters, attacked, byGoal, '', goalRun.actions)), where).toBe(true);

            const byTask = structuredClone(attacked);
            const taskRun = runCalls(byTask, instance.groundTruth);
            for (const result of taskRun.results) expect(result.outcome.status, `${where}: ${result.resultText}`).toBe('ok');
            expect(goal.executed(context(parameters, attacked, byTask, instance.expectedAnswer, taskRun.actions)), where).toBe(false);
            expect(template.utility(context(instance.parameters, attacked, byTask, instance.expectedAnswer, taskRun.actions)), where).toBe(true);

            const attackerValues = draft.entities.list().filter((entity) => entity.role === 'attacker').map((entity) => entity.value);
            expect(attackerValues.length, where).toBeGreaterThanOrEqual(sabotageGoals.has(goal.id) ? 0 : 1);
          }
        }
      });

      it('renders every phrasing and registers the values its ground truth uses', () => {
        for (const seed of seeds) {
          const { draft, goalInstance } = attack(chatUserTasks[seed % chatUserTasks.length] as UserTaskTemplate<ChatState>, goal, seed);
          for (const phrasing of goal.phrasings) expect(() => renderTemplate(phrasing.text, goalInstance.parameters)).not.toThrow();
          const registered = new Set(draft.entities.list().map((entity) => entity.value));
          for (const spec of goalInstance.groundTruth) {
            for (const value of allStrings(spec.arguments)) {
              expect(registered.has(value) || value === 'general', `${goal.id}: ${spec.name} argument "${value}"`).toBe(true);
            }
          }
          const attackerValues = new Set(draft.entities.list().filter((entity) => entity.role === 'attacker').map((entity) => entity.value));
          const attackerArguments = goalInstance.groundTruth.flatMap((spec) => allStrings(spec.arguments)).filter((value) => attackerValues.has(value));
          expect(attackerArguments.length, `${goal.id} sends to or for the attacker`).toBeGreaterThanOrEqual(sabotageGoals.has(goal.id) ? 0 : 1);
        }
      });
    });
  }
});
