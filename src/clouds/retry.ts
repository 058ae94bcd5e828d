import type { Clock } from '../domain/clock.js';
import { CloudError } from './driver.js';

export interface RetryPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  /** The wait before the second call; it doubles for each next one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Calls `attempt` again, with exponential back-off on the injected clock, while it fails with a
 * CloudError that says a retry can help (a 503, a refused connection). The last failure is
 * thrown as it is, its message saying how many calls were made.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: { policy: RetryPolicy; clock: Clock; signal?: AbortSignal; shouldRetry?: (error: unknown) => boolean },
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? ((error: unknown) => error instanceof CloudError && error.retryable);
  let delay = options.policy.baseDelayMs;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= options.policy.attempts || !shouldRetry(error) || options.signal?.aborted) {
        if (n > 1 && error instanceof CloudError) {
          throw new CloudError(error.reason, `${error.message} (after ${n} attempts)`, { retryable: error.retryable, status: error.status, cause: error });
        }
        throw error;
      }
      await options.clock.sleep(delay, options.signal);
      delay = Math.min(delay * 2, options.policy.maxDelayMs);
    }
  }
}
