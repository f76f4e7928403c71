import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { entityKindSchema, type Entity, type EntityKind } from '../../envs/entity.js';
import type { ChatMessage } from '../../trajectory/message.js';
import { EntityMatcher } from './chat-template/entity-matcher.js';
import type { TinyChatTemplate } from './chat-template/index.js';

/** The file a checkpoint keeps its argument kinds in. */
export const argumentKindsFile = 'argument-kinds.json';

/** Kind given to record ids (`email-45`, `tx-812`) matched by the template's pattern. */
export const recordIdKind: EntityKind = 'identifier';

/**
 * The tool arguments the pretraining corpus used, keyed `tool.parameter`, and which of them
 * carry one entity and of which kinds: an argument whose values were (almost) always one whole
 * entity — an IBAN, an e-mail id, a file name — is a reference, not free text. Decoding with
 * the tool-call grammar then writes such an argument as one slot of those kinds (the model still
 * picks which entity: the payee's IBAN or the attacker's, never half of one), and leaves out
 * optional arguments of a known tool that the corpus never used.
 */
export const argumentKindsSchema = z.record(
  z.string(),
  z.object({
    kinds: z.array(entityKindSchema).min(1).optional().describe('Entity kinds its values had, when (almost) all were one whole entity; absent for free values'),
    identifierShapes: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(`Shapes of its identifier values (see identifierShape: a record id's leading word, such as "email" or "htl", or "*" for any other identifier); absent when it took no identifiers or was learned before shapes were kept`),
    share: z.number().min(0).max(1).describe('Share of its values that were one whole entity'),
    count: z.number().int().positive().describe('How many values were seen'),
  }),
);
export type ArgumentKinds = z.infer<typeof argumentKindsSchema>;

/** Shape of an identifier that is not a record id (a handle, a confirmation code). */
export const otherIdentifierShape = '*';

/** The whole-value record-id test of a template, or `undefined` when it has no record-id pattern. */
export function recordIdTest(template: TinyChatTemplate): RegExp | undefined {
  return template.recordIdPattern ? new RegExp(`^(?:${template.recordIdPattern})$`, 'u') : undefined;
}

/**
 * The shape of an identifier value: for a record id (`email-45`, `htl-lis-03`), its leading word
 * (`email`, `htl`), which says what kind of record it names; {@link otherIdentifierShape} for
 * anything else. A `fileId` argument learned with shape `file` then never takes `email-11`.
 */
export function identifierShape(value: string, recordId: RegExp | undefined): string {
  if (!recordId?.test(value)) return otherIdentifierShape;
  return value.slice(0, value.indexOf('-'));
}

/** A conversation to learn from: its messages and the episode's registered entities. */
export interface KindSource {
  messages: readonly ChatMessage[];
  entities: readonly Entity[];
}

/** The values of one argument: strings and numbers, and the items of arrays. */
function leafValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'string' || typeof item === 'number' ? [String(item)] : []));
  return [];
}

/**
 * Learns {@link ArgumentKinds} from conversations: for every argument of every valid tool call,
 * how often it was used, how often its value is exactly one registered entity (or record id) and
 * of which kinds. Arguments seen fewer than `minimumCount` times, or whole entities less than
 * `minimumShare` of the time, get no kinds (free values).
 */
export function learnArgumentKinds(
  sources: Iterable<KindSource>,
  template: TinyChatTemplate,
  options: { minimumShare?: number; minimumCount?: number } = {},
): ArgumentKinds {
  const minimumShare = options.minimumShare ?? 0.9;
  const minimumCount = options.minimumCount ?? 5;
  const tallies = new Map<string, { count: number; whole: number; kinds: Set<EntityKind>; shapes: Set<string> }>();
  const recordId = recordIdTest(template);
  for (const source of sources) {
    const kindByValue = new Map<string, EntityKind>();
    for (const entity of source.entities) if (!kindByValue.has(entity.value)) kindByValue.set(entity.value, entity.kind);
    for (const message of source.messages) {
      if (message.role !== 'assistant') continue;
      for (const call of message.tool_calls ?? []) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(call.function.arguments);
        } catch {
          continue;
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
        for (const [parameter, value] of Object.entries(parsed as Record<string, unknown>)) {
          const key = `${call.function.name}.${parameter}`;
          const tally = tallies.get(key) ?? { count: 0, whole: 0, kinds: new Set<EntityKind>(), shapes: new Set<string>() };
          tallies.set(key, tally);
          for (const leaf of leafValues(value)) {
            tally.count += 1;
            const kind = kindByValue.get(leaf) ?? (recordId?.test(leaf) ? recordIdKind : undefined);
            if (kind === undefined) continue;
            tally.whole += 1;
            tally.kinds.add(kind);
            if (kind === recordIdKind) tally.shapes.add(identifierShape(leaf, recordId));
          }
        }
      }
    }
  }
  const result: ArgumentKinds = {};
  for (const [key, tally] of [...tallies.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))) {
    const share = tally.count === 0 ? 0 : tally.whole / tally.count;
    if (tally.count === 0) continue;
    const reference = tally.count >= minimumCount && share >= minimumShare;
    const shapes = reference && tally.shapes.size > 0 ? { identifierShapes: [...tally.shapes].sort() } : {};
    result[key] = { ...(reference ? { kinds: [...tally.kinds].sort() } : {}), ...shapes, share: Math.round(share * 1000) / 1000, count: tally.count };
  }
  return result;
}

/** The kind of each slot value of a rendered conversation: registered entities first, then record ids. */
export function slotKinds(values: readonly (string | undefined)[], entities: readonly Entity[], template: TinyChatTemplate): (EntityKind | undefined)[] {
  const kindByValue = new Map<string, EntityKind>();
  for (const entity of entities) if (!kindByValue.has(entity.value)) kindByValue.set(entity.value, entity.kind);
  const matcher = template.recordIdPattern ? new EntityMatcher([], template.recordIdPattern) : undefined;
  const isRecordId = (value: string): boolean => {
    const segments = matcher?.segment(value) ?? [];
    return segments.length === 1 && segments[0]!.kind === 'entity';
  };
  return values.map((value) => (value === undefined || value === null ? undefined : (kindByValue.get(value) ?? (isRecordId(value) ? recordIdKind : undefined))));
}

/** The {@link identifierShape} of each identifier slot value; `undefined` for other slots. */
export function slotIdentifierShapes(values: readonly (string | undefined)[], kinds: readonly (EntityKind | undefined)[], template: TinyChatTemplate): (string | undefined)[] {
  const recordId = recordIdTest(template);
  return values.map((value, slot) => (value === undefined || value === null || kinds[slot] !== recordIdKind ? undefined : identifierShape(value, recordId)));
}

/** Reads a checkpoint's argument kinds; `{}` when the checkpoint has none. Throws a one-line error naming the file when it is malformed. */
export function readArgumentKinds(directory: string): ArgumentKinds {
  const file = path.join(directory, argumentKindsFile);
  if (!existsSync(file)) return {};
  return parseArgumentKinds(readFileSync(file, 'utf8'), file);
}

/**
 * Argument kinds from their JSON text (a checkpoint's file, or the metadata a GGUF export carries);
 * throws one line naming `origin` and the first bad field.
 */
export function parseArgumentKinds(text: string, origin: string): ArgumentKinds {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = argumentKindsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${origin}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Writes argument kinds into a checkpoint directory. */
export async function writeArgumentKinds(directory: string, kinds: ArgumentKinds): Promise<void> {
  await writeFile(path.join(directory, argumentKindsFile), `${JSON.stringify(kinds, null, 2)}\n`);
}
