import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { loginApproved } from '../../src/protocol/events/login.js';
import { approvalApproved, approvalRejected } from '../../src/protocol/events/quotas.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { failsWith } from '../compute/setup.js';
import { clockedClient, quietConfig, tenantId } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, recordEvent } from './setup.js';

for (const flavour of flavours) {
  describe(`the Notifications page: filters, read marks, who sees what (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-04-01T08:00:00.000Z');
    const users: Record<string, { client: MaestroClient; id: string }> = {};
    /** alice's notifications, oldest first. */
    const aliceIds: string[] = [];
    const at = (hour: number) => `2026-04-01T${String(hour).padStart(2, '0')}:00:00.000Z`;

    const user = async (name: string, customer: string, customerRole?: string) => {
      const created = await admin.users.create({ name, customer });
      if (customerRole) await admin.users.addCustomerRole({ name, role: customerRole });
      users[name] = { client: clockedClient(server.url, await admin.keys.create({ user: name }), clock), id: created.id };
    };
    const login = async (name: string, hour: number, address: string) => {
      clock.set(at(hour));
      const userId = users[name]!.id;
      const { rows } = await server.maestro.db.query<{ customerId: string }>('SELECT customer_id AS "customerId" FROM users WHERE id = $1', [userId]);
      const data = { userId, approverId: null, approverName: 'otto', address };
      return recordEvent(server.maestro, clock, loginApproved, data, { target: { id: userId, name }, customerId: rows[0]!.customerId });
    };
    const decision = async (name: string, hour: number, tenant: string, approved: boolean, comment: string) => {
      clock.set(at(hour));
      const tenantUuid = await tenantId(server.maestro.db, tenant);
      const data = { id: crypto.randomUUID(), tenantId: tenantUuid, requesterId: users[name]!.id, deciderId: null, deciderName: 'abby', comment };
      return recordEvent(server.maestro, clock, approved ? approvalApproved : approvalRejected, data, { target: { id: data.id }, tenantId: tenantUuid });
    };
    const idsOf = (page: { items: Array<{ id: string }> }) => page.items.map((n) => n.id);

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: quietConfig });
      admin = clockedClient(server.url, server.credentials, clock);
      for (const [customer, tenant] of [['acme', 'acme-dev'], ['globex', 'globex-main']] as const) {
        await admin.customers.create({ name: customer });
        await admin.tenants.create({ customer, name: tenant });
      }
      await user('alice', 'acme');
      await user('bob', 'acme');
      await user('carol', 'globex');
      await user('ada', 'acme', 'admin');
      await user('gus', 'globex', 'admin');
      await login('alice', 9, '198.51.100.7');
      await decision('alice', 10, 'acme-dev', false, 'too expensive, 100% over');
      await decision('alice', 11, 'acme-dev', true, 'go ahead');
      await login('alice', 12, '203.0.113.9');
      await login('bob', 10, '192.0.2.1');
      await decision('carol', 10, 'globex-main', true, 'fine');
      const mine = await eventually(async () => {
        const page = await users.alice!.client.notifications.describe();
        return page.items.length === 4 ? page : null;
      }, 'alice’s four notifications');
      aliceIds.push(...idsOf(mine).reverse());
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('lists a user’s own notifications, newest first, with their rendered subject and text', async () => {
      const { items } = await users.alice!.client.notifications.describe();
      assert.deepEqual(
        items.map((n) => [n.type, n.priority, n.subject, n.createdAt, n.read]),
        [
          ['loginApproved', 'high', 'Your login was approved', at(12), false],
          ['approvalApproved', 'normal', 'Your request in tenant ACME-DEV was approved', at(11), false],
          ['approvalRejected', 'normal', 'Your request in tenant ACME-DEV was rejected', at(10), false],
          ['loginApproved', 'high', 'Your login was approved', at(9), false],
        ],
      );
      assert.equal(items[0]!.text, `otto approved your login from 203.0.113.9 at ${at(12)}.`);
      assert.equal(items[1]!.tenant, 'ACME-DEV');
      assert.equal(items[0]!.tenant, null);
    });

    it('filters by content, type, priority and time, and pages', async () => {
      const alice = users.alice!.client;
      assert.deepEqual(idsOf(await alice.notifications.describe({ text: 'TOO EXPENSIVE' })), [aliceIds[1]]);
      assert.deepEqual(idsOf(await alice.notifications.describe({ text: '100%' })), [aliceIds[1]], '% is matched as itself');
      assert.deepEqual(idsOf(await alice.notifications.describe({ text: '1%0' })), []);
      assert.deepEqual(idsOf(await alice.notifications.describe({ text: '203.0.113' })), [aliceIds[3]]);
      assert.deepEqual(idsOf(await alice.notifications.describe({ type: 'loginApproved' })), [aliceIds[3], aliceIds[0]]);
      assert.deepEqual(idsOf(await alice.notifications.describe({ priority: 'normal' })), [aliceIds[2], aliceIds[1]]);
      assert.deepEqual(idsOf(await alice.notifications.describe({ from: at(10), to: at(12) })), [aliceIds[2], aliceIds[1]]);
      const first = await alice.notifications.describe({ limit: 3 });
      assert.equal(first.items.length, 3);
      const rest = await alice.notifications.describe({ limit: 3, cursor: first.nextCursor! });
      assert.deepEqual([idsOf(rest), rest.nextCursor], [[aliceIds[0]], null]);
      await assert.rejects(alice.notifications.describe({ from: at(12), to: at(10) }), failsWith('invalid_input', /from must be before to/));
    });

    it('marks notifications read and unread again, and filters by it', async () => {
      const alice = users.alice!.client;
      assert.deepEqual(await alice.notifications.markRead({ ids: [aliceIds[0]!, aliceIds[2]!] }), { changed: 2 });
      assert.deepEqual(await alice.notifications.markRead({ ids: [aliceIds[0]!] }), { changed: 0 }, 'already read');
      assert.deepEqual(idsOf(await alice.notifications.describe({ read: true })), [aliceIds[2], aliceIds[0]]);
      assert.deepEqual(idsOf(await alice.notifications.describe({ read: false })), [aliceIds[3], aliceIds[1]]);
      const [read] = (await alice.notifications.describe({ id: aliceIds[0]! })).items;
      assert.deepEqual([read!.read, read!.readAt], [true, clock.now().toISOString()]);
      assert.deepEqual(await alice.notifications.markRead({ ids: [aliceIds[0]!], read: false }), { changed: 1 });
      assert.deepEqual(idsOf(await alice.notifications.describe({ read: true })), [aliceIds[2]]);
    });

    it('shows users only their own notifications; others’ ids change and reveal nothing', async () => {
      const bob = users.bob!.client;
      assert.deepEqual((await bob.notifications.describe()).items.map((n) => n.type), ['loginApproved']);
      assert.deepEqual((await bob.notifications.describe({ id: aliceIds[1]! })).items, []);
      assert.deepEqual(await bob.notifications.markRead({ ids: [aliceIds[1]!] }), { changed: 0 });
      assert.equal((await users.alice!.client.notifications.describe({ id: aliceIds[1]! })).items[0]!.read, false);
      assert.deepEqual((await users.carol!.client.notifications.describe()).items.map((n) => n.tenant), ['GLOBEX-MAIN']);
    });

    it('shows administrators every notification of their customer, with recipients and read marks', async () => {
      const acme = await users.ada!.client.notifications.describeSent();
      assert.equal(acme.items.length, 5);
      assert.ok(acme.items.every((n) => n.customer === 'ACME'));
      const rejected = acme.items.find((n) => n.id === aliceIds[1])!;
      assert.deepEqual([rejected.recipients, rejected.deliveries, rejected.contacts], [[{ user: 'alice', read: false }], [], []]);
      assert.deepEqual((await users.gus!.client.notifications.describeSent()).items.map((n) => n.recipients[0]!.user), ['carol']);
      await assert.rejects(users.gus!.client.notifications.describeSent({ customer: 'acme' }), failsWith('forbidden', /DESCRIBE_SENT_NOTIFICATIONS/));
      await assert.rejects(users.alice!.client.notifications.describeSent(), failsWith('forbidden', /DESCRIBE_SENT_NOTIFICATIONS/));
      assert.equal((await admin.notifications.describeSent({ text: 'approved', type: 'approvalApproved' })).items.length, 2);
    });

    it('keeps read marks through a rebuild of the projections', async () => {
      const before = await users.alice!.client.notifications.describe();
      await admin.system.rebuild();
      assert.deepEqual(await users.alice!.client.notifications.describe(), before);
    });
  });
}
