/**
 * How long a test waits for background work (state sync, outbox, job workers) before it fails.
 * A bound for a broken system, not a speed the test expects: a loaded two-core machine may take
 * many seconds for what takes milliseconds on a quiet one, and the test must still pass there.
 */
export const PATIENCE_MS = 60_000;

/**
 * Asks `check` again until it answers something truthy, and returns that. What the test waits
 * for is a state the system must reach, never an amount of time; `describe` says, on timeout,
 * what was last seen.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string | (() => string),
  timeoutMs = PATIENCE_MS,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
