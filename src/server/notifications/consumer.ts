import type { RecordedEvent } from '../../protocol/events.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Clock } from '../../domain/clock.js';
import type { Queryable } from '../../store/database.js';
import type { Consumer } from '../../store/outbox.js';
import type { Authorizer } from '../access/authorizer.js';
import type { Logger } from '../logger.js';
import { storeNotifications, type StoredNotification } from './channels/in-app.js';
import { queueDeliveries, type NewDelivery } from './deliveries.js';
import { loadFacts, type Facts } from './facts.js';
import { prepareRecipients, type Recipients } from './recipients.js';
import { loadChoices } from './subscriptions.js';
import type { TemplateCatalog } from './templates.js';
import { triggersByEvent, type Trigger } from './triggers.js';

export interface NotificationConsumerDeps {
  authorizer: Pick<Authorizer, 'effective'>;
  templates: TemplateCatalog;
  clock: Clock;
  logger: Logger;
  /** Whether e-mail is on: without an SMTP server no e-mail is queued. */
  email: boolean;
}

interface Match {
  event: RecordedEvent;
  trigger: Trigger;
  data: unknown;
}

/**
 * The outbox consumer that turns events into notifications (src/server/notifications/triggers.ts
 * says which). It is transactional: the notifications, their recipients and the deliveries to
 * send are written in the transaction that moves its checkpoint, so each event is notified
 * exactly once, across crashes and nodes. Sending happens afterwards (delivery.ts).
 */
export class NotificationConsumer implements Consumer {
  readonly name = 'notifications';
  readonly mode = 'transactional';
  readonly batchSize = 500;
  #queued = false;

  constructor(private readonly deps: NotificationConsumerDeps) {}

  /** Whether deliveries were queued since the last call: the runtime wakes delivery once they are committed. */
  takeQueued(): boolean {
    const queued = this.#queued;
    this.#queued = false;
    return queued;
  }

  async handle(events: readonly RecordedEvent[], tx: Queryable): Promise<void> {
    const matches = this.#match(events);
    if (matches.length === 0) return;
    const facts = await loadFacts(
      tx,
      matches.map(({ event, trigger, data }) => {
        const needs = trigger.needs?.(data) ?? {};
        return { ...needs, tenants: [...(needs.tenants ?? []), ...(event.tenantId ? [event.tenantId] : [])] };
      }),
    );
    const specs = matches.map(({ trigger, data }) => trigger.recipients(data, facts));
    const resolve = await prepareRecipients(tx, this.deps.authorizer, facts, specs.flat());
    const told: Array<Match & { recipients: Recipients }> = [];
    for (const [i, match] of matches.entries()) {
      const recipients = await resolve(specs[i]!);
      if (recipients.users.length > 0 || recipients.contacts.length > 0) told.push({ ...match, recipients });
    }
    if (told.length === 0) return;
    await this.#store(tx, told, facts);
  }

  #match(events: readonly RecordedEvent[]): Match[] {
    const matches: Match[] = [];
    for (const event of events) {
      const trigger = event.outcome === 'success' ? triggersByEvent.get(event.type) : undefined;
      if (!trigger) continue;
      const parsed = trigger.data.safeParse(event.data);
      if (parsed.success) matches.push({ event, trigger, data: parsed.data });
      else this.deps.logger.warn({ event: event.id, type: event.type, issues: parsed.error.issues }, 'an event of a notified type has data this Maestro cannot read; not notified');
    }
    return matches;
  }

  async #store(tx: Queryable, told: ReadonlyArray<Match & { recipients: Recipients }>, facts: Facts): Promise<void> {
    const customerOf = (event: RecordedEvent) => event.customerId ?? facts.tenant(event.tenantId)?.customerId ?? null;
    const distinct = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))];
    const userIds = distinct(told.flatMap((t) => t.recipients.users.map((u) => u.id)));
    const choices = await loadChoices(tx, userIds, distinct(told.map((t) => t.event.tenantId)));
    const pushTargets = await pushSubscriptionsOf(tx, userIds);
    const templates = await this.deps.templates.forCustomers(tx, distinct(told.map((t) => customerOf(t.event))));

    const notifications: StoredNotification[] = [];
    const deliveries: NewDelivery[] = [];
    for (const { event, trigger, data, recipients } of told) {
      const type = trigger.notification;
      const customerId = customerOf(event);
      const view = { at: event.time, tenant: facts.tenant(event.tenantId)?.name ?? null, ...trigger.view(data, facts, event) };
      const id = uuidv7();
      notifications.push({
        id,
        eventId: event.id,
        type,
        priority: trigger.priority(data),
        customerId,
        tenantId: event.tenantId,
        data: view,
        subject: templates.render(customerId, type, 'subject', view),
        body: templates.render(customerId, type, 'inApp', view),
        contacts: recipients.contacts,
        createdAt: event.time,
        userIds: recipients.users.map((u) => u.id),
      });
      const wants = (userId: string, channel: 'email' | 'push') => choices.of(userId, event.tenantId, type, channel).enabled;
      const mailed = new Set<string>();
      for (const user of recipients.users) {
        if (this.deps.email && user.email && wants(user.id, 'email')) {
          deliveries.push({ notificationId: id, channel: 'email', userId: user.id, target: user.email });
          mailed.add(user.email.toLowerCase());
        }
        if (wants(user.id, 'push')) {
          for (const target of pushTargets.get(user.id) ?? []) deliveries.push({ notificationId: id, channel: 'push', userId: user.id, target });
        }
      }
      if (this.deps.email) {
        for (const address of recipients.contacts) {
          if (!mailed.has(address)) deliveries.push({ notificationId: id, channel: 'email', userId: null, target: address });
        }
      }
    }
    await storeNotifications(tx, notifications);
    await queueDeliveries(tx, deliveries, this.deps.clock.now());
    if (deliveries.length > 0) this.#queued = true;
  }
}

/** Each user's push subscriptions (their ids), for the users of a batch. */
async function pushSubscriptionsOf(tx: Queryable, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (userIds.length === 0) return byUser;
  const { rows } = await tx.query<{ id: string; userId: string }>(
    'SELECT id, user_id AS "userId" FROM push_subscriptions WHERE user_id = ANY($1::uuid[]) ORDER BY created_at',
    [userIds],
  );
  for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.id]);
  return byUser;
}
