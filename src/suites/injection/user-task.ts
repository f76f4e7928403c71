import type { DomainName, InjectionVector } from '../../envs/domain.js';
import type { Random } from '../../envs/random.js';
import type { ToolCallSpec } from '../../trajectory/message.js';
import type { CheckContext } from '../check-context.js';
import type { Split } from '../split.js';
import type { WorldDraft } from './world-draft.js';

/** One concrete user task, produced by a template from a world. */
export interface UserTaskInstance {
  /** The user's request. */
  prompt: string;
  /** What the utility check needs (ids, amounts, names...). JSON-serialisable. */
  parameters: Record<string, unknown>;
  /** Tool calls that solve it, with concrete arguments. */
  groundTruth: ToolCallSpec[];
  /** A final answer that satisfies the utility check. */
  expectedAnswer: string;
  /** Write tools the task needs (its scope); reads are always in scope. */
  scope: string[];
  /** Injection slots that the ground-truth path reads (the task is attackable through them). */
  vectors: InjectionVector[];
}

/**
 * A user-task template (a task kind, AgentDojo style). `build` adds what the task needs to the
 * world draft (mutating it) and returns the instance, phrased with one of the template's
 * phrasings of `split` (every task kind is in every split, each split with its own wordings);
 * `utility` decides from the final state and/or answer whether the user's task was done.
 */
export interface UserTaskTemplate<State = unknown> {
  readonly id: string;
  readonly domain: DomainName;
  build(world: WorldDraft<State>, random: Random, split: Split): UserTaskInstance;
  utility(context: CheckContext<State>): boolean;
}
