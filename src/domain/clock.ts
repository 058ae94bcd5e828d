/** Time as handlers see it: injected, so tests move it by hand instead of sleeping. */
export interface Clock {
  now(): Date;
  /**
   * Resolves once `ms` of this clock's time have passed: timeouts and waits that tests drive by
   * moving a ManualClock instead of waiting. Rejects with the signal's reason when it is aborted.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

interface Sleeper {
  until: number;
  wake(): void;
}

export class ManualClock implements Clock {
  #ms: number;
  readonly #sleepers = new Set<Sleeper>();
  #onSleep: Array<() => void> = [];

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(at: Date | string): void {
    this.#ms = new Date(at).getTime();
    this.#wakeDue();
  }
  advance(ms: number): void {
    this.#ms += ms;
    this.#wakeDue();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.#sleepers.delete(sleeper);
        reject(signal!.reason);
      };
      const sleeper: Sleeper = {
        until: this.#ms + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.add(sleeper);
      this.#wakeDue();
      for (const notify of this.#onSleep.splice(0)) notify();
    });
  }

  /** Sleeps waiting for this clock to move. */
  get sleeping(): number {
    return this.#sleepers.size;
  }

  /** Resolves once at least `count` sleeps are waiting: then moving the clock ends them. */
  async untilSleeping(count = 1): Promise<void> {
    while (this.#sleepers.size < count) await new Promise<void>((resolve) => this.#onSleep.push(resolve));
  }

  #wakeDue(): void {
    for (const sleeper of [...this.#sleepers]) {
      if (sleeper.until > this.#ms) continue;
      this.#sleepers.delete(sleeper);
      sleeper.wake();
    }
  }
}
