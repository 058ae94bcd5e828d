import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { flavours, type TestDatabase } from '../support/databases.js';
import { failsWith } from './support/failures.js';
import { compatWorld, type CompatWorld } from './support/setup.js';

type Row = Record<string, unknown>;

/** The fields describe-tenants prints. */
const displayed = ['tenantName', 'region', 'parentTenant', 'hidden', 'activationDate', 'tenantManagerContacts', 'deactivationDate'];

for (const flavour of flavours) {
  describe(`tenants through the Maestro protocol (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    before(async () => {
      database = await flavour.open();
      world = await compatWorld({ db: database.db });
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    it('describes tenants as the command-line client asks, --full included, filtered by name and cloud', async () => {
      // m3 describe-tenants --full: the client's plugin adds full.
      const rows = await world.m3Alice.call<Row[]>('DESCRIBE_TENANTS', { full: true });
      assert.deepEqual(rows.map((row) => [row.tenantName, row.region, row.hidden, row.deactivationDate]), [['ACME-DEV', 'SIM-A', false, null]]);
      for (const field of displayed) assert.ok(Object.hasOwn(rows[0]!, field), field);
      assert.equal(typeof rows[0]!.activationDate, 'number');
      assert.deepEqual(await world.m3Alice.call('DESCRIBE_TENANTS', {}), rows);
      assert.deepEqual(await world.m3Alice.call('DESCRIBE_TENANTS', { tenantNames: 'acme-dev', cloud: 'ENTERPRISE' }), rows);
      assert.deepEqual(await world.m3Alice.call('DESCRIBE_TENANTS', { cloud: 'aws' }), []);
      assert.deepEqual(await world.m3Alice.call('DESCRIBE_TENANTS', { inactive: true }), []);
      await failsWith(world.m3Alice.call('DESCRIBE_TENANTS', { full: 'yes' }), 400, /full: must be true or false/);
    });
  });
}
