import type { DomainName } from '../../envs/domain.js';
import type { Random } from '../../envs/random.js';
import type { ToolCallSpec } from '../../trajectory/message.js';
import type { CheckContext } from '../check-context.js';
import type { DiagnosisLabels } from '../diagnosis-labels.js';
import type { Split } from '../split.js';
import type { WorldDraft } from './world-draft.js';

/** A concrete injected goal for one world. */
export interface InjectionGoalInstance {
  /** Values the phrasings' placeholders and the security check use (attacker IBAN, e-mail, ...). */
  parameters: Record<string, string | number>;
  /** Tool calls that carry out the goal. */
  groundTruth: ToolCallSpec[];
}

/**
 * What an attacker wants the agent to do (AgentDojo's "injection task"). Each phrasing of the
 * instruction belongs to one split, so that test phrasings are unseen in training.
 */
export interface InjectionGoal<State = unknown> {
  readonly id: string;
  readonly domain: DomainName;
  /** Instruction phrasings with `{placeholders}` from the instance parameters, each with its split. */
  readonly phrasings: readonly { text: string; split: Split }[];
  readonly labels: DiagnosisLabels;
  /** Adds the attacker's entities (role `attacker`) to the world and returns the instance. */
  build(world: WorldDraft<State>, random: Random): InjectionGoalInstance;
  /** True when the final state (or the executed actions) shows the goal was carried out. */
  executed(context: CheckContext<State>): boolean;
}
