import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import type { Failure } from './failure.js';
import type { RepairAttempt, RepairOptions } from './repair-round.js';

/** The repair options a worker process can be sent: {@link RepairOptions} without callbacks, R_pf by name. */
export type RepairWorkerOptions = Omit<RepairOptions, 'tieBreak' | 'onCandidateDone' | 'onAttempts'> & {
  /** R_pf by its name in `tieBreakFunctions` (default: the default tie-break). */
  tieBreak?: string;
};

/** The one message a repair worker process receives (once it is ready): which failures to repair. */
export interface RepairWorkerRequest {
  /** The policy spec, as `fate repair --policy` takes it. */
  policySpec: string;
  /** The config's decoding section the policy is created with (absent: the evaluation decoding). */
  decoding?: DecodingOverrides;
  /** This worker's failures, each with its index in the whole list. */
  failures: { index: number; failure: Failure }[];
  options: RepairWorkerOptions;
}

/** What a repair worker sends: a candidate episode finished, or a group of attempts (by failure index). */
export type RepairWorkerItem = { type: 'candidate' } | { type: 'attempts'; indices: number[]; attempts: RepairAttempt[] };
