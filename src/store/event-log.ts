import type { RecordedEvent } from '../protocol/events.js';
import type { Queryable } from './database.js';

export type NewEvent = Omit<RecordedEvent, 'seq'>;

const columns = `seq, id, type, time, event_type, action, outcome, initiator, target_type_uri,
  target_id, target_name, observer, customer_id, tenant_id, region, request_id, reason, data`;

export interface EventRow {
  seq: number;
  id: string;
  type: string;
  time: string;
  event_type: RecordedEvent['eventType'];
  action: RecordedEvent['action'];
  outcome: RecordedEvent['outcome'];
  initiator: RecordedEvent['initiator'];
  target_type_uri: string;
  target_id: string;
  target_name: string | null;
  observer: RecordedEvent['observer'];
  customer_id: string | null;
  tenant_id: string | null;
  region: string | null;
  request_id: string | null;
  reason: RecordedEvent['reason'];
  data: Record<string, unknown>;
}

/** The event_log row of an event, column by column. */
export function toRow(event: RecordedEvent): EventRow {
  return {
    seq: event.seq,
    id: event.id,
    type: event.type,
    time: event.time,
    event_type: event.eventType,
    action: event.action,
    outcome: event.outcome,
    initiator: event.initiator,
    target_type_uri: event.target.typeURI,
    target_id: event.target.id,
    target_name: event.target.name ?? null,
    observer: event.observer,
    customer_id: event.customerId,
    tenant_id: event.tenantId,
    region: event.region,
    request_id: event.requestId,
    reason: event.reason,
    data: event.data,
  };
}

export function fromRow(row: EventRow): RecordedEvent {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type,
    time: row.time,
    eventType: row.event_type,
    action: row.action,
    outcome: row.outcome,
    initiator: row.initiator,
    target: {
      typeURI: row.target_type_uri,
      id: row.target_id,
      ...(row.target_name !== null ? { name: row.target_name } : {}),
    },
    observer: row.observer,
    customerId: row.customer_id,
    tenantId: row.tenant_id,
    region: row.region,
    requestId: row.request_id,
    reason: row.reason,
    data: row.data,
  };
}

/**
 * Appends events at the end of the log. Must run inside a transaction: the head row's lock is
 * held until commit, so concurrent appenders commit in sequence order.
 */
export async function appendEvents(tx: Queryable, events: readonly NewEvent[]): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const { rows } = await tx.query<{ seq: number }>(
    'UPDATE event_log_head SET seq = seq + $1 RETURNING seq',
    [events.length],
  );
  const last = rows[0]!.seq;
  const recorded = events.map((event, index) => ({ ...event, seq: last - events.length + 1 + index }));
  await tx.query(
    `INSERT INTO event_log SELECT * FROM jsonb_populate_recordset(null::event_log, $1::jsonb)`,
    [JSON.stringify(recorded.map(toRow))],
  );
  return recorded;
}

/** Events after `afterSeq`, oldest first. */
export async function readEvents(db: Queryable, afterSeq: number, limit: number): Promise<RecordedEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${columns} FROM event_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows.map(fromRow);
}

export async function headSeq(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ seq: number }>('SELECT seq FROM event_log_head');
  return rows[0]?.seq ?? 0;
}
