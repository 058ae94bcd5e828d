// 11. Notifications: the outbox consumer turning 20,000 instance.stateChanged events into
// notifications (events read from the log, owners and their subscriptions looked up, subject and
// text rendered from the templates, the notification, its recipient and its e-mail delivery
// stored) against a bare INSERT of the same rows into tables without keys, 500 per transaction.
import { systemClock } from '../src/domain/clock.js';
import { uuidv7 } from '../src/protocol/ids.js';
import { initiatorOf, systemActor } from '../src/server/actor.js';
import { createLogger } from '../src/server/logger.js';
import { NotificationConsumer } from '../src/server/notifications/consumer.js';
import { TemplateCatalog } from '../src/server/notifications/templates.js';
import type { Database } from '../src/store/database.js';
import { appendEvents, headSeq, type NewEvent } from '../src/store/event-log.js';
import { deliverNext, registerConsumer } from '../src/store/outbox.js';
import { flavourName, openBenchDatabase, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const USERS = 1000;
const EVENTS = 20_000;
const BATCH = 500;
const TENANT = '00000000-0000-4000-8000-000000000003';

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

/** A tenant with 1,000 users (with e-mail; one in ten turned e-mail off for these), each owning one instance. */
async function fill(db: Database): Promise<void> {
  await db.exec(`
    INSERT INTO customers (id, name, display_name, status, created_at, updated_at)
      VALUES ('00000000-0000-4000-8000-000000000001', 'BENCH', 'Bench', 'active', now(), now());
    INSERT INTO regions (id, name, cloud, kind, native_name, status, description, created_at, updated_at)
      VALUES ('00000000-0000-4000-8000-000000000002', 'BENCH-SIM', 'SIMULATED', 'private', 'bench-sim', 'active', '', now(), now());
    INSERT INTO tenants (id, customer_id, group_id, name, display_name, description, status, contacts, created_at, updated_at)
      VALUES ('${TENANT}', '00000000-0000-4000-8000-000000000001', NULL, 'BENCH-T', 'Bench', '', 'active', '[]', now(), now());
    INSERT INTO users (id, name, display_name, email, customer_id, system_admin, status, password_hash, created_at, updated_at)
      SELECT gen_random_uuid(), 'user-' || n, 'User ' || n, 'user-' || n || '@example.test', '00000000-0000-4000-8000-000000000001',
             false, 'active', NULL, now(), now()
        FROM generate_series(1, ${USERS}) n;
    INSERT INTO instances (id, tenant_id, region_id, native_id, name, state, shape, cpu, ram_mb, disk_gb, image_id, key_name, owner_id,
                           managed, termination_protection, tags, tags_folded, stop_after, terminate_after, state_reason, launched_at, created_at, updated_at)
      SELECT gen_random_uuid(), '${TENANT}', '00000000-0000-4000-8000-000000000002', 'vm-' || u.name, 'vm-' || u.name, 'running', 'SMALL',
             1, 2048, 10, NULL, NULL, u.id, true, false, '{}', '{}', NULL, NULL, NULL, now(), now(), now()
        FROM users u;
    INSERT INTO notification_subscriptions (user_id, type, channel, enabled, updated_at)
      SELECT id, 'instanceStateChanged', 'email', (right(name, 1) <> '0'), now() FROM users;
    ANALYZE;
  `);
}

async function appendStateChanges(db: Database): Promise<void> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM instances ORDER BY id');
  const origin = { initiator: initiatorOf(systemActor('cloud')), observer: { typeURI: 'service/maestro', id: 'bench' } };
  for (let at = 0; at < EVENTS; at += 5000) {
    const events: NewEvent[] = Array.from({ length: Math.min(5000, EVENTS - at) }, (_, i) => {
      const instance = rows[(at + i) % rows.length]!.id;
      const [previous, state] = (at + i) % 2 === 0 ? ['running', 'stopped'] : ['stopped', 'running'];
      return {
        id: uuidv7(), type: 'instance.stateChanged', time: new Date().toISOString(), eventType: 'monitor', action: 'update', outcome: 'success',
        ...origin, target: { typeURI: 'compute/machine/vm', id: instance }, customerId: '00000000-0000-4000-8000-000000000001', tenantId: TENANT,
        region: 'BENCH-SIM', requestId: null, reason: null, data: { id: instance, state, previous, reason: null },
      };
    });
    await db.transaction((tx) => appendEvents(tx, events));
  }
}

