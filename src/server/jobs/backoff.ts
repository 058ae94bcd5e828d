/** The longest a failed job waits before its next attempt, however many attempts failed. */
export const MAX_BACKOFF_MS = 3_600_000;

/** The delay before the attempt after `attempt` failed: the base, doubled for each further attempt, capped. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number = MAX_BACKOFF_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export interface Attempted {
  /** Claims so far, the one that just failed included. */
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
}

/** What becomes of a job whose attempt failed: back to the queue after its back-off, or failed for good. */
export type AfterFailure = { status: 'pending'; runAt: Date } | { status: 'failed' };

/** `retryable: false` (a payload that can never be valid) fails the job whatever attempts are left. */
export function afterFailure(job: Attempted, now: Date, retryable = true): AfterFailure {
  if (!retryable || job.attempts >= job.maxAttempts) return { status: 'failed' };
  return { status: 'pending', runAt: new Date(now.getTime() + retryDelayMs(job.attempts, job.backoffMs)) };
}
