import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CADF_EVENT_TYPE_URI } from '../../src/protocol/cadf.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { failsWith } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

async function userClient(server: TestServer, name: string, customer: string): Promise<MaestroClient> {
  await server.admin.users.create({ name, customer });
  const key = await server.admin.keys.create({ user: name });
  return createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
}

for (const flavour of flavours) {
  describe(`the audit log (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    let alice: MaestroClient;
    let instanceId: string;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, config: { simLatencyMs: 0 } });
      admin = server.admin;
      await admin.customers.create({ name: 'acme' });
      await admin.customers.create({ name: 'globex' });
      await admin.tenants.create({ customer: 'acme', name: 'acme-dev' });
      await admin.tenants.create({ customer: 'globex', name: 'globex-main' });
      await admin.regions.create({ name: 'sim-a', cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-a' });
      await admin.tenants.activateRegion({ tenant: 'acme-dev', region: 'sim-a' });
      await admin.tenants.activateRegion({ tenant: 'globex-main', region: 'sim-a' });
      alice = await userClient(server, 'alice', 'acme');
      await admin.users.addRole({ name: 'alice', tenant: 'acme-dev', role: 'user' });
      const { instances } = await alice.instances.run({ tenant: 'acme-dev', region: 'sim-a', image: 'ubuntu-24.04', shape: 'MICRO', count: 3 });
      instanceId = instances[0]!.id;
      await alice.tags.set({ tenant: 'acme-dev', resourceId: instanceId, tags: { team: 'web' } });
      await admin.instances.run({ tenant: 'globex-main', region: 'sim-a', image: 'ubuntu-24.04', shape: 'MICRO' });
      await alice.instances.start({ tenant: 'acme-dev', id: instanceId }).catch(() => undefined); // refused: it is not stopped
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it("filters a tenant's events by resource, action, type, actor and outcome", async () => {
      const mine = await alice.events.describe({ tenant: 'acme-dev', resource: instanceId });
      assert.ok(mine.items.length >= 2);
      assert.ok(mine.items.every((event) => event.target.id === instanceId && event.tenant === 'ACME-DEV'));
      const tagged = await alice.events.describe({ tenant: 'acme-dev', action: 'tag' });
      assert.deepEqual(tagged.items.map((event) => [event.type, event.initiator.name, event.data.tags]), [['instance.tagged', 'alice', { team: 'web' }]]);
      const byAlice = await alice.events.describe({ tenant: 'acme-dev', actor: 'alice', type: 'instance.launched' });
      assert.equal(byAlice.items.length, 3);
      const refused = await alice.events.describe({ tenant: 'acme-dev', outcome: 'failure' });
      assert.ok(refused.items.some((event) => event.type === 'command.rejected'));
    });

    it('pages stably in log order while events keep arriving', async () => {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await admin.events.describe({ limit: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((event) => event.seq));
        // Something happens between pages.
        await admin.tags.set({ tenant: 'acme-dev', resourceId: instanceId, tags: { page: String(seen.length) } });
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
      assert.equal(new Set(seen).size, seen.length);
      assert.equal(seen[0], 1);
      await assert.rejects(admin.events.describe({ cursor: 'bm90LWEtY3Vyc29y' }), failsWith('invalid_input'));
    });

    it('pages newest first for the latest events, and finds one event by id', async () => {
      const oldestFirst = await alice.events.describe({ tenant: 'acme-dev', limit: 1000 });
      const expected = oldestFirst.items.map((event) => event.seq).reverse();
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await alice.events.describe({ tenant: 'acme-dev', order: 'newest', limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((event) => event.seq));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && seen.length < expected.length + 10);
      // Events may arrive meanwhile; the pages still walk back through exactly the older ones.
      assert.deepEqual(seen.filter((seq) => seq <= expected[0]!), expected);
      const wanted = oldestFirst.items[1]!;
      const one = await alice.events.describe({ tenant: 'acme-dev', id: wanted.id });
      assert.deepEqual(one.items.map((event) => event.seq), [wanted.seq]);
      // Another tenant's event id shows nothing, rather than revealing it exists.
      const theirs = await admin.events.describe({ tenant: 'globex-main', limit: 1 });
      assert.deepEqual((await alice.events.describe({ tenant: 'acme-dev', id: theirs.items[0]!.id })).items, []);
    });

    it('keeps tenants apart and never shows secrets', async () => {
      await assert.rejects(alice.events.describe({ tenant: 'globex-main' }), failsWith('forbidden'));
      const key = await admin.keys.create({ user: 'alice' });
      const created = await admin.events.describe({ type: 'key.created', resource: key.accessKey });
      assert.equal(created.items.length, 1);
      assert.ok(!('secretEncrypted' in created.items[0]!.data));
      const carol = await userClient(server, 'carol', 'acme');
      await admin.users.addCustomerRole({ name: 'carol', role: 'admin' });
      const customerView = await carol.events.describe({ limit: 1000 });
      assert.ok(customerView.items.length > 0);
      assert.ok(customerView.items.every((event) => event.tenant === null || event.tenant.startsWith('ACME')));
      assert.ok(customerView.items.some((event) => event.tenant === null && event.type === 'user.created'));
    });

    it('exports CADF 1.0 records', async () => {
      const { records } = await alice.events.export({ tenant: 'acme-dev', resource: instanceId, limit: 2 });
      assert.equal(records.length, 2);
      const record = records[0] as { typeURI: string; eventTime: string; action: string; initiator: { name: string }; attachments: Array<{ name: string }> };
      assert.equal(record.typeURI, CADF_EVENT_TYPE_URI);
      assert.ok(!Number.isNaN(Date.parse(record.eventTime)));
      assert.equal(record.action, 'create');
      assert.deepEqual(record.attachments.map((a) => a.name), ['scope', 'data']);
    });
  });
}
