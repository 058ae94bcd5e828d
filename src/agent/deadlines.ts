import type { Clock } from '../domain/clock.js';

/** A deadline registered with Deadlines; cancel it when the work finished in time. */
export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
}

const REARMED = new Error('re-armed for an earlier deadline');
const CLOSED = new Error('closed');

/**
 * The deadlines of many calls on one sleep of the clock: a sleep, an AbortController and an
 * abort per call cost more than the call's cryptography at one call in flight. The sleep lasts
 * until the earliest deadline; a call that finishes in time only leaves the set. When the sleep
 * ends, what is due expires and the sleep starts again for the next deadline.
 *
 * An armed sleep outlives the last call (stopping it per call is the cost this saves): close()
 * stops it, so a process that closes its clients does not wait for it.
 */
export class Deadlines {
  readonly #pending = new Set<Deadline>();
  #armedAt = Infinity;
  #sleep: AbortController | null = null;
  #closed = false;

  constructor(private readonly clock: Clock) {}

  /** Calls `expire` once the clock reaches `at` (ms since the epoch), unless cancelled before. */
  add(at: number, expire: () => void): Deadline {
    const deadline: Deadline = { at, expire };
    this.#pending.add(deadline);
    if (at < this.#armedAt && !this.#closed) this.#arm(at);
    return deadline;
  }

  cancel(deadline: Deadline): void {
    this.#pending.delete(deadline);
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Stops the sleep; deadlines pending now never expire. */
  close(): void {
    this.#closed = true;
    this.#pending.clear();
    this.#armedAt = Infinity;
    this.#sleep?.abort(CLOSED);
    this.#sleep = null;
  }

  #arm(at: number): void {
    this.#sleep?.abort(REARMED);
    const sleep = new AbortController();
    this.#sleep = sleep;
    this.#armedAt = at;
    this.clock.sleep(Math.max(0, at - this.clock.now().getTime()), sleep.signal).then(
      () => {
        if (this.#sleep !== sleep) return;
        this.#sleep = null;
        this.#armedAt = Infinity;
        this.#expireDue();
      },
      () => undefined,
    );
  }

  #expireDue(): void {
    const now = this.clock.now().getTime();
    const due: Deadline[] = [];
    let next = Infinity;
    for (const deadline of this.#pending) {
      if (deadline.at <= now) due.push(deadline);
      else if (deadline.at < next) next = deadline.at;
    }
    for (const deadline of due) this.#pending.delete(deadline);
    if (next < this.#armedAt && !this.#closed) this.#arm(next);
    for (const deadline of due) deadline.expire();
  }
}
