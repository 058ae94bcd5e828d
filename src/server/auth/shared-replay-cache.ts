import { createHash } from 'node:crypto';
import type { Queryable } from '../../store/database.js';
import type { Logger } from '../logger.js';
import { ReplayCache, type ReplayGuard } from './replay-cache.js';

/**
 * The replay cache of nodes sharing one PostgreSQL: a request is new only if no node has seen
 * it. This node's own memory answers repeats to it without a query; the table answers for the
 * others (one INSERT per signed request). Rows go once they are past the window.
 */
export class SharedReplayCache implements ReplayGuard {
  readonly #local: ReplayCache;
  readonly #sweeper: NodeJS.Timeout;

  constructor(
    private readonly db: Queryable,
    private readonly windowMs: number,
    logger: Logger,
  ) {
    this.#local = new ReplayCache(windowMs);
    this.#sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => logger.warn({ err: error }, 'could not remove expired request signatures'));
    }, Math.max(windowMs, 10_000));
    this.#sweeper.unref();
  }

  async remember(key: string, now: number): Promise<boolean> {
    if (!this.#local.remember(key, now)) return false;
    const { rowCount } = await this.db.query(
      'INSERT INTO request_replays (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [createHash('sha256').update(key).digest('base64url'), new Date(now + 2 * this.windowMs).toISOString()],
    );
    return rowCount === 1;
  }

  /** Removes what is past the window (the date check refuses those requests anyway); returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM request_replays WHERE expires_at < $1', [new Date(now).toISOString()]);
    return rowCount;
  }

  close(): void {
    clearInterval(this.#sweeper);
  }
}
