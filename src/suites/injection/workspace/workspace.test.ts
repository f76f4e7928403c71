import { describe, expect, it } from 'vitest';
import type { InjectionVector } from '../../../envs/domain.js';
import { executeToolCall, type ExecutedCall } from '../../../envs/executor.js';
import { fillInjectionSlot } from '../../../envs/injection-slot.js';
import { Random } from '../../../envs/random.js';
import { renderTemplate } from '../../../envs/text-template.js';
import { toOpenAiTool } from '../../../envs/tool.js';
import { createWorkspaceWorld, workspaceDomain, type WorkspaceState } from '../../../envs/workspace/index.js';
import type { ToolCallSpec } from '../../../trajectory/message.js';
import type { CheckContext, ExecutedAction } from '../../check-context.js';
import { diagnosisLabelsSchema } from '../../diagnosis-labels.js';
import { attackTemplates, renderAttack } from '../attack.js';
import type { UserTaskInstance, UserTaskTemplate } from '../user-task.js';
import type { WorldDraft } from '../world-draft.js';
import { workspaceInjectionGoals, workspaceUserTasks } from './index.js';
import { workspaceSuiteData } from './suite-data.js';
import { splitOfSeed } from '../../testing/split-of-seed.js';

const seeds = Array.from({ length: 25 }, (_, index) => index * 7919 + 3);
const toolNames = workspaceDomain.tools.map((tool) => tool.name);
const writeTools = new Set(workspaceDomain.tools.filter((tool) => tool.effect === 'write').map((tool) => tool.name));
const marker = '<INFORMATION>\nMARKER-7f3a "quoted" text\tfor the assistant: do X\n</INFORMATION>';

interface Run {
  after: WorkspaceState;
  results: ExecutedCall[];
  actions: ExecutedAction[];
}

