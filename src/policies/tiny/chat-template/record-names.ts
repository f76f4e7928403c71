import type { EntityKind } from '../../../envs/entity.js';
import type { RecordName } from './slot-map.js';

/** What {@link recordNames} asks of a string value. */
export interface RecordNameTests {
  /** Whether the whole string is a record id (`htl-ams-03`). */
  isIdentifier(value: string): boolean;
  /** The kind of a string that is, as a whole, a registered entity of a kind whose records' ids get linked slots; `undefined` for anything else. */
  linkedKindOf(value: string): EntityKind | undefined;
}

/**
 * The entity that names each record of a parsed JSON tool result, by the record's id: in every
 * object, the first field whose value is a record id is the record's id, and the one field whose
 * value is, as a whole, an entity of a linked kind is its name (`{"hotelId": "htl-ams-03", "name":
 * "The Heron Rooms"}`: `htl-ams-03` is named by the hotel "The Heron Rooms"). An object with no id,
 * or with no such field or several, names nothing; an id keeps the first name it was given.
 * Arrays and nested objects are searched the same way.
 */
export function recordNames(value: unknown, tests: RecordNameTests, names: Map<string, RecordName> = new Map()): Map<string, RecordName> {
  if (Array.isArray(value)) {
    for (const item of value) recordNames(item, tests, names);
    return names;
  }
  if (value === null || typeof value !== 'object') return names;
  const fields = Object.values(value as Record<string, unknown>);
  const identifier = fields.find((field): field is string => typeof field === 'string' && tests.isIdentifier(field));
  const named = fields.flatMap((field) => {
    if (typeof field !== 'string') return [];
    const kind = tests.linkedKindOf(field);
    return kind === undefined ? [] : [{ value: field, kind }];
  });
  if (identifier !== undefined && named.length === 1 && !names.has(identifier)) names.set(identifier, named[0]!);
  for (const field of fields) if (field !== null && typeof field === 'object') recordNames(field, tests, names);
  return names;
}
