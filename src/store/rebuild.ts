import type { Database, Queryable } from './database.js';
import { readEvents } from './event-log.js';
import type { Projection } from './projection.js';

export interface RebuildReport {
  events: number;
  projections: string[];
  milliseconds: number;
}

/**
 * Drops every projection and replays the whole log into them, in one transaction: readers see
 * the old state until the new one commits, and appends wait on the log head meanwhile. The
 * folded rows are held in memory until the end: one row per live entity, not per event.
 */
export async function rebuildProjections(
  db: Database,
  projections: readonly Projection[],
  options: {
    chunkSize?: number;
    onProgress?: (replayed: number, total: number) => void;
    /**
     * Runs in the rebuild's transaction once the projections are written (the audit record of
     * the rebuild): it commits with the rebuild or not at all, and follows the replayed events.
     */
    afterReplay?: (tx: Queryable, replayed: Omit<RebuildReport, 'milliseconds'>) => Promise<void>;
  } = {},
): Promise<RebuildReport> {
  const started = performance.now();
  const chunkSize = options.chunkSize ?? 5000;
  const tables = projections.flatMap((projection) => projection.tables);
  const replayed = await db.transaction(async (tx) => {
    const head = await tx.query<{ seq: number }>('SELECT seq FROM event_log_head FOR UPDATE');
    const total = head.rows[0]?.seq ?? 0;
    if (tables.length > 0) await tx.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
    const replays = projections.map((projection) => projection.replay());
    let after = 0;
    let count = 0;
    for (;;) {
      const events = await readEvents(tx, after, chunkSize);
      if (events.length === 0) break;
      for (const replay of replays) replay.fold(events);
      after = events[events.length - 1]!.seq;
      count += events.length;
      options.onProgress?.(count, total);
    }
    for (const replay of replays) await replay.write(tx);
    await options.afterReplay?.(tx, { events: count, projections: projections.map((projection) => projection.name) });
    return count;
  });
  return {
    events: replayed,
    projections: projections.map((projection) => projection.name),
    milliseconds: Math.round(performance.now() - started),
  };
}