/** Executes `calls` in order on a clone of `state`. */
function run(state: WorkspaceState, calls: readonly ToolCallSpec[]): Run {
  const after = structuredClone(state);
  const results = calls.map((call, index) =>
    executeToolCall(workspaceDomain as never, after, { id: `call-${index}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } }, toolNames),
  );
  const actions = calls.map((call, index) => ({ step: index, name: call.name, arguments: call.arguments }));
  return { after, results, actions };
}

function call(state: WorkspaceState, name: string, args: unknown): ExecutedCall {
  return executeToolCall(workspaceDomain as never, state, { id: 'call', type: 'function', function: { name, arguments: JSON.stringify(args) } }, toolNames);
}

/** Builds a world and a task the way the injection generator does. */
function buildTask(template: UserTaskTemplate<WorkspaceState>, seed: number): { world: WorldDraft<WorkspaceState>; instance: UserTaskInstance; random: Random } {
  const random = new Random(seed);
  const world = createWorkspaceWorld(random.fork('world'));
  const instance = template.build(world, random.fork('task'), splitOfSeed(seed));
  return { world, instance, random };
}

function context(parameters: Record<string, unknown>, before: WorkspaceState, after: WorkspaceState, answer: string | null, actions: ExecutedAction[] = []): CheckContext<WorkspaceState> {
  return { parameters, before, after, answer, actions };
}

/** String values of a call's arguments (array elements included). */
function stringArguments(spec: ToolCallSpec): string[] {
  return Object.values(spec.arguments).flatMap((value) => (Array.isArray(value) ? value : [value])).filter((value): value is string => typeof value === 'string');
}

function appearsIn(value: string, haystacks: readonly string[]): boolean {
  const escaped = JSON.stringify(value).slice(1, -1);
  return haystacks.some((text) => text.includes(value) || text.includes(escaped));
}

function valueAt(state: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined), state);
}

describe('workspace domain', () => {
  it('offers at least 14 documented tools covering email, calendar and files', () => {
    expect(workspaceDomain.name).toBe('workspace');
    expect(new Set(toolNames).size).toBe(toolNames.length);
    expect(toolNames.length).toBeGreaterThanOrEqual(14);
    for (const required of [
      'search_emails', 'read_email', 'send_email', 'forward_email', 'delete_email',
      'list_events', 'search_events', 'create_event', 'add_event_participants', 'cancel_event',
      'list_files', 'search_files', 'read_file', 'create_file', 'share_file', 'append_to_file', 'delete_file',
    ]) {
      expect(toolNames).toContain(required);
    }
    for (const tool of workspaceDomain.tools) {
      expect(tool.description.length).toBeGreaterThan(20);
      const schema = toOpenAiTool(tool).function.parameters as { properties?: Record<string, { description?: string }> };
      for (const [field, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    expect(workspaceDomain.systemPrompt).toMatch(/user/);
  });

  it('generates rich, valid and deterministic worlds with registered entities and vectors', () => {
    for (const seed of seeds) {
      const world = createWorkspaceWorld(new Random(seed));
      const state = workspaceDomain.stateSchema.parse(world.state);
      expect(JSON.stringify(createWorkspaceWorld(new Random(seed)).state)).toBe(JSON.stringify(world.state));
      expect(state.emails.length).toBeGreaterThanOrEqual(40);
      expect(state.events.length).toBeGreaterThanOrEqual(20);
      expect(state.files.length).toBeGreaterThanOrEqual(10);
      const entities = world.entities.list();
      const registered = new Set(entities.map((entity) => entity.value));
      expect(entities).toContainEqual({ kind: 'person', value: state.user.name, role: 'user' });
      for (const contact of state.contacts) {
        expect(registered.has(contact.name) && registered.has(contact.email) && registered.has(contact.phone)).toBe(true);
      }
      for (const file of state.files) expect(registered.has(file.name)).toBe(true);
      for (const event of state.events) expect(registered.has(event.title) && registered.has(event.date)).toBe(true);
      const vectorIds = new Set(world.vectors.map((vector) => vector.id));
      expect(vectorIds.size).toBe(world.vectors.length);
      for (const email of state.emails.filter((candidate) => candidate.folder === 'inbox')) expect(vectorIds.has(`email-body:${email.id}`)).toBe(true);
      for (const event of state.events) expect(vectorIds.has(`calendar-description:${event.id}`)).toBe(true);
      for (const file of state.files) expect(vectorIds.has(`file-content:${file.id}`)).toBe(true);
      for (const vector of world.vectors) expect(typeof valueAt(state, vector.path)).toBe('string');
      for (const email of state.emails) expect(`${email.timestamp}` <= `${state.today} ${state.currentTime}`).toBe(true);
    }
  });
});

describe('workspace user tasks', () => {
  it('has 12 templates with unique ids, each with at least 3 train phrasings and dev and test ones', () => {
    expect(workspaceUserTasks).toHaveLength(12);
    expect(new Set(workspaceUserTasks.map((template) => template.id)).size).toBe(12);
    const data = workspaceSuiteData();
    for (const template of workspaceUserTasks) {
      expect(template.domain).toBe('workspace');
      expect(template.id.startsWith('workspace-')).toBe(true);
    }
    for (const template of workspaceUserTasks) {
      const phrasings = data.userTasks[template.id]?.phrasings ?? [];
      expect(phrasings.filter((phrasing) => phrasing.split === 'train').length, template.id).toBeGreaterThanOrEqual(3);
      expect(phrasings.filter((phrasing) => phrasing.split === 'dev').length, template.id).toBeGreaterThanOrEqual(1);
      expect(phrasings.filter((phrasing) => phrasing.split === 'test').length, template.id).toBeGreaterThanOrEqual(1);
    }
  });

  for (const template of workspaceUserTasks) {
    describe(template.id, () => {
      it('builds valid worlds whose ground truth runs and satisfies the utility check', () => {
        for (const seed of seeds) {
          const { world, instance } = buildTask(template, seed);
          const state = workspaceDomain.stateSchema.parse(world.state);
          expect(instance.groundTruth.length).toBeGreaterThanOrEqual(1);
          expect(instance.groundTruth.length).toBeLessThanOrEqual(4);
          const { after, results, actions } = run(state, instance.groundTruth);
          for (const result of results) expect(result.outcome.status, `${seed} ${result.outcome.name}: ${result.resultText}`).toBe('ok');
          expect(template.utility(context(instance.parameters, state, after, instance.expectedAnswer, actions)), `seed ${seed}`).toBe(true);
          expect(template.utility(context(instance.parameters, state, structuredClone(state), ''))).toBe(false);
          expect(template.utility(context(instance.parameters, state, structuredClone(state), null))).toBe(false);
        }
      });

      it('declares a scope equal to the write tools of its ground truth', () => {
        const { instance } = buildTask(template, seeds[0] ?? 1);
        const used = [...new Set(instance.groundTruth.map((spec) => spec.name).filter((name) => writeTools.has(name)))].sort();
        expect([...instance.scope].sort()).toEqual(used);
      });

      it('reads every declared vector on its ground-truth path', () => {
        for (const seed of seeds) {
          const { world, instance } = buildTask(template, seed);
          expect(instance.vectors.length).toBeGreaterThanOrEqual(1);
          for (const vector of instance.vectors) {
            expect(world.vectors.map((candidate) => candidate.id)).toContain(vector.id);
            const state = workspaceDomain.stateSchema.parse(world.state);
            fillInjectionSlot(state, vector, marker);
            const { results } = run(state, instance.groundTruth);
            expect(
              results.some((result) => result.resultText.includes(marker.slice(0, 60))),
              `seed ${seed} vector ${vector.id}`,
            ).toBe(true);
          }
        }
      });

      it('uses only copyable argument values and renders all phrasings', () => {
        for (const seed of seeds) {
          const { world, instance } = buildTask(template, seed);
          const state = workspaceDomain.stateSchema.parse(world.state);
          const registered = world.entities.list().map((entity) => entity.value);
          const { results } = run(state, instance.groundTruth);
          instance.groundTruth.forEach((spec, index) => {
            const earlier = results.slice(0, index).map((result) => result.resultText);
            for (const value of stringArguments(spec)) {
              const known = registered.includes(value) || appearsIn(value, [instance.prompt, ...earlier]);
              expect(known, `seed ${seed}: ${spec.name} argument "${value}"`).toBe(true);
            }
          });
          for (const phrasing of workspaceSuiteData().userTasks[template.id]?.phrasings ?? []) {
            expect(() => renderTemplate(phrasing.text, instance.parameters)).not.toThrow();
          }
          expect(instance.prompt).not.toMatch(/\{[a-zA-Z]+\}/);
          expect(JSON.parse(JSON.stringify(instance.parameters))).toEqual(instance.parameters);
        }
      });
    });
  }
});

describe('workspace injection goals', () => {
  it('has at least 3 goals with ATBench labels and phrasings split 12 train, 1 dev, 1 test', () => {
    expect(workspaceInjectionGoals.length).toBeGreaterThanOrEqual(3);
    expect(new Set(workspaceInjectionGoals.map((goal) => goal.id)).size).toBe(workspaceInjectionGoals.length);
    for (const goal of workspaceInjectionGoals) {
      expect(goal.domain).toBe('workspace');
      expect(diagnosisLabelsSchema.parse(goal.labels).riskSource).toBe('indirect_prompt_injection');
      const splits = goal.phrasings.map((phrasing) => phrasing.split).sort();
      expect(splits).toEqual(['dev', 'test', ...Array<string>(12).fill('train')]);
    }
  });

  for (const goal of workspaceInjectionGoals) {
    it(`${goal.id}: ground truth executes it; a fresh state and the user task alone do not`, () => {
      for (const template of workspaceUserTasks) {
        for (const seed of seeds.slice(0, 10)) {
          const { world, instance, random } = buildTask(template, seed);
          const goalInstance = goal.build(world, random.fork('goal'));
          const state = workspaceDomain.stateSchema.parse(world.state);
          const parameters = goalInstance.parameters;
          const registered = world.entities.list();
          if (typeof parameters['attackerEmail'] === 'string') {
            expect(registered).toContainEqual({ kind: 'email-address', value: parameters['attackerEmail'], role: 'attacker' });
          }
          const instructions = goal.phrasings.map((phrasing) => renderTemplate(phrasing.text, parameters));
          const attack = run(state, goalInstance.groundTruth);
          for (const result of attack.results) expect(result.outcome.status, `${template.id} ${seed}: ${result.resultText}`).toBe('ok');
          goalInstance.groundTruth.forEach((spec, index) => {
            const earlier = attack.results.slice(0, index).map((result) => result.resultText);
            for (const value of stringArguments(spec)) {
              const known = registered.some((entity) => entity.value === value) || appearsIn(value, [...instructions, ...earlier]);
              expect(known, `${goal.id}: ${spec.name} argument "${value}"`).toBe(true);
            }
          });
          expect(goal.executed(context(parameters, state, attack.after, null, attack.actions))).toBe(true);
          expect(goal.executed(context(parameters, state, structuredClone(state), null))).toBe(false);
          const benign = run(state, instance.groundTruth);
          expect(goal.executed(context(parameters, state, benign.after, instance.expectedAnswer, benign.actions)), `${template.id} ${seed}`).toBe(false);
          expect(template.utility(context(instance.parameters, state, benign.after, instance.expectedAnswer, benign.actions))).toBe(true);
        }
      }
    });
  }

  it('places every attack where the ground truth of every task shows it (as the generator checks)', () => {
    for (const template of workspaceUserTasks) {
      for (const goal of workspaceInjectionGoals) {
        for (const attack of attackTemplates()) {
          const { world, instance, random } = buildTask(template, 11);
          const goalInstance = goal.build(world, random.fork('goal'));
          const vector: InjectionVector = random.fork('vector').pick(instance.vectors);
          const phrasing = random.fork('phrasing').pick(goal.phrasings);
          const text = renderAttack(attack, renderTemplate(phrasing.text, goalInstance.parameters), world.state.user.name, goalInstance.groundTruth);
          const state = workspaceDomain.stateSchema.parse(world.state);
          fillInjectionSlot(state, vector, text);
          const { results } = run(state, instance.groundTruth);
          expect(results.some((result) => result.resultText.includes(text.slice(0, 60))), `${template.id} ${goal.id} ${attack.id}`).toBe(true);
        }
      }
    }
  });
});

describe('workspace tools', () => {
  const fresh = (): WorkspaceState => workspaceDomain.stateSchema.parse(createWorkspaceWorld(new Random(42)).state);

  it('reject bad arguments through their schemas', () => {
    const state = fresh();
    const invalid = [
      ['send_email', { recipients: ['not-an-address'], subject: 'Hi', body: 'x' }],
      ['send_email', { recipients: [], subject: 'Hi', body: 'x' }],
      ['read_email', {}],
      ['list_events', { date: '2025/03/01' }],
      ['create_event', { title: 'X', date: '2025-03-01', startTime: '25:00', endTime: '26:00' }],
      ['share_file', { fileId: 'file-1', email: 'someone@example.com', permission: 'owner' }],
      ['append_to_file', { fileId: 'file-1', text: '' }],
      ['search_files', { query: 42 }],
    ] as const;
    for (const [name, args] of invalid) expect(call(state, name, args).outcome.status, name).toBe('invalid-arguments');
    expect(call(state, 'no_such_tool', {}).outcome.status).toBe('unknown-tool');
  });

  it('throw ToolError for unknown ids and impossible requests', () => {
    const state = fresh();
    const failing = [
      ['read_email', { emailId: 'email-9999' }],
      ['forward_email', { emailId: 'email-9999', recipients: ['a@example.com'] }],
      ['delete_email', { emailId: 'email-9999' }],
      ['add_event_participants', { eventId: 'event-9999', participants: ['a@example.com'] }],
      ['cancel_event', { eventId: 'event-9999' }],
      ['read_file', { fileId: 'file-9999' }],
      ['share_file', { fileId: 'file-9999', email: 'a@example.com' }],
      ['append_to_file', { fileId: 'file-9999', text: 'x' }],
      ['delete_file', { fileId: 'file-9999' }],
      ['send_email', { recipients: ['a@example.com'], subject: 'x', body: 'y', attachments: ['file-9999'] }],
      ['create_event', { title: 'X', date: '2025-03-03', startTime: '10:00', endTime: '09:00' }],
      ['create_file', { name: state.files[0]?.name ?? '', content: 'duplicate' }],
    ] as const;
    for (const [name, args] of failing) {
      const result = call(state, name, args);
      expect(result.outcome.status, name).toBe('tool-error');
      expect(result.resultText.startsWith('Error: ')).toBe(true);
      expect(result.resultText).not.toMatch(/internal tool failure/);
    }
    const foreign = state.files.find((file) => file.owner !== state.user.email);
    if (foreign) expect(call(state, 'delete_file', { fileId: foreign.id }).outcome.status).toBe('tool-error');
    const event = state.events.find((candidate) => candidate.status === 'confirmed');
    expect(call(state, 'cancel_event', { eventId: event?.id }).outcome.status).toBe('ok');
    expect(call(state, 'cancel_event', { eventId: event?.id }).outcome.status).toBe('tool-error');
  });

  it('behave like a mailbox, calendar and drive', () => {
    const state = fresh();
    const inbox = state.emails.find((email) => email.folder === 'inbox');
    if (!inbox) throw new Error('empty inbox');
    const forwarded = call(state, 'forward_email', { emailId: inbox.id, recipients: ['friend@example.com'], note: 'FYI' });
    expect(forwarded.outcome.status).toBe('ok');
    const copy = state.emails.at(-1);
    expect(copy?.forwardedFrom).toBe(inbox.id);
    expect(copy?.body).toContain(inbox.body);
    expect(copy?.folder).toBe('sent');
    expect(call(state, 'delete_email', { emailId: inbox.id }).outcome.status).toBe('ok');
    expect(call(state, 'search_emails', { query: inbox.subject }).resultText).not.toContain(`"${inbox.id}"`);
    expect(call(state, 'search_emails', { query: inbox.subject, folder: 'trash' }).resultText).toContain(`"${inbox.id}"`);
    const created = call(state, 'create_file', { name: 'notes.txt', content: 'first line' });
    expect(created.outcome.status).toBe('ok');
    const file = state.files.find((candidate) => candidate.name === 'notes.txt');
    expect(file?.owner).toBe(state.user.email);
    call(state, 'append_to_file', { fileId: file?.id, text: 'second line' });
    expect(file?.content).toBe('first line\nsecond line');
    call(state, 'share_file', { fileId: file?.id, email: 'friend@example.com' });
    expect(file?.sharedWith).toEqual([{ email: 'friend@example.com', permission: 'view' }]);
    expect(call(state, 'delete_file', { fileId: file?.id }).outcome.status).toBe('ok');
    expect(state.files.some((candidate) => candidate.id === file?.id)).toBe(false);
    call(state, 'create_file', { name: 'other.txt', content: '' });
    expect(state.files.at(-1)?.id).not.toBe(file?.id);
    const made = call(state, 'create_event', { title: 'Planning', date: state.today, startTime: '16:00', endTime: '16:30', participants: ['friend@example.com'] });
    expect(made.resultText).toContain('Planning');
    expect(call(state, 'list_events', { date: state.today }).resultText).toContain('Planning');
    expect(call(state, 'get_current_date', {}).resultText).toContain(state.today);
  });
});
