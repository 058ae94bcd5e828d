/** Remembers requests; a request remembered before is a replay. */
export interface ReplayGuard {
  /** Records the request; false if it was already seen. */
  remember(key: string, now: number): boolean | Promise<boolean>;
}

/**
 * Signatures seen within the acceptance window, in this node's memory. A request whose signature and body were already
 * accepted is a replay; after the window the date check refuses it anyway, so entries can go.
 * Bounded, so a flood of valid requests cannot exhaust memory: the oldest entries go first,
 * which is safe because they are also the closest to leaving the window.
 */
export class ReplayCache implements ReplayGuard {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 1_000_000,
  ) {}

  /** Records the request; false if it was already seen. */
  remember(key: string, now = Date.now()): boolean {
    this.#expire(now);
    if (this.#seen.has(key)) return false;
    if (this.#seen.size >= this.maxEntries) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#seen.set(key, now + 2 * this.windowMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #expire(now: number): void {
    // Insertion order is expiry order, so stop at the first live entry.
    for (const [key, expiresAt] of this.#seen) {
      if (expiresAt > now) break;
      this.#seen.delete(key);
    }
  }
}
