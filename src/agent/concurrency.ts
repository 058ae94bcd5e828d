interface Waiter {
  key: string;
  start(): void;
}

/**
 * Bounds how many calls run at once: at most `perKey` for one key (a tenant in a region) and
 * `total` in all. A busy tenant waits for its own slots and does not hold back another tenant
 * whose slot is free; among those that may start, the one waiting longest goes first.
 */
export class KeyedLimiter {
  readonly #running = new Map<string, number>();
  readonly #waiting: Waiter[] = [];
  #total = 0;

  constructor(readonly limits: { perKey: number; total: number }) {
    if (limits.perKey < 1 || limits.total < 1) throw new Error('concurrency limits must be at least 1');
  }

  get active(): number {
    return this.#total;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Runs `task` once a slot for `key` is free. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (!this.#mayStart(key)) await new Promise<void>((start) => this.#waiting.push({ key, start }));
    else this.#take(key);
    try {
      return await task();
    } finally {
      this.#release(key);
    }
  }

  #mayStart(key: string): boolean {
    return this.#total < this.limits.total && (this.#running.get(key) ?? 0) < this.limits.perKey;
  }

  #take(key: string): void {
    this.#total += 1;
    this.#running.set(key, (this.#running.get(key) ?? 0) + 1);
  }

  #release(key: string): void {
    this.#total -= 1;
    const left = (this.#running.get(key) ?? 1) - 1;
    if (left === 0) this.#running.delete(key);
    else this.#running.set(key, left);
    for (let index = 0; index < this.#waiting.length && this.#total < this.limits.total; ) {
      const waiter = this.#waiting[index]!;
      if (!this.#mayStart(waiter.key)) {
        index += 1;
        continue;
      }
      this.#waiting.splice(index, 1);
      this.#take(waiter.key);
      waiter.start();
    }
  }
}