/** The rows the consumer wrote, in the consumer's batches, for the baseline to insert again. */
async function storedBatches(db: Database): Promise<Array<{ notifications: string; recipients: string; deliveries: string }>> {
  const chunk = async (table: string, where: string, ids: string[]) =>
    JSON.stringify((await db.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM ${table} t WHERE ${where} = ANY($1::uuid[])`, [ids])).rows.map((r) => r.row));
  const { rows } = await db.query<{ id: string }>('SELECT id FROM notifications ORDER BY id');
  const batches = [];
  for (let at = 0; at < rows.length; at += BATCH) {
    const ids = rows.slice(at, at + BATCH).map((r) => r.id);
    batches.push({
      notifications: await chunk('notifications', 'id', ids),
      recipients: await chunk('notification_recipients', 'notification_id', ids),
      deliveries: await chunk('notification_deliveries', 'notification_id', ids),
    });
  }
  return batches;
}

async function measureFlavour(flavour: Flavour): Promise<Figure> {
  const { db, close } = await openBenchDatabase(flavour);
  try {
    await fill(db);
    const consumer = new NotificationConsumer({
      // State changes go to instance owners: no permission is looked up.
      authorizer: { effective: () => Promise.reject(new Error('not used by this benchmark')) },
      templates: TemplateCatalog.load(),
      clock: systemClock,
      logger: createLogger('silent'),
      email: true,
    });
    await registerConsumer(db, consumer.name, await headSeq(db));
    await appendStateChanges(db);

    const measured = await seconds(async () => {
      while ((await deliverNext(db, consumer)) > 0);
    });
    const { rows } = await db.query<{ notifications: number; deliveries: number }>(
      'SELECT (SELECT count(*)::int FROM notifications) AS notifications, (SELECT count(*)::int FROM notification_deliveries) AS deliveries',
    );
    const { notifications, deliveries } = rows[0]!;

    await db.exec(`CREATE TABLE bench_notifications (LIKE notifications); CREATE TABLE bench_recipients (LIKE notification_recipients);
                   CREATE TABLE bench_deliveries (LIKE notification_deliveries)`);
    const batches = await storedBatches(db);
    const baseline = await seconds(async () => {
      for (const batch of batches) {
        await db.transaction(async (tx) => {
          await tx.query('INSERT INTO bench_notifications SELECT * FROM jsonb_populate_recordset(null::bench_notifications, $1::jsonb)', [batch.notifications]);
          await tx.query('INSERT INTO bench_recipients SELECT * FROM jsonb_populate_recordset(null::bench_recipients, $1::jsonb)', [batch.recipients]);
          await tx.query('INSERT INTO bench_deliveries SELECT * FROM jsonb_populate_recordset(null::bench_deliveries, $1::jsonb)', [batch.deliveries]);
        });
      }
    });
    return {
      benchmark: 'notifications',
      name: `notifications rendered and stored, ${flavourName[flavour]}`,
      value: notifications / measured,
      unit: 'notifications/s',
      baseline: { name: 'bare INSERT of the same rows', value: notifications / baseline },
      target: { kind: 'at-least', value: 2000 },
      details: { events: EVENTS, notifications, deliveries, users: USERS, batch: BATCH, seconds: Number(measured.toFixed(2)), baselineSeconds: Number(baseline.toFixed(2)) },
    };
  } finally {
    await close();
  }
}

export async function notifications(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of flavours) figures.push(await measureFlavour(flavour));
  return figures;
}
