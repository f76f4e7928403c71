import type { Entity, EntityKind } from '../../../envs/entity.js';
import type { AssistantMessage, ChatMessage, OpenAiTool } from '../../../trajectory/message.js';
import { EntityMatcher } from './entity-matcher.js';
import { identifiersAfterNames, type IdentifierOrderTests } from './identifier-order.js';
import { recordNames } from './record-names.js';
import { SlotAssigner, type RecordName, type SlotMap } from './slot-map.js';
import { templateTokenIds, type TemplateTokenIds, type TemplateTokenizer } from './special-tokens.js';
import { loadTinyChatTemplate, type SpecialTokenName, type TinyChatTemplate } from './template.js';
import { toolCallBodyFrame } from './tool-call-body.js';
import { renderToolList } from './tool-list.js';

/** Options of {@link renderConversation} and {@link renderPrompt}. */
export interface ChatTemplateOptions {
  /** A tokenizer trained with the template's special tokens ({@link tinyChatSpecialTokens}). */
  tokenizer: TemplateTokenizer;
  /** The template; default `data/templates/tiny-chat.json`. */
  template?: TinyChatTemplate;
  /** Most tokens a tool result may take (the truncation marker included); default from the template. */
  toolResultTokenBudget?: number;
  /** Whether the token ids start with the begin-of-sequence token; default true. */
  beginOfSequence?: boolean;
}

/** A conversation as the tiny policy sees it. */
export interface RenderedConversation {
  /** The token ids. */
  tokenIds: number[];
  /** 1 on tokens the assistant generated (its text, calls and end-of-turn), 0 elsewhere (its role marker included). */
  assistantMask: number[];
  /** The entity value of each slot token used, numbered by first appearance. */
  slotMap: SlotMap;
}

/** A prompt ready for generation: it ends with the assistant role marker. */
export interface RenderedPrompt {
  tokenIds: number[];
  slotMap: SlotMap;
}

type RenderItem =
  | { kind: 'tokens'; ids: number[]; assistant: boolean }
  /** `namedBy`: the entity naming the record this id belongs to, shown in the same tool result (linked slots). */
  | { kind: 'entity'; value: string; entityKind: EntityKind; assistant: boolean; namedBy?: RecordName };

/** Turns messages into render items; slots are numbered only at the end, over the final items. */
class ConversationBuilder {
  readonly items: RenderItem[] = [];
  private readonly ids: TemplateTokenIds;
  private readonly matcher: EntityMatcher;
  /** Each registered value's kind (first registration wins); record ids matched by the pattern are identifiers. */
  private readonly kindByValue = new Map<string, EntityKind>();
  /** The kinds whose records' ids get linked slots (`linkedTo` in the template's slot kinds). */
  private readonly linkedKinds: ReadonlySet<EntityKind>;

  constructor(
    private readonly tokenizer: TemplateTokenizer,
    private readonly template: TinyChatTemplate,
    entities: readonly Entity[],
    private readonly toolResultTokenBudget: number,
  ) {
    this.ids = templateTokenIds(tokenizer, template);
    this.linkedKinds = new Set((template.entitySlots.kinds ?? []).flatMap((item) => (item.linkedTo === undefined ? [] : [item.linkedTo])));
    for (const entity of entities) if (!this.kindByValue.has(entity.value)) this.kindByValue.set(entity.value, entity.kind);
    this.matcher = new EntityMatcher(
      entities.map((entity) => entity.value),
      template.recordIdPattern,
    );
  }

  special(name: SpecialTokenName, assistant = false, into: RenderItem[] = this.items): void {
    into.push({ kind: 'tokens', ids: [this.ids.named[name]], assistant });
  }

  /** Text whose entity values become slots. */
  slotted(text: string, assistant = false, into: RenderItem[] = this.items): void {
    for (const segment of this.matcher.segment(text)) {
      if (segment.kind === 'entity') into.push({ kind: 'entity', value: segment.value, entityKind: this.kindOf(segment.value), assistant });
      else into.push({ kind: 'tokens', ids: this.tokenizer.encode(segment.text), assistant });
    }
  }

