import type { NotificationChannel } from '../../protocol/notifications.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Queryable } from '../../store/database.js';

/**
 * The e-mail and push messages to send, one row each (notification_deliveries): queued with
 * their notification, claimed under a lease by the node that sends them, then sent, retried
 * later, or failed for good. Nothing is ever dropped: a failed delivery stays, with its error.
 */

export interface NewDelivery {
  notificationId: string;
  channel: NotificationChannel;
  /** Null for a tenant contact. */
  userId: string | null;
  /** The e-mail address, or the push subscription's id. */
  target: string;
}

export interface ClaimedDelivery extends NewDelivery {
  id: string;
  /** This attempt included: it is also the claim's fencing token. */
  attempts: number;
}

export type Outcome =
  | { status: 'sent' }
  | { status: 'pending'; nextAttemptAt: Date; error: string }
  | { status: 'failed'; error: string };

export async function queueDeliveries(tx: Queryable, deliveries: readonly NewDelivery[], now: Date): Promise<void> {
  if (deliveries.length === 0) return;
  await tx.query(
    `INSERT INTO notification_deliveries (id, notification_id, channel, user_id, target, status, attempts, next_attempt_at, updated_at)
     SELECT id, notification_id, channel, user_id, target, 'pending', 0, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, notification_id uuid, channel text, user_id uuid, target text)`,
    [
      JSON.stringify(
        deliveries.map((d) => ({ id: uuidv7(), notification_id: d.notificationId, channel: d.channel, user_id: d.userId, target: d.target })),
      ),
      now.toISOString(),
    ],
  );
}

/**
 * Takes up to `limit` deliveries due at `now`, oldest first, and leases them until `leaseUntil`:
 * nodes claiming together take different rows, and a node that dies mid-send leaves its rows
 * to be claimed again when the lease ends (delivery is at least once).
 */
export async function claimDue(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<ClaimedDelivery>(
    `UPDATE notification_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = $2, updated_at = $1
      WHERE d.id IN (SELECT id FROM notification_deliveries
                      WHERE status = 'pending' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.notification_id AS "notificationId", d.channel, d.user_id AS "userId", d.target, d.attempts`,
    [now.toISOString(), leaseUntil.toISOString(), limit],
  );
  return rows;
}

/** Records what became of claimed deliveries, each only if its claim still stands. */
export async function recordOutcomes(db: Queryable, outcomes: ReadonlyArray<{ delivery: ClaimedDelivery; outcome: Outcome }>, now: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map(({ delivery, outcome }) => ({
    id: delivery.id,
    attempts: delivery.attempts,
    status: outcome.status,
    next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt.toISOString() : null,
    error: outcome.status === 'sent' ? null : outcome.error.slice(0, 2000),
    sent: outcome.status === 'sent',
  }));
  await db.query(
    `UPDATE notification_deliveries d
        SET status = o.status, next_attempt_at = o.next_attempt_at, last_error = coalesce(o.error, d.last_error),
            sent_at = CASE WHEN o.sent THEN $2::timestamptz END, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS o(id uuid, attempts integer, status text, next_attempt_at timestamptz, error text, sent boolean)
      WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'pending'`,
    [JSON.stringify(rows), now.toISOString()],
  );
}
