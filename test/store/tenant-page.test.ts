import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import tenantPageMigration from '../../src/store/migrations/0015-tenant-page.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { snapshotTables } from '../support/store-helpers.js';

for (const flavour of flavours) {
  describe(`the tenants page from one table (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
      const { admin } = server;
      await admin.customers.create({ name: 'north' });
      await admin.customers.create({ name: 'south' });
      await admin.tenantGroups.create({ customer: 'north', name: 'eng' });
      await admin.tenantGroups.create({ customer: 'north', name: 'gone' });
      for (const name of ['sim-b', 'sim-a', 'sim-c']) await admin.regions.create({ name, cloud: 'SIMULATED', kind: 'private', nativeName: name });
      await admin.tenants.create({ customer: 'north', name: 'n-grouped', group: 'eng' });
      await admin.tenants.create({ customer: 'north', name: 'n-moved', group: 'gone' });
      await admin.tenants.create({ customer: 'south', name: 's-plain' });
      // Moved out of a group that is then deleted: only the log still knows that group's name.
      await admin.tenants.update({ name: 'n-moved', group: 'eng' });
      await admin.tenantGroups.delete({ customer: 'north', name: 'gone' });
      await admin.tenants.update({ name: 'n-grouped', group: null });
      for (const region of ['sim-c', 'sim-a', 'sim-b']) await admin.tenants.activateRegion({ tenant: 'n-moved', region });
      await admin.tenants.deactivateRegion({ tenant: 'n-moved', region: 'sim-b' });
      await admin.tenants.activateRegion({ tenant: 's-plain', region: 'sim-b' });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    const page = async () =>
      (await server.admin.tenants.describe({ limit: 100 })).items
        .filter((t) => !t.name.startsWith('DEFAULT'))
        .map((t) => [t.name, t.customer, t.group, t.regions]);
    const expected = [
      ['N-GROUPED', 'NORTH', null, []],
      ['N-MOVED', 'NORTH', 'ENG', ['SIM-A', 'SIM-C']],
      ['S-PLAIN', 'SOUTH', null, ['SIM-B']],
    ];

    it('shows each tenant with its customer, group and regions, and filters by customer name', async () => {
      assert.deepEqual(await page(), expected);
      assert.deepEqual((await server.admin.tenants.describe({ customer: 'south' })).items.map((t) => t.name), ['S-PLAIN']);
    });

    it('makes the same rows from a log recorded before the events named customers and groups, and again on a rebuild', async () => {
      const before = await snapshotTables(database.db, ['tenants']);
      // As a database of the version before: no name columns, and tenant events without names.
      await database.db.exec('ALTER TABLE tenants DROP COLUMN customer_name, DROP COLUMN group_name, DROP COLUMN regions');
      await database.db.query(`UPDATE event_log SET data = data - 'customer' - 'group' WHERE type IN ('tenant.created', 'tenant.updated')`);
      await database.db.exec(tenantPageMigration.sql);
      assert.deepEqual(await snapshotTables(database.db, ['tenants']), before);
      assert.deepEqual(await page(), expected);
      await server.admin.system.rebuild();
      assert.deepEqual(await snapshotTables(database.db, ['tenants']), before);
    });
  });
}