  /** The kind of a matched value: its registered kind, or identifier for a record id the pattern matched. */
  kindOf(value: string): EntityKind {
    return this.kindByValue.get(value) ?? 'identifier';
  }

  /** The kind of `value` when it is, as a whole, one entity; undefined when it is not. */
  wholeEntityKind(value: string): EntityKind | undefined {
    const segments = this.matcher.segment(value);
    return segments.length === 1 && segments[0]!.kind === 'entity' ? this.kindOf(value) : undefined;
  }

  /** Whether `value` is, as a whole, one record id (a slot of kind identifier). */
  isIdentifier(value: string): boolean {
    return this.wholeEntityKind(value) === 'identifier';
  }

  /** Whether `value` holds a registered entity other than a record id. */
  holdsEntity(value: string): boolean {
    return this.matcher.segment(value).some((segment) => segment.kind === 'entity' && this.kindOf(segment.value) !== 'identifier');
  }

  /** Text kept as it is (tool names, the tool list, JSON scaffolding). */
  plain(text: string, assistant = false): void {
    if (text.length > 0) this.items.push({ kind: 'tokens', ids: this.tokenizer.encode(text), assistant });
  }

  systemTurn(content: string | null, tools: readonly OpenAiTool[]): void {
    this.special('system');
    if (content !== null && this.template.systemPrompt === 'keep') this.slotted(content);
    if (tools.length > 0) {
      this.special('toolsList');
      this.plain(renderToolList(tools, this.template));
    }
    this.special('endOfTurn');
  }

  userTurn(content: string): void {
    this.special('user');
    this.slotted(content);
    this.special('endOfTurn');
  }

  assistantTurn(message: AssistantMessage): void {
    this.special('assistant');
    if (message.content !== null) this.slotted(message.content, true);
    for (const call of message.tool_calls ?? []) {
      const frame = toolCallBodyFrame(call.function.name, this.template);
      this.special('toolCallStart', true);
      this.plain(frame.before, true);
      this.slotted(call.function.arguments, true);
      this.plain(frame.after, true);
      this.special('toolCallEnd', true);
    }
    this.special('endOfTurn', true);
  }

  toolTurn(content: string): void {
    this.special('tool');
    const result: RenderItem[] = [];
    const order = this.template.toolResultIdentifiersAfterNames ? { isIdentifier: (value: string) => this.isIdentifier(value), holdsEntity: (value: string) => this.holdsEntity(value) } : undefined;
    this.slotted(compactJson(content, order), false, result);
    const kept = truncateItems(result, {
        budget: this.toolResultTokenBudget,
        tail: Math.min(this.template.toolResultTailTokens, this.toolResultTokenBudget - 2),
        entityContext: this.template.toolResultEntityContextTokens,
        minimumHead: this.template.toolResultMinimumHeadTokens,
        mergeGap: this.template.toolResultWindowMergeGap,
        truncatedId: this.ids.named.truncated,
      });
    this.items.push(...this.withRecordNames(kept, content));
    this.special('endOfTurn');
  }

  /**
   * A tool result's kept items with each record id marked by the entity that names its record
   * ({@link recordNames}), where the template links that entity's kind and the name was kept too.
   */
  private withRecordNames(kept: RenderItem[], content: string): RenderItem[] {
    if (this.linkedKinds.size === 0) return kept;
    const parsed = parseJson(content);
    if (parsed === undefined) return kept;
    const names = recordNames(parsed, {
      isIdentifier: (value) => this.isIdentifier(value),
      linkedKindOf: (value) => {
        const kind = this.wholeEntityKind(value);
        return kind !== undefined && this.linkedKinds.has(kind) ? kind : undefined;
      },
    });
    const shown = new Set(kept.flatMap((item) => (item.kind === 'entity' ? [item.value] : [])));
    return kept.map((item) => {
      const name = item.kind === 'entity' ? names.get(item.value) : undefined;
      return item.kind === 'entity' && name !== undefined && shown.has(name.value) ? { ...item, namedBy: name } : item;
    });
  }

