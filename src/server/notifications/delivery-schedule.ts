import type { Clock } from '../../domain/clock.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import { deliverDue, type DeliveryDeps, type DeliveryReport } from './delivery.js';

/**
 * Sends due notifications: woken when new ones are committed, and on a timer for retries that
 * came due. Safe on every node (deliveries are claimed). (The job engine will take this over.)
 */
export class NotificationDelivery {
  readonly #runner: CoalescingRunner;

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly clock: Clock,
    intervalMs: number,
  ) {
    this.#runner = new CoalescingRunner(
      async () => void (await this.runOnce()),
      intervalMs,
      (error) => this.deps.logger.error({ err: error }, 'notification delivery failed'),
    );
  }

  start(): void {
    this.#runner.start();
    this.#runner.wake();
  }

  wake(): void {
    this.#runner.wake();
  }

  /** Sends what is due now (by the injected clock). */
  runOnce(): Promise<DeliveryReport> {
    return deliverDue(this.deps, this.clock.now());
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }
}
