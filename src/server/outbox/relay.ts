import type { Database } from '../../store/database.js';
import { deliverNext, type Consumer } from '../../store/outbox.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Logger } from '../logger.js';

/**
 * Feeds committed events to the outbox consumers. It wakes when this node commits (bus), when
 * another node commits (NOTIFY), and on a timer in case a signal was lost.
 */
export class OutboxRelay {
  #consumers: Consumer[] = [];
  #failures = 0;
  readonly #runner: CoalescingRunner;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.#runner = new CoalescingRunner(() => this.#drain(), intervalMs, (error) =>
      this.logger.error({ err: error }, 'outbox relay failed'),
    );
  }

  add(consumer: Consumer): void {
    this.#consumers.push(consumer);
    this.wake();
  }

  start(): void {
    this.#runner.start();
    this.wake();
  }

  wake(): void {
    if (this.#consumers.length > 0) this.#runner.wake();
  }

  /** Resolves when every consumer has seen everything committed so far (tests, shutdown). */
  idle(): Promise<void> {
    return this.#runner.idle();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }

  async #drain(): Promise<void> {
    for (const consumer of this.#consumers) {
      try {
        while (!this.#runner.stopped && (await deliverNext(this.db, consumer)) > 0) {
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
