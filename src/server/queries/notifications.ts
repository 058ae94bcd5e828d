import type { DeliveryStatus, NotificationChannel, NotificationPriority, NotificationType } from '../../protocol/notifications.js';
import type { Queryable } from '../../store/database.js';
import { decodeUuidCursor, pageOf } from './paging.js';

/**
 * Reads of the stored notifications: a user's own (the Notifications page) and a customer's
 * (administrators, with recipients and delivery status). Both newest first, by id (UUIDv7,
 * time-ordered), with the page's filters.
 */

export interface NotificationFilters {
  text?: string | undefined;
  type?: NotificationType | undefined;
  priority?: NotificationPriority | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

interface Notification {
  id: string;
  type: NotificationType;
  priority: NotificationPriority;
  subject: string;
  text: string;
  tenant: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: (placeholder: string) => string, value: unknown): void {
    this.params.push(value);
    this.clauses.push(clause(`$${this.params.length}`));
  }

  toString(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** `%` and `_` in the words are matched as themselves. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered(where: Where, idColumn: string, filters: NotificationFilters): void {
  if (filters.text !== undefined) where.add((p) => `(n.subject ILIKE ${p} OR n.body ILIKE ${p})`, likePattern(filters.text));
  if (filters.type !== undefined) where.add((p) => `n.type = ${p}`, filters.type);
  if (filters.priority !== undefined) where.add((p) => `n.priority = ${p}`, filters.priority);
  if (filters.from !== undefined) where.add((p) => `n.created_at >= ${p}`, filters.from);
  if (filters.to !== undefined) where.add((p) => `n.created_at < ${p}`, filters.to);
  const after = decodeUuidCursor(filters.cursor);
  if (after !== null) where.add((p) => `${idColumn} < ${p}`, after);
}

const columns = `n.id, n.type, n.priority, n.subject, n.body AS text, t.name AS tenant, n.data, n.created_at AS "createdAt"`;

export async function listOwnNotifications(
  db: Queryable,
  userId: string,
  filters: NotificationFilters & { read?: boolean | undefined; id?: string | undefined },
) {
  const where = new Where();
  where.add((p) => `r.user_id = ${p}`, userId);
  if (filters.id !== undefined) where.add((p) => `r.notification_id = ${p}`, filters.id);
  if (filters.read !== undefined) where.clauses.push(filters.read ? 'rd.read_at IS NOT NULL' : 'rd.read_at IS NULL');
  filtered(where, 'r.notification_id', filters);
  const { rows } = await db.query<Notification & { readAt: string | null; read: boolean }>(
    `SELECT ${columns}, rd.read_at AS "readAt", rd.read_at IS NOT NULL AS read
       FROM notification_recipients r
       JOIN notifications n ON n.id = r.notification_id
       LEFT JOIN tenants t ON t.id = n.tenant_id
       LEFT JOIN notification_reads rd ON rd.user_id = r.user_id AND rd.notification_id = r.notification_id
       ${where} ORDER BY r.notification_id DESC LIMIT ${filters.limit + 1}`,
    where.params,
  );
  return pageOf(rows, filters.limit, (n) => n.id);
}

interface Delivery {
  notificationId: string;
  channel: NotificationChannel;
  to: string;
  user: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
}

/** A customer's notifications (every notification when customerId is null), with who they went to and how. */
export async function listSentNotifications(
  db: Queryable,
  customerId: string | null,
  filters: NotificationFilters & { delivery?: DeliveryStatus | undefined },
) {
  const where = new Where();
  if (customerId !== null) where.add((p) => `n.customer_id = ${p}`, customerId);
  if (filters.delivery !== undefined) {
    where.add((p) => `EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status = ${p})`, filters.delivery);
  }
  filtered(where, 'n.id', filters);
  const { rows } = await db.query<Notification & { customer: string | null; contacts: string[] }>(
    `SELECT ${columns}, c.name AS customer, n.contacts
       FROM notifications n LEFT JOIN tenants t ON t.id = n.tenant_id LEFT JOIN customers c ON c.id = n.customer_id
       ${where} ORDER BY n.id DESC LIMIT ${filters.limit + 1}`,
    where.params,
  );
  const page = pageOf(rows, filters.limit, (n) => n.id);
  const ids = page.items.map((n) => n.id);
  const recipients = ids.length === 0 ? [] : (
    await db.query<{ notificationId: string; user: string; read: boolean }>(
      `SELECT r.notification_id AS "notificationId", u.name AS user, rd.read_at IS NOT NULL AS read
         FROM notification_recipients r JOIN users u ON u.id = r.user_id
         LEFT JOIN notification_reads rd ON rd.user_id = r.user_id AND rd.notification_id = r.notification_id
        WHERE r.notification_id = ANY($1::uuid[]) ORDER BY u.name`,
      [ids],
    )
  ).rows;
  const deliveries = ids.length === 0 ? [] : (
    await db.query<Delivery>(
      `SELECT d.notification_id AS "notificationId", d.channel,
              CASE WHEN d.channel = 'push' THEN coalesce(p.label, 'a removed push subscription') ELSE d.target END AS to,
              u.name AS user, d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt", d.last_error AS "lastError", d.sent_at AS "sentAt"
         FROM notification_deliveries d LEFT JOIN users u ON u.id = d.user_id
         LEFT JOIN push_subscriptions p ON d.channel = 'push' AND p.id::text = d.target
        WHERE d.notification_id = ANY($1::uuid[]) ORDER BY d.id`,
      [ids],
    )
  ).rows;
  const of = <T extends { notificationId: string }>(rows: T[], id: string) =>
    rows.filter((row) => row.notificationId === id).map(({ notificationId: _, ...rest }) => rest);
  return {
    items: page.items.map((n) => ({ ...n, recipients: of(recipients, n.id), deliveries: of(deliveries, n.id) })),
    nextCursor: page.nextCursor,
  };
}

/** Of these notifications, the ids that are the user's and not already read (or, for read false, not unread). */
export async function notificationsToMark(db: Queryable, userId: string, ids: readonly string[], read: boolean): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.notification_id AS id FROM notification_recipients r
       LEFT JOIN notification_reads rd ON rd.user_id = r.user_id AND rd.notification_id = r.notification_id
      WHERE r.user_id = $1 AND r.notification_id = ANY($2::uuid[]) AND (rd.read_at IS NULL) = $3`,
    [userId, ids, read],
  );
  return rows.map((row) => row.id);
}

export interface PushSubscriptionView {
  id: string;
  label: string;
  endpointHost: string;
  createdAt: string;
}

export async function pushSubscriptionsOf(db: Queryable, userId: string, endpoint?: string): Promise<PushSubscriptionView[]> {
  const { rows } = await db.query<{ id: string; label: string; endpoint: string; createdAt: string }>(
    `SELECT id, label, endpoint, created_at AS "createdAt" FROM push_subscriptions
      WHERE user_id = $1 AND ($2::text IS NULL OR endpoint = $2) ORDER BY created_at, id`,
    [userId, endpoint ?? null],
  );
  return rows.map(({ endpoint: url, ...rest }) => ({ ...rest, endpointHost: new URL(url).host }));
}
