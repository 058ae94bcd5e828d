import type { NotificationPriority, NotificationType } from '../../protocol/notifications.js';
import type { Queryable } from '../../store/database.js';
import { retryDelayMs } from '../jobs/backoff.js';
import type { Logger } from '../logger.js';
import type { SecretBox } from '../secrets.js';
import type { EmailChannel } from './channels/email.js';
import { consolePageOf } from './console-page.js';
import { PermanentFailure } from './channels/failure.js';
import type { PushChannel, PushSubscriptionKeys } from './channels/push.js';
import { claimDue, recordOutcomes, type ClaimedDelivery, type Outcome } from './deliveries.js';
import type { TemplateCatalog, TemplateSet } from './templates.js';

export interface DeliveryDeps {
  db: Queryable;
  templates: TemplateCatalog;
  secrets: SecretBox;
  /** Null when e-mail is off (no SMTP server configured). */
  email: EmailChannel | null;
  push: PushChannel;
  logger: Logger;
  maxAttempts: number;
  /** The first retry's delay; each next one doubles it. */
  retryMs: number;
  batchSize?: number;
  /** Messages in flight at once. */
  concurrency?: number;
  /** How long a claimed delivery is this node's before another may send it. */
  leaseMs?: number;
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

interface Stored {
  id: string;
  type: NotificationType;
  priority: NotificationPriority;
  customerId: string | null;
  data: Record<string, unknown>;
  subject: string;
  body: string;
}

interface Batch {
  notifications: Map<string, Stored>;
  pushSubscriptions: Map<string, { endpoint: string; keysSealed: string }>;
  templates: TemplateSet;
}

/**
 * Sends every e-mail and push message due at `now`: each claimed, sent, and recorded as sent,
 * retried after a back-off that doubles (attempts, next attempt time and last error kept), or
 * failed for good after the last attempt or an error no retry can help. Self-contained, so a
 * timer (runtime.ts) or a system job can call it; several nodes may call it at once.
 */
export async function deliverDue(deps: DeliveryDeps, now: Date): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  const limit = deps.batchSize ?? 200;
  for (;;) {
    const claimed = await claimDue(deps.db, now, new Date(now.getTime() + (deps.leaseMs ?? 300_000)), limit);
    if (claimed.length === 0) break;
    const batch = await readBatch(deps, claimed);
    const outcomes = await mapLimit(claimed, deps.concurrency ?? 8, async (delivery) => ({ delivery, outcome: await attempt(deps, batch, delivery, now) }));
    await recordOutcomes(deps.db, outcomes, now);
    for (const { delivery, outcome } of outcomes) {
      if (outcome.status === 'sent') report.sent++;
      else if (outcome.status === 'pending') report.retrying++;
      else {
        report.failed++;
        deps.logger.warn({ delivery: delivery.id, channel: delivery.channel, attempts: delivery.attempts, error: outcome.error }, 'notification delivery failed for good');
      }
    }
    if (claimed.length < limit) break;
  }
  return report;
}

async function readBatch(deps: DeliveryDeps, claimed: readonly ClaimedDelivery[]): Promise<Batch> {
  const { rows } = await deps.db.query<Stored>(
    `SELECT id, type, priority, customer_id AS "customerId", data, subject, body FROM notifications WHERE id = ANY($1::uuid[])`,
    [[...new Set(claimed.map((d) => d.notificationId))]],
  );
  const pushIds = claimed.filter((d) => d.channel === 'push').map((d) => d.target);
  const pushRows =
    pushIds.length === 0
      ? []
      : (await deps.db.query<{ id: string; endpoint: string; keysSealed: string }>(
          'SELECT id, endpoint, keys_sealed AS "keysSealed" FROM push_subscriptions WHERE id = ANY($1::uuid[])',
          [pushIds],
        )).rows;
  const customers = [...new Set(rows.flatMap((n) => (n.customerId ? [n.customerId] : [])))];
  return {
    notifications: new Map(rows.map((n) => [n.id, n])),
    pushSubscriptions: new Map(pushRows.map((p) => [p.id, p])),
    templates: await deps.templates.forCustomers(deps.db, customers),
  };
}

async function attempt(deps: DeliveryDeps, batch: Batch, delivery: ClaimedDelivery, now: Date): Promise<Outcome> {
  try {
    await send(deps, batch, delivery);
    return { status: 'sent' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof PermanentFailure || delivery.attempts >= deps.maxAttempts) return { status: 'failed', error: message };
    return { status: 'pending', nextAttemptAt: new Date(now.getTime() + retryDelayMs(delivery.attempts, deps.retryMs)), error: message };
  }
}

async function send(deps: DeliveryDeps, batch: Batch, delivery: ClaimedDelivery): Promise<void> {
  const notification = batch.notifications.get(delivery.notificationId);
  if (!notification) throw new PermanentFailure('the notification is gone');
  const render = (part: 'email' | 'push') => batch.templates.render(notification.customerId, notification.type, part, notification.data);
  if (delivery.channel === 'email') {
    // Retried, not failed: the node that claimed it may be the one whose SMTP settings are missing.
    if (!deps.email) throw new Error('e-mail is off on this node: MAESTRO_SMTP_HOST is not set');
    await deps.email.send({ to: delivery.target, subject: notification.subject, html: render('email'), text: notification.body, priority: notification.priority });
    return;
  }
  const subscription = batch.pushSubscriptions.get(delivery.target);
  if (!subscription) throw new PermanentFailure('the push subscription was removed');
  await deps.push.send({
    endpoint: subscription.endpoint,
    keys: JSON.parse(deps.secrets.open(subscription.keysSealed)) as PushSubscriptionKeys,
    payload: {
      id: notification.id,
      type: notification.type,
      priority: notification.priority,
      title: notification.subject,
      body: render('push'),
      url: consolePageOf(notification),
    },
  });
}

/** Runs `fn` over the items with at most `limit` in flight, keeping their order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
