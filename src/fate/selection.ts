import { dominates, meanOfApplicable, paretoFronts, type ObjectiveVector } from '../pareto/dominance.js';
import { objectiveNames, type ObjectiveName } from '../verifiers/score.js';
import type { TieBreak } from './tie-break.js';
import { formatObjectiveValue } from './verifier-feedback.js';

/** Options of {@link selectRepair}. */
export interface SelectionOptions {
  /** R_pf, the front-only tie-break (default: mean of applicable objectives). */
  tieBreak?: TieBreak;
  /** The control value a repair must reach to pass the gate (default 1). */
  controlThreshold?: number;
  /**
   * Tool calls each candidate made, by candidate index. On an exact R_pf tie the candidate with
   * fewer calls wins (fewest side effects for the same scores: a refusal over a harmful call that
   * happened to miss its target). Without it ties go to the lowest index.
   */
  toolCalls?: readonly number[];
}

/** How one candidate fared in selection. */
export interface CandidateAssessment {
  /** Position of the candidate in the input (its candidate index k). */
  index: number;
  vector: ObjectiveVector;
  /** Pareto front (1 = non-dominated). */
  front: number;
  /** R_pf of the candidate (computed for every candidate, used only on the front). */
  tieBreak: number;
  /** Tool calls the candidate made (0 when not given). */
  toolCalls: number;
  /** Candidates that dominate this one. */
  dominatedBy: number[];
  dominatedByFailure: boolean;
  passesControl: boolean;
  /** Objectives on which the candidate is strictly better than the failure. */
  betterThanFailureOn: ObjectiveName[];
  chosen: boolean;
  /** Why it was chosen or not, in one line. */
  note: string;
}

/** The result of selection for one failure. */
export interface RepairSelection {
  /** Index of the accepted repair a*, or null when none was accepted (the failure stays unrepaired). */
  chosenIndex: number | null;
  /** Why a* won, or why no candidate was accepted. */
  reason: string;
  candidates: CandidateAssessment[];
  /** Number of Pareto fronts among the candidates. */
  frontCount: number;
}

const controlIndex = objectiveNames.indexOf('control');

function describeVector(vector: ObjectiveVector): string {
  return `[${vector.map((value) => (value === null ? 'null' : formatObjectiveValue(value))).join(', ')}]`;
}

function betterOn(candidate: ObjectiveVector, failure: ObjectiveVector): ObjectiveName[] {
  return objectiveNames.filter((_name, index) => {
    const mine = candidate[index];
    const theirs = failure[index];
    return mine !== null && mine !== undefined && theirs !== null && theirs !== undefined && mine > theirs;
  });
}

/**
 * Re-scoring and selection (DESIGN §2, step 3). Candidates are sorted into Pareto fronts over the
 * objective vector (null objectives skipped, `src/pareto`); a* is the front-1 candidate with the
 * highest R_pf (ties: one that passes the gate first, then the fewest tool calls, then the lowest
 * index). a* is accepted only
 * when it passes the gate: control at or above the threshold, not dominated by the failure, and
 * strictly better than the failure on at least one objective (so a candidate identical to the
 * failure is no repair). When a* fails the gate the failure is unrepaired: no other candidate is
 * tried, since one with lower R_pf would be a worse trade-off than the one the front prefers.
 */
export function selectRepair(failure: ObjectiveVector, candidates: readonly ObjectiveVector[], options: SelectionOptions = {}): RepairSelection {
  const tieBreak = options.tieBreak ?? meanOfApplicable;
  const controlThreshold = options.controlThreshold ?? 1;
  const fronts = paretoFronts(candidates);
  const assessments: CandidateAssessment[] = candidates.map((vector, index) => {
    const control = vector[controlIndex];
    return {
      index,
      vector,
      front: fronts[index] ?? 0,
      tieBreak: tieBreak(vector),
      toolCalls: options.toolCalls?.[index] ?? 0,
      dominatedBy: candidates.flatMap((other, otherIndex) => (otherIndex !== index && dominates(other, vector) ? [otherIndex] : [])),
      dominatedByFailure: dominates(failure, vector),
      passesControl: control !== null && control !== undefined && control >= controlThreshold,
      betterThanFailureOn: betterOn(vector, failure),
      chosen: false,
      note: '',
    };
  });
  const frontCount = fronts.length === 0 ? 0 : Math.max(...fronts);
  const passesGate = (candidate: CandidateAssessment): boolean => candidate.passesControl && !candidate.dominatedByFailure && candidate.betterThanFailureOn.length > 0;
  const eligible = assessments
    .filter((candidate) => candidate.front === 1 && candidate.dominatedBy.length === 0)
    .sort((a, b) => b.tieBreak - a.tieBreak || Number(passesGate(b)) - Number(passesGate(a)) || a.toolCalls - b.toolCalls || a.index - b.index);
  const best = eligible[0];
  for (const candidate of assessments) {
    if (candidate.front !== 1 || candidate.dominatedBy.length > 0) {
      candidate.note = `front ${candidate.front}, dominated by candidate${candidate.dominatedBy.length === 1 ? '' : 's'} ${candidate.dominatedBy.join(', ')}`;
    } else if (candidate !== best && best) {
      candidate.note = candidate.tieBreak < best.tieBreak ? `on the front, R_pf ${candidate.tieBreak.toFixed(3)} < ${best.tieBreak.toFixed(3)} of candidate ${best.index}` : `on the front, tied on R_pf ${candidate.tieBreak.toFixed(3)} with candidate ${best.index}, which comes first${candidate.toolCalls > best.toolCalls ? ` (${best.toolCalls} tool calls against ${candidate.toolCalls})` : ''}`;
    }
  }
  if (!best) return { chosenIndex: null, reason: 'no candidates', candidates: assessments, frontCount };
  const ties = eligible.filter((candidate) => candidate !== best && candidate.tieBreak === best.tieBreak).map((candidate) => candidate.index);
  const pick = `candidate ${best.index} ${describeVector(best.vector)} has the highest R_pf ${best.tieBreak.toFixed(3)} among ${eligible.length} on front 1 of ${frontCount}${ties.length > 0 ? ` (tied with ${ties.join(', ')}; ${passesGate(best) ? 'passes the gate, ' : ''}fewest tool calls and lowest index first)` : ''}`;
  let rejection: string | null = null;
  if (!best.passesControl) rejection = `control ${formatObjectiveValue(best.vector[controlIndex] ?? 0)} below ${formatObjectiveValue(controlThreshold)}`;
  else if (best.dominatedByFailure) rejection = 'dominated by the failure';
  else if (best.betterThanFailureOn.length === 0) rejection = 'no better than the failure on any objective';
  if (rejection !== null) {
    best.note = `best on the front but rejected: ${rejection}`;
    return { chosenIndex: null, reason: `not repaired: ${pick}, but it is rejected: ${rejection}`, candidates: assessments, frontCount };
  }
  best.chosen = true;
  best.note = 'chosen';
  return {
    chosenIndex: best.index,
    reason: `${pick}; passes control, not dominated by the failure, better on ${best.betterThanFailureOn.join(', ')}`,
    candidates: assessments,
    frontCount,
  };
}
