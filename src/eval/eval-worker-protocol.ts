import type { DecodingOverrides } from '../policies/tiny/decoding.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { Verdict } from '../verifiers/score.js';
import type { EvalTaskSelection } from './eval-tasks.js';

/** The one message an eval worker process receives (once it is ready): what to roll out. */
export interface EvalWorkerRequest {
  /** The policy spec, as `fate eval --policy` takes it. */
  policySpec: string;
  /** The config's decoding section the policy is created with (absent: the evaluation decoding). */
  decoding?: DecodingOverrides;
  selection: EvalTaskSelection;
  /** The indices, in the selection's task list, of the tasks this worker runs. */
  indices: number[];
  /** Episodes advanced together per policy call. */
  batchSize: number;
}

/** One scored episode, by its task's index in the selection: the item an eval worker sends as each episode ends. */
export interface EvalWorkerEpisode {
  index: number;
  trajectory: Trajectory;
  before: unknown;
  after: unknown;
  verdict: Verdict;
}
