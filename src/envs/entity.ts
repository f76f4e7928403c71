import { z } from 'zod';

/** Kinds of entity an environment registers. */
export const entityKindSchema = z.enum([
  'person',
  'email-address',
  'iban',
  'phone',
  'file',
  'amount',
  'date',
  'time',
  'company',
  'place',
  'hotel',
  'restaurant',
  'channel',
  'url',
  'identifier',
  'text',
]);
export type EntityKind = z.infer<typeof entityKindSchema>;

/** Who an entity belongs to: the user, someone the user deals with, or the attacker. */
export const entityRoleSchema = z.enum(['user', 'contact', 'payee', 'attacker', 'other']);
export type EntityRole = z.infer<typeof entityRoleSchema>;

/**
 * A value an episode holds (name, address, account number, file name, amount, ...). Every such
 * value is registered so that a policy template can map it to a slot and verifiers can name it.
 */
export const entitySchema = z.object({
  kind: entityKindSchema,
  value: z.string(),
  role: entityRoleSchema,
});
export type Entity = z.infer<typeof entitySchema>;

/** Collects entities without duplicates (first registration wins). */
export class EntityRegistry {
  private readonly byValue = new Map<string, Entity>();

  /** Registers `value` and returns it, so registration can wrap generation inline. */
  add(kind: EntityKind, value: string, role: EntityRole = 'other'): string {
    if (!this.byValue.has(value)) this.byValue.set(value, { kind, value, role });
    return value;
  }

  /** Every registered entity, in registration order. */
  list(): Entity[] {
    return [...this.byValue.values()];
  }
}
