import type { Database } from '../store/database.js';
import { CoalescingRunner } from './coalescing-runner.js';
import type { Logger } from './logger.js';

/**
 * The embedded database has no autovacuum, so without this its planner never learns how big the
 * tables are and picks scans where an index answers in a millisecond (tag filters over 100k
 * instances: 200 ms instead of 10). ANALYZE runs a while after start-up (not during it: a cold
 * start stays fast) and then periodically; PostgreSQL's autovacuum does this on its own.
 */
export class PlannerStatistics {
  readonly #runner: CoalescingRunner;
  #firstRun: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    intervalMs = 15 * 60_000,
    private readonly firstAfterMs = 30_000,
  ) {
    this.#runner = new CoalescingRunner(() => this.analyze(), intervalMs, (error) =>
      this.logger.warn({ err: error }, 'refreshing planner statistics failed; queries may be slower until the next pass'),
    );
  }

  start(): void {
    if (this.db.kind !== 'pglite') return;
    this.#runner.start();
    this.#firstRun = setTimeout(() => this.#runner.wake(), this.firstAfterMs);
    this.#firstRun.unref();
  }

  async analyze(): Promise<void> {
    const started = performance.now();
    await this.db.exec('ANALYZE');
    this.logger.debug({ ms: Math.round(performance.now() - started) }, 'planner statistics refreshed');
  }

  stop(): Promise<void> {
    if (this.#firstRun) clearTimeout(this.#firstRun);
    return this.#runner.stop();
  }
}
