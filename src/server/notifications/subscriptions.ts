import {
  notificationChannels,
  notificationTypeNames,
  notificationTypes,
  type NotificationChannel,
  type NotificationType,
} from '../../protocol/notifications.js';
import type { Queryable } from '../../store/database.js';

/**
 * Whether a user receives a type by a channel: their own choice, else the default of the
 * tenant the notification is about, else the type's built-in default. Read for many users and
 * tenants at once.
 */

export type ChoiceSource = 'user' | 'tenant' | 'built-in';

export interface Choice {
  type: NotificationType;
  channel: NotificationChannel;
  enabled: boolean;
  source: ChoiceSource;
}

export interface Choices {
  of(userId: string | null, tenantId: string | null, type: NotificationType, channel: NotificationChannel): Choice;
  /** Every type and channel, for one user (or none) in one tenant (or none). */
  all(userId: string | null, tenantId: string | null): Choice[];
}

const key = (owner: string, type: string, channel: string) => `${owner}/${type}/${channel}`;

export async function loadChoices(db: Queryable, userIds: readonly string[], tenantIds: readonly string[]): Promise<Choices> {
  const own = new Map<string, boolean>();
  const defaults = new Map<string, boolean>();
  if (userIds.length > 0) {
    const { rows } = await db.query<{ owner: string; type: string; channel: string; enabled: boolean }>(
      'SELECT user_id AS owner, type, channel, enabled FROM notification_subscriptions WHERE user_id = ANY($1::uuid[])',
      [userIds],
    );
    for (const row of rows) own.set(key(row.owner, row.type, row.channel), row.enabled);
  }
  if (tenantIds.length > 0) {
    const { rows } = await db.query<{ owner: string; type: string; channel: string; enabled: boolean }>(
      'SELECT tenant_id AS owner, type, channel, enabled FROM notification_defaults WHERE tenant_id = ANY($1::uuid[])',
      [tenantIds],
    );
    for (const row of rows) defaults.set(key(row.owner, row.type, row.channel), row.enabled);
  }
  const of: Choices['of'] = (userId, tenantId, type, channel) => {
    const mine = userId !== null ? own.get(key(userId, type, channel)) : undefined;
    if (mine !== undefined) return { type, channel, enabled: mine, source: 'user' };
    const tenants = tenantId !== null ? defaults.get(key(tenantId, type, channel)) : undefined;
    if (tenants !== undefined) return { type, channel, enabled: tenants, source: 'tenant' };
    return { type, channel, enabled: notificationTypes[type][channel], source: 'built-in' };
  };
  return {
    of,
    all: (userId, tenantId) => notificationTypeNames.flatMap((type) => notificationChannels.map((channel) => of(userId, tenantId, type, channel))),
  };
}