  /** Numbers slots by first appearance and flattens the items into ids and mask. */
  finish(): RenderedConversation {
    const assigner = new SlotAssigner(this.template.entitySlots);
    const tokenIds: number[] = [];
    const assistantMask: number[] = [];
    for (const item of this.items) {
      let ids: number[];
      if (item.kind === 'tokens') ids = item.ids;
      else {
        const slot = assigner.slotOf(item.value, item.entityKind, item.namedBy);
        ids = slot === undefined ? this.tokenizer.encode(item.value) : [this.ids.slots[slot] as number];
      }
      for (const id of ids) {
        tokenIds.push(id);
        assistantMask.push(item.assistant ? 1 : 0);
      }
    }
    return { tokenIds, assistantMask, slotMap: assigner.slotMap() };
  }
}

/** How a long tool result is cut (see {@link truncateItems}). */
interface Truncation {
  /** Most tokens the result may take. */
  budget: number;
  /** Tokens kept from its end. */
  tail: number;
  /** Tokens of context kept before each entity of the cut middle (0: no entity windows). */
  entityContext: number;
  /** Tokens the head keeps at least before entity windows take its room. */
  minimumHead: number;
  /** The truncation marker. */
  truncatedId: number;
  /**
   * A window whose context would start at most this many tokens after the previous window (or the
   * head) starts there instead, without a marker (0: every window has its own marker).
   */
  mergeGap: number;
}

/**
 * Fits a tool result into `budget` tokens (an entity counts as its one slot token). A result that
 * does not fit keeps its head, then — when `entityContext` > 0 — a window for each entity of the
 * cut middle not already shown (the truncation marker, up to `entityContext` tokens before the
 * entity, the entity), then the truncation marker and its last `tail` tokens, so an instruction
 * appended at the end of a long field stays visible. The windows take their room from the head,
 * down to `minimumHead` tokens; entities that find no room are left out in order. A window that
 * would start no more than `mergeGap` tokens after the previous one joins it, the gap shown and no
 * marker between them (a hotel's name and the id written after it stay one run). The windows
 * keep what a task needs from a long list or page (an id, a price, a password) where a plain
 * head-and-tail cut would lose it.
 */
function truncateItems(items: RenderItem[], truncation: Truncation): RenderItem[] {
  const { budget, tail, entityContext, minimumHead, truncatedId, mergeGap } = truncation;
  const units = items.flatMap((item): RenderItem[] => (item.kind === 'tokens' ? item.ids.map((id) => ({ ...item, ids: [id] })) : [item]));
  if (units.length <= budget) return items;
  const marker = (): RenderItem => ({ kind: 'tokens', ids: [truncatedId], assistant: false });
  const tailStart = units.length - tail;
  const tailUnits = units.slice(tailStart);
  const longestHead = budget - 1 - tail;
  /** The windows of the middle entities after a head of `head` units, each a list of units. */
  const windowsAfter = (head: number): RenderItem[][] => {
    if (entityContext === 0) return [];
    const shown = new Set<string>();
    for (const unit of [...units.slice(0, head), ...tailUnits]) if (unit.kind === 'entity') shown.add(unit.value);
    const windows: RenderItem[][] = [];
    let covered = head;
    for (let index = head; index < tailStart; index++) {
      const unit = units[index]!;
      if (unit.kind !== 'entity' || shown.has(unit.value)) continue;
      let start = Math.max(covered, index - entityContext);
      const joins = mergeGap > 0 && start - covered <= mergeGap;
      if (joins) start = covered;
      const context = units.slice(start, index);
      windows.push(joins ? [...context, unit] : [marker(), ...context, unit]);
      for (const member of context) if (member.kind === 'entity') shown.add(member.value);
      shown.add(unit.value);
      covered = index + 1;
    }
    return windows;
  };
  const size = (windows: RenderItem[][]) => windows.reduce((sum, window) => sum + window.length, 0);
  let head = longestHead;
  let windows = windowsAfter(head);
  // The longest head whose windows still fit beside it; at the shortest head, the windows that fit.
  while (head > Math.min(minimumHead, longestHead) && head + size(windows) > longestHead) windows = windowsAfter(--head);
  const kept: RenderItem[][] = [];
  let room = longestHead - head;
  for (const window of windows) {
    if (window.length > room) break;
    kept.push(window);
    room -= window.length;
  }
  return [...units.slice(0, head), ...kept.flat(), marker(), ...tailUnits];
}

