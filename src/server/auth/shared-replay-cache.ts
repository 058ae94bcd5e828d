import { createHash } from 'node:crypto';
import type { Queryable } from '../../store/database.js';
import type { Logger } from '../logger.js';
import { ReplayCache, type ReplayGuard } from './replay-cache.js';

interface Pending {
  key: string;
  expiresAt: string;
  resolve(isNew: boolean): void;
  reject(error: unknown): void;
}

/**
 * The replay cache of nodes sharing one PostgreSQL: a request is new only if no node has seen
 * it. This node's own memory answers repeats to it without a query; the table answers for the
 * others. Requests arriving while an INSERT is in flight are written together by the next one,
 * so a busy node spends one round trip on many requests instead of one each. Rows go once they
 * are past the window.
 */
export class SharedReplayCache implements ReplayGuard {
  readonly #local: ReplayCache;
  readonly #sweeper: NodeJS.Timeout;
  #queued: Pending[] = [];
  #writing = false;

  constructor(
    private readonly db: Queryable,
    private readonly windowMs: number,
    private readonly logger: Logger,
    /**
     * Told, with each batch, the permissions' version read in the same statement and when that
     * read began: authorising the batch's requests then needs no read of its own (AccessStore).
     */
    private readonly onAccessVersion: (version: number, readStartedAt: number) => void = () => undefined,
  ) {
    this.#local = new ReplayCache(windowMs);
    this.#sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => logger.warn({ err: error }, 'could not remove expired request signatures'));
    }, Math.max(windowMs, 10_000));
    this.#sweeper.unref();
  }

  remember(key: string, now: number): Promise<boolean> {
    if (!this.#local.remember(key, now)) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.#queued.push({
        key: createHash('sha256').update(key).digest('base64url'),
        expiresAt: new Date(now + 2 * this.windowMs).toISOString(),
        resolve,
        reject,
      });
      if (!this.#writing) void this.#write();
    });
  }

  /** Writes what is queued, then what was queued meanwhile, until nothing is left. */
  async #write(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queued.length > 0) {
        const batch = this.#queued;
        this.#queued = [];
        try {
          const startedAt = performance.now();
          const { rows } = await this.db.query<{ inserted: string[] | null; accessVersion: string | number | null }>(
            `WITH added AS (
               INSERT INTO request_replays (key, expires_at)
               SELECT * FROM unnest($1::text[], $2::timestamptz[]) ON CONFLICT (key) DO NOTHING RETURNING key
             )
             SELECT (SELECT array_agg(key) FROM added) AS inserted, (SELECT seq FROM access_version WHERE id = 1) AS "accessVersion"`,
            [batch.map((entry) => entry.key), batch.map((entry) => entry.expiresAt)],
          );
          const inserted = new Set(rows[0]?.inserted ?? []);
          if (rows[0]?.accessVersion !== null && rows[0]?.accessVersion !== undefined) this.onAccessVersion(Number(rows[0].accessVersion), startedAt);
          // Two requests of one batch with the same key: the local cache let only the first through.
          for (const entry of batch) entry.resolve(inserted.has(entry.key));
        } catch (error) {
          this.logger.warn({ err: error, requests: batch.length }, 'could not record request signatures');
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
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
