import type { NotificationPriority, NotificationType } from '../../../protocol/notifications.js';
import type { Queryable } from '../../../store/database.js';

/** A notification as it is kept: once, with its data and rendered subject and text, not per recipient. */
export interface StoredNotification {
  id: string;
  eventId: string;
  type: NotificationType;
  priority: NotificationPriority;
  customerId: string | null;
  tenantId: string | null;
  data: Record<string, unknown>;
  subject: string;
  body: string;
  contacts: string[];
  createdAt: string;
  /** Every user it is for, whatever they chose for e-mail and push: the Notifications page shows it to them. */
  userIds: string[];
}

/**
 * The in-app channel: every notification is stored for the Notifications page, for all its
 * users, in two statements however many there are.
 */
export async function storeNotifications(tx: Queryable, notifications: readonly StoredNotification[]): Promise<void> {
  if (notifications.length === 0) return;
  const rows = notifications.map((n) => ({
    id: n.id,
    event_id: n.eventId,
    type: n.type,
    priority: n.priority,
    customer_id: n.customerId,
    tenant_id: n.tenantId,
    data: n.data,
    subject: n.subject,
    body: n.body,
    contacts: n.contacts,
    created_at: n.createdAt,
  }));
  await tx.query('INSERT INTO notifications SELECT * FROM jsonb_populate_recordset(null::notifications, $1::jsonb)', [JSON.stringify(rows)]);
  const users = notifications.flatMap((n) => n.userIds);
  const ids = notifications.flatMap((n) => n.userIds.map(() => n.id));
  if (users.length > 0) {
    await tx.query('INSERT INTO notification_recipients (user_id, notification_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])', [users, ids]);
  }
}
