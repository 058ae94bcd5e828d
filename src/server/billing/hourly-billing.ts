import type { DriverRegistry } from '../../clouds/registry.js';
import type { Clock } from '../../domain/clock.js';
import { HOUR_MS } from '../../domain/billing/hourly.js';
import type { Database } from '../../store/database.js';
import type { Logger } from '../logger.js';
import { billHour, type HourBilled } from './hourly-run.js';

/** Told which tenants' spending moved (quotas re-evaluate it). */
export type SpendingListener = (tenantIds: readonly string[]) => Promise<void>;

/**
 * Hourly billing: bills each complete hour not billed yet, oldest first, so a check after a
 * node was down catches up the hours it missed. The recurring job `billing.hourly` checks every
 * `MAESTRO_BILLING_CHECK_INTERVAL_MS` (src/server/jobs/system-jobs.ts), `billing.run` at once.
 * Safe on every node: `billHour` bills an hour once.
 */
export class HourlyBilling {
  readonly #listeners: SpendingListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly clouds: DriverRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly nodeName: string,
  ) {}

  onSpending(listener: SpendingListener): void {
    this.#listeners.push(listener);
  }

  /** Bills every complete hour up to the one before `now`'s that is not billed yet. */
  async catchUp(now = this.clock.now()): Promise<HourBilled[]> {
    const lastComplete = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS;
    let next = await this.#firstUnbilledHour();
    const results: HourBilled[] = [];
    while (next !== null && next <= lastComplete) {
      const result = await billHour(this.db, this.clouds, next, this.nodeName);
      results.push(result);
      if (result.billed) {
        this.logger.info({ hour: result.hour, records: result.records }, 'hour billed');
        for (const listener of this.#listeners) {
          await listener(result.tenantIds).catch((error: unknown) => this.logger.error({ err: error }, 'spending listener failed'));
        }
      }
      next += HOUR_MS;
    }
    return results;
  }

  /** The hour after the last billed one; before any run, the hour the first timeline began in. */
  async #firstUnbilledHour(): Promise<number | null> {
    const { rows } = await this.db.query<{ last: string | null; first: string | null }>(
      `SELECT (SELECT max(hour) FROM billing_runs) AS last,
              (SELECT min((segments->0->>'from')::timestamptz) FROM billing_timelines WHERE jsonb_array_length(segments) > 0) AS first`,
    );
    const { last, first } = rows[0]!;
    if (last !== null) return Date.parse(last) + HOUR_MS;
    if (first !== null) return Math.floor(Date.parse(first) / HOUR_MS) * HOUR_MS;
    return null;
  }
}
