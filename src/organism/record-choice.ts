import type { Episode } from '../agent/loop.js';
import { loadTinyChatTemplate, renderConversation, slotToken, templateTokenIds } from '../policies/tiny/chat-template/index.js';
import { recordIdKind, slotKinds } from '../policies/tiny/argument-kinds.js';
import type { EntityKind } from '../envs/entity.js';
import type { TinyPolicy } from '../policies/tiny/tiny-policy.js';
import { lastAssistantTurnStart } from './decision-tokens.js';

/**
 * One record id (or, with `kinds: 'all'`, one entity of any kind) that a reference episode wrote
 * into a tool call, and what the policy thought of it: the probability of the right slot among the
 * slots of the same kind the conversation had shown before that turn (the choice of *which*
 * record, IBAN or channel, the rest of the call given).
 */
export interface RecordChoice {
  taskId: string;
  /** The entity kind chosen among (`identifier` for a record id). */
  kind: EntityKind;
  /** Index of the assistant message in the episode. */
  turn: number;
  tool: string;
  /** The right slot's spelling (`<|identifier-2|>`, `<|hotel-id-0|>`). */
  right: string;
  /** P(right slot) renormalised over the candidates. */
  probability: number;
  /** The candidate the policy liked best. */
  top: string;
  /** Slots of that kind shown before the turn (the right one among them). */
  candidates: number;
}

/** Rows per scoring call: one shape, so that the sampler compiles its scoring program once. */
const rowsPerCall = 8;

/** Which slots {@link recordChoices} scores: record ids only, or entities of every kind. */
export type ChoiceKinds = 'record-ids' | 'all';

/** Options of {@link recordChoices}. */
export interface RecordChoiceOptions {
  /** Record ids only (the default), or every entity kind (IBANs, channels, texts…). */
  kinds?: ChoiceKinds;
  onEpisodeDone?: (done: number, total: number) => void;
}

/**
 * The record choices of `episodes` (reference episodes, e.g. the scripted oracle's) under the
 * tiny `policy`: at every record-id slot (with `kinds: 'all'`, every entity slot) of every
 * assistant tool call, the sequence up to that slot is scored once per candidate (each slot of the
 * same kind shown before the turn). Slots with fewer than two candidates are not choices and are
 * left out.
 */
export async function recordChoices(policy: TinyPolicy, episodes: readonly Episode[], options: RecordChoiceOptions = {}): Promise<RecordChoice[]> {
  const chosenKinds = options.kinds ?? 'record-ids';
  const template = loadTinyChatTemplate();
  const slotById = templateTokenIds(policy.tokenizer, template).meaningById;
  const choices: RecordChoice[] = [];
  for (const [index, episode] of episodes.entries()) {
    const messages = episode.trajectory.messages;
    for (const [turn, message] of messages.entries()) {
      if (message.role !== 'assistant' || !message.tool_calls?.length) continue;
      const rendered = renderConversation(messages.slice(0, turn + 1), episode.trajectory.tools, episode.task.entities, { tokenizer: policy.tokenizer });
      const kinds = slotKinds(rendered.slotMap.values, episode.task.entities, template);
      const kindOfToken = (token: number): EntityKind | undefined => {
        const meaning = slotById.get(token);
        const kind = meaning?.kind === 'slot' ? kinds[meaning.slot] : undefined;
        return chosenKinds === 'all' || kind === recordIdKind ? kind : undefined;
      };
      const start = lastAssistantTurnStart(rendered.assistantMask);
      const shown = [...new Set(rendered.tokenIds.slice(0, start))];
      for (let position = start; position < rendered.tokenIds.length; position += 1) {
        const right = rendered.tokenIds[position]!;
        const kind = kindOfToken(right);
        if (kind === undefined) continue;
        const candidates = shown.filter((token) => kindOfToken(token) === kind);
        if (!candidates.includes(right) || candidates.length < 2) continue;
        const sequences = candidates.map((candidate) => [...rendered.tokenIds.slice(0, position), candidate]);
        const logProbabilities: number[] = [];
        for (let first = 0; first < sequences.length; first += rowsPerCall) {
          const rows = sequences.slice(first, first + rowsPerCall);
          const used = rows.length;
          while (rows.length < rowsPerCall) rows.push(rows[0]!);
          const scores = await policy.score(rows);
          for (const score of scores.slice(0, used)) logProbabilities.push(score[position - 1]!);
        }
        const largest = Math.max(...logProbabilities);
        const weights = logProbabilities.map((value) => Math.exp(value - largest));
        const total = weights.reduce((sum, value) => sum + value, 0);
        const best = weights.indexOf(Math.max(...weights));
        const spelling = (token: number): string => {
          const meaning = slotById.get(token);
          return meaning?.kind === 'slot' ? slotToken(template, meaning.slot) : String(token);
        };
        choices.push({
          taskId: episode.task.id,
          kind,
          turn,
          tool: message.tool_calls.map((call) => call.function.name).join(','),
          right: spelling(right),
          probability: weights[candidates.indexOf(right)]! / total,
          top: spelling(candidates[best]!),
          candidates: candidates.length,
        });
      }
    }
    options.onEpisodeDone?.(index + 1, episodes.length);
  }
  return choices;
}

/** What a set of record choices comes to. */
export interface RecordChoiceSummary {
  choices: number;
  /** Share of choices whose right id the policy liked best. */
  topOne: number;
  /** Mean P(right id). */
  meanProbability: number;
  /** Mean P(right id) of a policy that picks a candidate at random. */
  chance: number;
}

/** Sums up record choices. */
export function summarizeRecordChoices(choices: readonly RecordChoice[]): RecordChoiceSummary {
  const count = choices.length;
  const mean = (value: (choice: RecordChoice) => number): number => (count === 0 ? 0 : choices.reduce((sum, choice) => sum + value(choice), 0) / count);
  return {
    choices: count,
    topOne: mean((choice) => (choice.top === choice.right ? 1 : 0)),
    meanProbability: mean((choice) => choice.probability),
    chance: mean((choice) => 1 / choice.candidates),
  };
}