function build(messages: readonly ChatMessage[], tools: readonly OpenAiTool[], entities: readonly Entity[], options: ChatTemplateOptions): ConversationBuilder {
  const template = options.template ?? loadTinyChatTemplate();
  const budget = options.toolResultTokenBudget ?? template.toolResultTokenBudget;
  if (!Number.isInteger(budget) || budget < 2) throw new Error(`toolResultTokenBudget must be an integer of at least 2, got ${budget}`);
  const builder = new ConversationBuilder(options.tokenizer, template, entities, budget);
  if (options.beginOfSequence ?? true) builder.special('beginOfSequence');
  const [first] = messages;
  let rest = messages;
  if (first?.role === 'system') {
    builder.systemTurn(first.content, tools);
    rest = messages.slice(1);
  } else if (tools.length > 0) builder.systemTurn(null, tools);
  for (const message of rest) {
    if (message.role === 'system') builder.systemTurn(message.content, []);
    else if (message.role === 'user') builder.userTurn(message.content);
    else if (message.role === 'assistant') builder.assistantTurn(message);
    else builder.toolTurn(message.content);
  }
  return builder;
}

/**
 * Renders a conversation for training: `[bos] <system>content<tools>tool list<end> <user>…<end>
 * <assistant>text<call>{"name": …, "arguments": …}</call><end> <tool>result<end> …`. Every
 * occurrence of a registered entity value (in any message, call arguments or tool result) becomes
 * a slot token, slots numbered by first appearance; tool results are cut to the token budget.
 */
export function renderConversation(
  messages: readonly ChatMessage[],
  tools: readonly OpenAiTool[],
  entities: readonly Entity[],
  options: ChatTemplateOptions,
): RenderedConversation {
  return build(messages, tools, entities, options).finish();
}

/**
 * Renders a conversation as a prompt for the next assistant turn: as {@link renderConversation},
 * then the assistant role marker. Its slot map decodes the slots the policy generates
 * ({@link parseAssistantOutput}); it agrees with the slot map of any longer conversation that
 * starts with these messages.
 */
export function renderPrompt(
  messages: readonly ChatMessage[],
  tools: readonly OpenAiTool[],
  entities: readonly Entity[],
  options: ChatTemplateOptions,
): RenderedPrompt {
  const builder = build(messages, tools, entities, options);
  builder.special('assistant');
  const { tokenIds, slotMap } = builder.finish();
  return { tokenIds, slotMap };
}

/** A tool result's JSON value, or `undefined` when it is not JSON. */
function parseJson(content: string): unknown {
  const trimmed = content.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A tool result that is JSON is re-serialised without indentation: the same content in far fewer
 * tokens for a small context; with `order`, each record id is written after the field that names
 * its record ({@link identifiersAfterNames}). Anything else (plain text, malformed JSON) is kept as
 * it is.
 */
export function compactJson(content: string, order?: IdentifierOrderTests): string {
  const parsed = parseJson(content);
  if (parsed === undefined) return content;
  return JSON.stringify(order === undefined ? parsed : identifiersAfterNames(parsed, order));
}
