import type { Clock } from '../domain/clock.js';
import { CloudError } from './driver.js';

/**
 * What to wait for: an asynchronous cloud operation (a resize, an image capture) moving a
 * resource from one of the `pending` states into one of the `target` states. Any other state
 * ends the wait with an error at once (a server in ERROR will not become ACTIVE by waiting).
 */
export interface StateChange<T> {
  /** What is awaited, for errors: "server 4f1c… to be resized". */
  what: string;
  pending: readonly string[];
  target: readonly string[];
  /** Reads the resource once: its state now, and the value to hand back once it is a target. */
  refresh: () => Promise<{ state: string; value: T; detail?: string }>;
  /** Gives up after this long on `clock`. */
  timeoutMs: number;
  /** Waits at least this long between reads; the wait doubles up to `maxPollMs`. */
  minPollMs: number;
  maxPollMs?: number;
  clock: Clock;
  signal?: AbortSignal;
}

/**
 * Polls `refresh` until the resource reaches a target state, and returns its value. Time is the
 * injected clock's, so a test moves a ManualClock instead of waiting. A timeout is a retryable
 * `timeout` CloudError (the operation may still finish); an unexpected state is an `api` error
 * naming it.
 */
export async function waitForState<T>(change: StateChange<T>): Promise<T> {
  const { clock } = change;
  const deadline = clock.now().getTime() + change.timeoutMs;
  const maxPollMs = Math.max(change.maxPollMs ?? change.minPollMs * 8, change.minPollMs);
  let pollMs = change.minPollMs;
  for (;;) {
    change.signal?.throwIfAborted();
    const { state, value, detail } = await change.refresh();
    if (change.target.includes(state)) return value;
    if (!change.pending.includes(state)) {
      throw new CloudError('api', `waiting for ${change.what}: it is ${state}${detail ? ` (${detail})` : ''}, expected ${change.target.join(' or ')}`, {
        retryable: false,
      });
    }
    const left = deadline - clock.now().getTime();
    if (left <= 0) {
      throw new CloudError('timeout', `waiting for ${change.what}: still ${state} after ${change.timeoutMs} ms; it may still finish`);
    }
    await clock.sleep(Math.min(pollMs, left), change.signal);
    pollMs = Math.min(pollMs * 2, maxPollMs);
  }
}
