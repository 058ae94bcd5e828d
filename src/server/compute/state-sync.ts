import type { DriverRegistry } from '../../clouds/registry.js';
import type { Clock } from '../../domain/clock.js';
import type { RecordedEvent } from '../../protocol/events.js';
import type { Database } from '../../store/database.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Logger } from '../logger.js';
import { allRegionRefs, type RegionRef } from '../queries/compute.js';
import { recordStateReports } from './state-reports.js';

/**
 * Brings the states clouds reach on their own (the end of a transition, a VM that died) into
 * Maestro as `instance.stateChanged` events. Each poll runs in one transaction with the events it
 * records, so a report is recorded once even with several nodes polling.
 */
export class StateSync {
  readonly #runner: CoalescingRunner;

  constructor(
    private readonly db: Database,
    private readonly clouds: DriverRegistry,
    private readonly writer: EventWriter,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly origin: EventOrigin,
    intervalMs: number,
  ) {
    this.#runner = new CoalescingRunner(
      async () => void (await this.syncOnce()),
      intervalMs,
      (error) => this.logger.error({ err: error }, 'instance state sync failed'),
    );
  }

  start(): void {
    this.#runner.start();
  }

  wake(): void {
    this.#runner.wake();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }

  /** Polls every region once; returns how many state changes were recorded. */
  async syncOnce(): Promise<number> {
    let total = 0;
    for (const region of await allRegionRefs(this.db)) {
      // Regions served by an agent report their states themselves (docs/agent.md).
      if (region.agentId !== null || !this.clouds.has(region.cloud)) continue;
      total += await this.#syncRegion(region);
    }
    return total;
  }

  async #syncRegion(region: RegionRef): Promise<number> {
    const driver = this.clouds.get(region.cloud);
    const recorded = await this.db.transaction(async (tx): Promise<RecordedEvent[]> => {
      const reports = await driver.pollStates(
        { name: region.name, nativeName: region.nativeName },
        { db: tx, now: this.clock.now(), signal: AbortSignal.timeout(30_000) },
      );
      return recordStateReports(tx, this.writer, this.origin, region, reports);
    });
    await this.writer.committed(recorded);
    return recorded.length;
  }
}
