/**
 * system.rebuild is an administrator's act on the whole installation: it leaves an audit record
 * (who, when, the report's figures), and that record does not disturb a later replay.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { projections } from '../../src/server/projections/index.js';
import { readEvents } from '../../src/store/event-log.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { snapshotTables } from '../support/store-helpers.js';

const tables = projections.flatMap((projection) => projection.tables);

for (const flavour of flavours) {
  describe(`the audit record of a rebuild (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
      await server.admin.customers.create({ name: 'acme' });
      await server.admin.tenants.create({ customer: 'acme', name: 'acme-dev' });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('says who rebuilt, when, and how much, after the events it replayed', async () => {
      const report = await server.admin.system.rebuild();
      const [event] = await readEvents(database.db, report.events, 10);
      assert.ok(event, 'no event follows the replayed ones');
      assert.equal(event.type, 'system.rebuilt');
      assert.equal(event.seq, report.events + 1);
      assert.equal(event.action, 'update');
      assert.equal(event.outcome, 'success');
      assert.equal(event.target.typeURI, 'data/database');
      assert.equal(event.initiator.name, 'admin');
      assert.equal(event.initiator.typeURI, 'data/security/account/user');
      assert.equal(event.observer.id, server.maestro.services.nodeName);
      assert.ok(Math.abs(Date.parse(event.time) - Date.now()) < 60_000, event.time);
      assert.equal(event.data.events, report.events);
      assert.deepEqual(event.data.projections, report.projections);
      assert.ok(typeof event.data.milliseconds === 'number' && event.data.milliseconds <= report.milliseconds);
      // Through the public door too: the audit log lists it.
      const listed = await server.admin.events.describe({ type: 'system.rebuilt' });
      assert.deepEqual(listed.items.map((item) => [item.seq, item.initiator.name]), [[event.seq, 'admin']]);
    });

    it('is replayed by the next rebuild without changing a projection', async () => {
      const before = await snapshotTables(database.db, tables);
      const [first] = (await server.admin.events.describe({ type: 'system.rebuilt' })).items;
      const report = await server.admin.system.rebuild();
      assert.ok(report.events >= first!.seq, 'the first record was replayed');
      assert.deepEqual(await snapshotTables(database.db, tables), before);
      assert.equal((await server.admin.events.describe({ type: 'system.rebuilt' })).items.length, 2);
      // And commands carry on over it.
      await server.admin.tenants.create({ customer: 'acme', name: 'acme-prod' });
    });
  });
}
