import type { Database } from '../../store/database.js';
import { deliverNext, type Consumer } from '../../store/outbox.js';
import type { Logger } from '../logger.js';

/**
 * Feeds committed events to the outbox consumers. It wakes when this node commits (bus), when
 * another node commits (NOTIFY), and on a timer in case a signal was lost; a wake-up during a
 * run schedules one more run, so nothing committed is left waiting for the timer.
 */
export class OutboxRelay {
  #consumers: Consumer[] = [];
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #failures = 0;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  add(consumer: Consumer): void {
    this.#consumers.push(consumer);
    this.wake();
  }

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.intervalMs);
    this.#timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.#stopped || this.#consumers.length === 0) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** Resolves when every consumer has seen everything committed so far (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.idle();
  }

  async #drain(): Promise<void> {
    for (const consumer of this.#consumers) {
      try {
        while (!this.#stopped && (await deliverNext(this.db, consumer)) > 0) {
          // keep going until this consumer is up to date
        }
        this.#failures = 0;
      } catch (error) {
        // The checkpoint did not move, so the batch is retried on the next wake-up.
        this.#failures += 1;
        this.logger.error({ err: error, consumer: consumer.name, failures: this.#failures }, 'outbox consumer failed');
      }
    }
  }
}
