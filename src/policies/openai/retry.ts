/** How {@link withRetries} spaces its attempts. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Delay before the first retry; each further retry doubles it. */
  baseDelayMs: number;
  /** Longest delay, also the cap on a server-requested delay. */
  maxDelayMs: number;
}

/** What an attempt's failure means for the next attempt. */
export interface FailureAdvice {
  retryable: boolean;
  /** A delay the server asked for (Retry-After), if any. */
  retryAfterMs?: number | undefined;
}

/** The last failure of {@link withRetries}, with how many attempts were made. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(lastError instanceof Error ? lastError.message : String(lastError));
  }
}

/** The delay before retry number `retry` (0-based): exponential with up to 25% jitter, capped; a server's own request wins when it is shorter than the cap. */
export function retryDelayMs(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** retry;
  return Math.min(policy.maxDelayMs, exponential * (1 + Math.random() * 0.25));
}

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Runs `attempt` until it succeeds, a failure is not retryable, or `policy.maxRetries` retries are
 * spent; then throws {@link RetriesExhaustedError} carrying the last failure and the attempt count.
 */
export async function withRetries<T>(attempt: (attemptIndex: number) => Promise<T>, advise: (error: unknown) => FailureAdvice, policy: RetryPolicy): Promise<T> {
  for (let attemptIndex = 0; ; attemptIndex += 1) {
    try {
      return await attempt(attemptIndex);
    } catch (error) {
      const advice = advise(error);
      if (!advice.retryable || attemptIndex >= policy.maxRetries) throw new RetriesExhaustedError(error, attemptIndex + 1);
      await sleep(retryDelayMs(attemptIndex, policy, advice.retryAfterMs));
    }
  }
}
