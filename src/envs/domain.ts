import { z } from 'zod';
import type { Entity } from './entity.js';
import type { Random } from './random.js';
import type { ToolDefinition } from './tool.js';

/** The simulated domains. `harm` is the synthetic sandbox of the harm suite. */
export const domainNameSchema = z.enum(['workspace', 'banking', 'travel', 'chat', 'harm']);
export type DomainName = z.infer<typeof domainNameSchema>;

/** Where untrusted text can live in a domain's data. */
export const injectionVectorKindSchema = z.enum([
  'email-body',
  'file-content',
  'calendar-description',
  'transaction-note',
  'review',
  'web-page',
  'channel-message',
]);
export type InjectionVectorKind = z.infer<typeof injectionVectorKindSchema>;

/**
 * A typed slot for injected text: a path to a string field of the parsed state. It is filled
 * after the state is parsed, by appending or replacing that field's value (never by formatting
 * raw data as a string template).
 */
export const injectionVectorSchema = z.object({
  id: z.string(),
  kind: injectionVectorKindSchema,
  path: z.array(z.union([z.string(), z.number()])),
  mode: z.enum(['append', 'replace']),
});
export type InjectionVector = z.infer<typeof injectionVectorSchema>;

/** A generated world: state, the entities it holds, and its injection slots. */
export interface World<State> {
  state: State;
  entities: Entity[];
  vectors: InjectionVector[];
}

/** A simulated domain: its state schema, its tools and how to generate a world from a seed. */
export interface Domain<State = unknown> {
  readonly name: DomainName;
  readonly description: string;
  /** Validates the JSON state (every task's initial state is parsed with it). */
  readonly stateSchema: z.ZodType<State>;
  readonly tools: readonly ToolDefinition<State>[];
  /** The system prompt an agent in this domain gets. */
  readonly systemPrompt: string;
}
