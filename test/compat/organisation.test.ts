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
      // The command-line client's --cloud offers no simulator: the simulated region answers to OPEN_STACK.
      assert.deepEqual(await world.m3Alice.call('DESCRIBE_TENANTS', { cloud: 'OPEN_STACK' }), rows);
    });

    it('shows a simulated region as the cloud it imitates, OPEN_STACK unless its administrator chose another', async () => {
      const regions = (cloud: string) => world.m3Alice.call<Row[]>('DESCRIBE_REGIONS', { tenantName: 'ACME-DEV', cloud });
      const simA = { region: 'SIM-A', nativeName: 'sim-a-native', cloud: 'OPEN_STACK', active: true };
      assert.deepEqual(await regions('OPEN_STACK'), [simA]);
      assert.deepEqual(await regions('ENTERPRISE'), [simA]);
      assert.deepEqual(await regions('VSPHERE'), []);

      const updated = await world.admin.regions.update({ name: 'sim-a', imitates: 'VSPHERE' });
      assert.deepEqual([updated.imitates, updated.clientCloud, updated.cloud], ['VSPHERE', 'VSPHERE', 'SIMULATED']);
      try {
        assert.deepEqual(await regions('VSPHERE'), [{ ...simA, cloud: 'VSPHERE' }]);
        assert.deepEqual(await regions('OPEN_STACK'), []);
        await failsWith(
          world.m3Alice.call('LIST_REGION_SHAPES', { tenantName: 'ACME-DEV', cloud: 'OPEN_STACK', region: 'SIM-A' }),
          400,
          /region SIM-A is in cloud VSPHERE, not OPEN_STACK/,
        );
        assert.equal((await world.m3Alice.call<Row[]>('LIST_REGION_SHAPES', { tenantName: 'ACME-DEV', cloud: 'VSPHERE', region: 'SIM-A' })).length > 0, true);
      } finally {
        await world.admin.regions.update({ name: 'sim-a', imitates: 'OPEN_STACK' });
      }
      // Only a simulated region imitates: any other is its own cloud to the clients.
      const aws = await world.admin.regions.create({ name: 'aws-east', cloud: 'AWS', kind: 'public', nativeName: 'us-east-1' });
      assert.deepEqual([aws.imitates, aws.clientCloud], [null, 'AWS']);
      await assert.rejects(world.admin.regions.update({ name: 'aws-east', imitates: 'OPEN_STACK' }), /imitates is for SIMULATED regions only/);
      await assert.rejects(
        world.admin.regions.create({ name: 'gcp-west', cloud: 'GOOGLE', kind: 'public', nativeName: 'us-west1', imitates: 'AWS' }),
        /imitates is for SIMULATED regions only/,
      );
    });

    it('answers describe-user-permissions under permissionGroups, the key the client reads', async () => {
      const answer = await world.m3Alice.call<{ permissionGroups: Row[] }>('GET_USER_PERMISSIONS', { tenantName: 'ACME-DEV', cloud: 'OPEN_STACK', env: 'M3_SDK' });
      assert.deepEqual(Object.keys(answer), ['permissionGroups']);
      const run = answer.permissionGroups.find((row) => row.name === 'RUN_INSTANCE');
      assert.ok(run, 'alice, an admin of the tenant, may run instances');
      for (const field of ['permissionGroup', 'name', 'description', 'role', 'policy']) assert.ok(Object.hasOwn(run, field), field);
      assert.equal(run.policy, 'ALLOW');
    });
  });
}
