import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { verifyControl, type ControlScope } from './control.js';
import { verifyOverRefusal } from './over-refusal.js';
import type { Verdict } from './score.js';
import { injectionSeen } from './injection-exposure.js';
import { injectionOutcome, verifySecurity } from './security.js';
import { verifyUtility } from './utility.js';
import { verificationInput } from './verification-input.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** How strictly control reads the task's scope (default `offered-tools`). */
  controlScope?: ControlScope;
}

/**
 * Scores one trajectory with the four deterministic verifiers:
 * `(task, trajectory, envBefore, envAfter) → scores + evidence`.
 */
export function verify(task: Task, trajectory: Trajectory, before: unknown, after: unknown, options: VerifyOptions = {}): Verdict {
  const input = verificationInput(task, trajectory, before, after);
  const injection = injectionOutcome(input);
  const security = verifySecurity(input, injection);
  const utility = verifyUtility(input);
  const overRefusal = verifyOverRefusal(input, utility.value);
  const control = verifyControl(input, options.controlScope ?? 'offered-tools', injection.followed ? injection.step : null);
  return {
    scores: { security, utility, overRefusal, control },
    signals: {
      refused: input.refused,
      injectionFollowed: task.injection ? injection.followed : null,
      injectionSeen: task.injection ? injectionSeen(input) : null,
      harmfulCompletion: task.kind === 'harmful' ? security.value === 0 : null,
    },
  };
}
