import type { Queryable } from '../../store/database.js';
import { fromRow, headSeq, type EventRow } from '../../store/event-log.js';
import { auditEventOf, type AuditEvent } from '../queries/audit-events.js';

/**
 * The reads behind the live stream, by position: events after an event-log sequence, and the
 * notifications of events in a range of sequences. Both are complete up to what they return:
 * appends commit in sequence order (store/event-log.ts), and the notifications of every event
 * up to the notifications consumer's checkpoint were committed with that checkpoint.
 */

/** An event with what deciding who sees it needs, and the answer events.describe gives for it. */
export interface LiveEvent {
  seq: number;
  tenantId: string | null;
  customerId: string | null;
  type: string;
  view: AuditEvent;
}

/** One notification for one of its users, as notifications.describe shows it to them. */
export interface LiveNotification {
  /** The sequence of the event it tells of. */
  seq: number;
  userId: string;
  view: {
    id: string;
    type: string;
    priority: string;
    subject: string;
    text: string;
    tenant: string | null;
    data: Record<string, unknown>;
    createdAt: string;
    read: boolean;
    readAt: string | null;
  };
}

/** The consumer whose checkpoint says how far notifications are stored (src/server/notifications/consumer.ts). */
const NOTIFICATIONS_CONSUMER = 'notifications';

export const eventLogHead = (db: Queryable): Promise<number> => headSeq(db);

export async function notificationsCheckpoint(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ seq: string | number }>('SELECT seq FROM consumer_checkpoints WHERE consumer = $1', [NOTIFICATIONS_CONSUMER]);
  return Number(rows[0]?.seq ?? 0);
}

export async function eventsAfter(db: Queryable, afterSeq: number, limit: number): Promise<LiveEvent[]> {
  const { rows } = await db.query<EventRow & { tenant_name: string | null }>(
    `SELECT e.*, t.name AS tenant_name FROM event_log e LEFT JOIN tenants t ON t.id = e.tenant_id
      WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows.map((row) => {
    const event = fromRow({ ...row, seq: Number(row.seq) });
    return { seq: event.seq, tenantId: event.tenantId, customerId: event.customerId, type: event.type, view: auditEventOf(event, row.tenant_name) };
  });
}

const iso = (value: string | Date | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * Notifications of the events after `afterSeq` up to `upToSeq`, per recipient, oldest event
 * first; only `userId`'s when given. At most `limit` events' worth (`complete` when fewer: the
 * range holds no more); an event's notifications are never cut in half, so the next read can start
 * after `lastSeq`.
 */
export async function notificationsBetween(
  db: Queryable,
  range: { afterSeq: number; upToSeq: number; limit: number; userId?: string },
): Promise<{ items: LiveNotification[]; lastSeq: number | null; complete: boolean }> {
  const params: unknown[] = [range.afterSeq, range.upToSeq, range.limit];
  const forUser = range.userId === undefined ? '' : `AND r.user_id = $${params.push(range.userId)}`;
  const { rows } = await db.query<{
    seq: string | number;
    userId: string;
    id: string;
    type: string;
    priority: string;
    subject: string;
    text: string;
    tenant: string | null;
    data: Record<string, unknown>;
    createdAt: string | Date;
    readAt: string | Date | null;
  }>(
    `WITH told AS (
       SELECT e.seq, e.id FROM event_log e
        WHERE e.seq > $1 AND e.seq <= $2
          AND EXISTS (SELECT 1 FROM notifications n JOIN notification_recipients r ON r.notification_id = n.id WHERE n.event_id = e.id ${forUser})
        ORDER BY e.seq LIMIT $3)
     SELECT told.seq, r.user_id AS "userId", n.id, n.type, n.priority, n.subject, n.body AS text, t.name AS tenant, n.data,
            n.created_at AS "createdAt", rd.read_at AS "readAt"
       FROM told
       JOIN notifications n ON n.event_id = told.id
       JOIN notification_recipients r ON r.notification_id = n.id
       LEFT JOIN tenants t ON t.id = n.tenant_id
       LEFT JOIN notification_reads rd ON rd.user_id = r.user_id AND rd.notification_id = n.id
      WHERE true ${forUser}
      ORDER BY told.seq, n.id, r.user_id`,
    params,
  );
  const items = rows.map((row) => ({
    seq: Number(row.seq),
    userId: row.userId,
    view: {
      id: row.id,
      type: row.type,
      priority: row.priority,
      subject: row.subject,
      text: row.text,
      tenant: row.tenant,
      data: row.data,
      createdAt: iso(row.createdAt)!,
      read: row.readAt !== null,
      readAt: iso(row.readAt),
    },
  }));
  // Fewer events than asked for: nothing else in the range has notifications.
  const complete = new Set(items.map((item) => item.seq)).size < range.limit;
  return { items, lastSeq: items.at(-1)?.seq ?? null, complete };
}
