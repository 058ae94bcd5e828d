import type { EventData, RecordedEvent } from '../../protocol/events.js';
import * as events from '../../protocol/events/notifications.js';
import type { Queryable } from '../../store/database.js';
import { entityProjection, type Projection } from '../../store/projection.js';

type Marked = EventData<typeof events.notificationsMarked>;

/**
 * Read marks: one event marks many notifications, so this folds into many rows at once, which
 * the one-row-per-event reducers of entityProjection cannot express.
 */
const notificationReads: Projection = {
  name: 'notification_reads',
  tables: ['notification_reads'],
  eventTypes: new Set([events.notificationsMarked.type]),
  async apply(tx, recorded) {
    for (const event of marks(recorded)) {
      const { userId, ids, read } = event.data;
      if (read) {
        await tx.query(
          `INSERT INTO notification_reads (user_id, notification_id, read_at)
           SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING`,
          [userId, ids, event.time],
        );
      } else {
        await tx.query('DELETE FROM notification_reads WHERE user_id = $1 AND notification_id = ANY($2::uuid[])', [userId, ids]);
      }
    }
  },
  replay() {
    const readAt = new Map<string, { userId: string; notificationId: string; readAt: string }>();
    return {
      fold(recorded) {
        for (const event of marks(recorded)) {
          for (const notificationId of event.data.ids) {
            const key = `${event.data.userId}/${notificationId}`;
            if (!event.data.read) readAt.delete(key);
            else if (!readAt.has(key)) readAt.set(key, { userId: event.data.userId, notificationId, readAt: event.time });
          }
        }
      },
      async write(tx: Queryable) {
        const rows = [...readAt.values()].map((r) => ({ user_id: r.userId, notification_id: r.notificationId, read_at: r.readAt }));
        for (let at = 0; at < rows.length; at += 5000) {
          await tx.query(
            `INSERT INTO notification_reads SELECT * FROM jsonb_populate_recordset(null::notification_reads, $1::jsonb)`,
            [JSON.stringify(rows.slice(at, at + 5000))],
          );
        }
      },
    };
  },
};

function marks(recorded: readonly RecordedEvent[]): RecordedEvent<Marked>[] {
  return recorded.filter((e) => e.type === events.notificationsMarked.type && e.outcome === 'success') as RecordedEvent<Marked>[];
}

interface ChoiceRow {
  type: string;
  channel: string;
  enabled: boolean;
  updatedAt: string;
}

const notificationSubscriptions = entityProjection<ChoiceRow & { userId: string }>({
  name: 'notification_subscriptions',
  table: { table: 'notification_subscriptions', columns: ['userId', 'type', 'channel', 'enabled', 'updatedAt'], key: ['userId', 'type', 'channel'] },
  reducers: (on) => [
    on(
      events.notificationSubscriptionSet,
      (d) => ({ userId: d.userId, type: d.type, channel: d.channel }),
      // enabled null removes the row: the tenant's default applies again.
      (_row, d, e) => (d.enabled === null ? undefined : { ...d, enabled: d.enabled, updatedAt: e.time }),
    ),
  ],
});

const notificationDefaults = entityProjection<ChoiceRow & { tenantId: string }>({
  name: 'notification_defaults',
  table: { table: 'notification_defaults', columns: ['tenantId', 'type', 'channel', 'enabled', 'updatedAt'], key: ['tenantId', 'type', 'channel'] },
  reducers: (on) => [
    on(
      events.notificationDefaultSet,
      (d) => ({ tenantId: d.tenantId, type: d.type, channel: d.channel }),
      (_row, d, e) => (d.enabled === null ? undefined : { ...d, enabled: d.enabled, updatedAt: e.time }),
    ),
  ],
});

interface TemplateRow {
  customerId: string;
  type: string;
  part: string;
  template: string;
  updatedAt: string;
}

const notificationTemplates = entityProjection<TemplateRow>({
  name: 'notification_templates',
  table: { table: 'notification_templates', columns: ['customerId', 'type', 'part', 'template', 'updatedAt'], key: ['customerId', 'type', 'part'] },
  reducers: (on) => [
    on(
      events.notificationTemplateSet,
      (d) => ({ customerId: d.customerId, type: d.type, part: d.part }),
      (_row, d, e) => (d.template === null ? undefined : { ...d, template: d.template, updatedAt: e.time }),
    ),
  ],
});

interface PushSubscriptionRow {
  id: string;
  userId: string;
  endpoint: string;
  keysSealed: string;
  label: string;
  createdAt: string;
}

const pushSubscriptions = entityProjection<PushSubscriptionRow>({
  name: 'push_subscriptions',
  table: { table: 'push_subscriptions', columns: ['id', 'userId', 'endpoint', 'keysSealed', 'label', 'createdAt'], key: ['id'] },
  reducers: (on) => [
    on.set(events.pushSubscriptionRegistered, (d) => ({ id: d.id }), (d, e) => ({ ...d, createdAt: e.time })),
    on.remove(events.pushSubscriptionRemoved, (d) => ({ id: d.id })),
  ],
});

export const notificationProjections: readonly Projection[] = [
  notificationReads,
  notificationSubscriptions,
  notificationDefaults,
  notificationTemplates,
  pushSubscriptions,
];
