import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, MaestroError } from '../../src/sdk/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('organisation through the SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.close());

  it('builds customers > tenant groups > tenants, regions, users with roles and keys', async () => {
    const { admin } = server;
    const customer = await admin.customers.create({ name: 'acme', displayName: 'ACME Corp' });
    assert.equal(customer.name, 'ACME');
    await admin.tenantGroups.create({ customer: 'acme', name: 'engineering' });
    const tenant = await admin.tenants.create({ customer: 'ACME', name: 'acme-dev', group: 'engineering', contacts: ['ops@acme.test'] });
    assert.deepEqual([tenant.customer, tenant.group, tenant.contacts], ['ACME', 'ENGINEERING', ['ops@acme.test']]);
    await admin.regions.create({ name: 'sim-east', cloud: 'SIMULATED', kind: 'private', nativeName: 'east-1' });
    const activated = await admin.tenants.activateRegion({ tenant: 'acme-dev', region: 'sim-east' });
    assert.deepEqual(activated.regions, ['SIM-EAST']);

    const alice = await admin.users.create({ name: 'Alice', customer: 'acme', email: 'alice@acme.test' });
    assert.equal(alice.name, 'alice');
    const withRole = await admin.users.addRole({ name: 'alice', tenant: 'acme-dev', role: 'admin' });
    assert.deepEqual(withRole.roles, [{ tenant: 'ACME-DEV', role: 'admin' }]);
    const key = await admin.keys.create({ user: 'alice' });
    assert.equal(key.secretKey.length, 32);

    const asAlice = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
    const mine = await asAlice.tenants.describe();
    assert.deepEqual(mine.items.map((t) => t.name), ['ACME-DEV']);
    const regions = await asAlice.regions.describe();
    assert.deepEqual(regions.items.map((r) => r.name), ['SIM-EAST']);
    await assert.rejects(asAlice.customers.create({ name: 'evil' }), (error: MaestroError) => {
      assert.equal(error.kind, 'forbidden');
      assert.match(error.message, /CREATE_CUSTOMER/);
      return true;
    });
  });

  it('refuses a duplicate name and changes nothing', async () => {
    const { admin } = server;
    await admin.customers.create({ name: 'dup-co' });
    await assert.rejects(admin.customers.create({ name: 'DUP-co' }), (error: MaestroError) => error.kind === 'conflict');
    const listed = await admin.customers.describe({ name: 'dup-co' });
    assert.equal(listed.items.length, 1);
  });
});
