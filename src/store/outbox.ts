import type { RecordedEvent } from '../protocol/events.js';
import type { Database, Queryable } from './database.js';
import { readEvents } from './event-log.js';

/**
 * A reader of the event log outside the transactions that write it (billing, quotas,
 * notifications, agents). Each consumer keeps its own checkpoint in the database.
 *
 * - `transactional`: `handle` writes only to the database, in the same transaction as the
 *   checkpoint, so each event takes effect exactly once, across crashes and restarts; two nodes
 *   never run the same consumer at once (the checkpoint row is locked, others skip it).
 * - `external`: `handle` has side effects elsewhere (mail, a broker) and runs outside any
 *   transaction; the checkpoint advances after it succeeds, so delivery is at least once and
 *   the consumer deduplicates by event id.
 */
export interface Consumer {
  readonly name: string;
  readonly mode: 'transactional' | 'external';
  readonly batchSize?: number;
  handle(events: readonly RecordedEvent[], tx: Queryable): Promise<void>;
}

async function ensureCheckpoint(db: Queryable, consumer: string, startAt: number): Promise<void> {
  await db.query(
    'INSERT INTO consumer_checkpoints (consumer, seq) VALUES ($1, $2) ON CONFLICT (consumer) DO NOTHING',
    [consumer, startAt],
  );
}

export async function checkpointOf(db: Queryable, consumer: string): Promise<number | null> {
  const { rows } = await db.query<{ seq: number }>(
    'SELECT seq FROM consumer_checkpoints WHERE consumer = $1',
    [consumer],
  );
  return rows[0]?.seq ?? null;
}

/**
 * Registers a consumer at a position in the log: 0 to see everything ever recorded, or the
 * current head to see only what comes next. Does nothing if it is already registered.
 */
export async function registerConsumer(db: Queryable, consumer: string, startAt: number): Promise<void> {
  await ensureCheckpoint(db, consumer, startAt);
}

/** Hands the consumer its next batch; returns how many events it consumed (0: up to date). */
export async function deliverNext(db: Database, consumer: Consumer): Promise<number> {
  const limit = consumer.batchSize ?? 500;
  if (consumer.mode === 'transactional') {
    return db.transaction(async (tx) => {
      await ensureCheckpoint(tx, consumer.name, 0);
      const { rows } = await tx.query<{ seq: number }>(
        'SELECT seq FROM consumer_checkpoints WHERE consumer = $1 FOR UPDATE SKIP LOCKED',
        [consumer.name],
      );
      if (rows.length === 0) return 0; // another node holds it
      const events = await readEvents(tx, rows[0]!.seq, limit);
      if (events.length === 0) return 0;
      await consumer.handle(events, tx);
      await tx.query(
        'UPDATE consumer_checkpoints SET seq = $2, updated_at = now() WHERE consumer = $1',
        [consumer.name, events[events.length - 1]!.seq],
      );
      return events.length;
    });
  }

  await ensureCheckpoint(db, consumer.name, 0);
  const from = (await checkpointOf(db, consumer.name)) ?? 0;
  const events = await readEvents(db, from, limit);
  if (events.length === 0) return 0;
  await consumer.handle(events, db);
  // Compare-and-set: if another node advanced it meanwhile, its position stands.
  await db.query(
    'UPDATE consumer_checkpoints SET seq = $3, updated_at = now() WHERE consumer = $1 AND seq = $2',
    [consumer.name, from, events[events.length - 1]!.seq],
  );
  return events.length;
}
