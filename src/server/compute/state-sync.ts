import type { DriverRegistry } from '../../clouds/registry.js';
import type { Clock } from '../../domain/clock.js';
import * as events from '../../protocol/events/compute.js';
import type { InstanceState } from '../../protocol/compute.js';
import type { RecordedEvent } from '../../protocol/events.js';
import type { Database } from '../../store/database.js';
import type { NewEvent } from '../../store/event-log.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Logger } from '../logger.js';
import { allRegionRefs, type RegionRef } from '../queries/compute.js';

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
      if (!this.clouds.has(region.cloud)) continue;
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
      if (reports.length === 0) return [];
      const { rows } = await tx.query<{ id: string; nativeId: string; name: string; state: InstanceState; tenantId: string; customerId: string }>(
        `SELECT i.id, i.native_id AS "nativeId", i.name, i.state, i.tenant_id AS "tenantId", t.customer_id AS "customerId"
           FROM instances i JOIN tenants t ON t.id = i.tenant_id
          WHERE i.region_id = $1 AND i.native_id = ANY($2::text[])`,
        [region.id, reports.map((r) => r.nativeId)],
      );
      const known = new Map(rows.map((row) => [row.nativeId, row]));
      const changes: NewEvent[] = [];
      for (const report of reports) {
        const instance = known.get(report.nativeId);
        if (!instance || instance.state === report.state) continue;
        changes.push(
          this.writer.build(
            events.instanceStateChanged,
            { id: instance.id, state: report.state, previous: instance.state, reason: report.reason },
            { target: { id: instance.id, name: instance.name }, customerId: instance.customerId, tenantId: instance.tenantId, region: region.name },
            this.origin,
          ),
        );
      }
      return changes.length > 0 ? this.writer.append(tx, changes) : [];
    });
    await this.writer.committed(recorded);
    return recorded.length;
  }
}
