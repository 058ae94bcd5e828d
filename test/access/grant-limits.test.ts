import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, MaestroError, type MaestroClient } from '../../src/sdk/client.js';
import { failsWith } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Nobody but a system administrator grants more than their own effective rights, nor raises
 * themselves: through a role given or taken, a role or group saved, a mapping set or removed, or a
 * role blocked or unblocked (docs/access-control.md, "Who may grant what").
 */
const askWhoMay = /ask a system administrator or someone whose rights include them/;

/** A refusal matching `pattern` whose details list `beyond` among the actions in excess (the message shows the first eight). */
const refused =
  (pattern: RegExp, ...beyond: string[]) =>
  (error: unknown) => {
    failsWith('forbidden', pattern)(error);
    const listed = (error as MaestroError).details?.beyond;
    assert.ok(Array.isArray(listed), 'the refusal lists the actions in excess');
    for (const action of beyond) assert.ok(listed.includes(action), `${action} is not among ${listed.join(', ')}`);
    return true;
  };

for (const flavour of flavours) {
  describe(`nobody grants more than they may do, nor raises themselves (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, config: { simLatencyMs: 0 } });
      admin = server.admin;
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    async function userClient(name: string, customer: string): Promise<MaestroClient> {
      await admin.users.create({ name, customer });
      const key = await admin.keys.create({ user: name });
      return createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
    }
    const actionsOf = async (tenant: string, user: string) =>
      (await admin.permissions.describeUser({ tenant, user })).actions.map((action) => action.name);

    it('a user manager gives roles only within her own rights, and never to herself', async () => {
      await admin.customers.create({ name: 'umco' });
      await admin.tenants.create({ customer: 'umco', name: 'umco-ops' });
      const tenant = 'umco-ops';
      // Manage_Cloud holds MANAGE_USER_ROLE; she runs resources and reads billing, nothing more.
      await admin.roles.save({ customer: 'umco', name: 'user-manager', groups: ['Manage_Cloud', 'Resources_Management', 'Billing_ReadOnly', 'Basic'] });
      const uma = await userClient('uma', 'umco');
      await admin.users.addRole({ name: 'uma', tenant, role: 'user-manager' });
      for (const colleague of ['cole', 'dora', 'eve']) await admin.users.create({ name: colleague, customer: 'umco' });

      // Not to herself: not admin, and not even a narrower role, which would outlive her own.
      await assert.rejects(uma.users.addRole({ name: 'uma', tenant, role: 'admin' }), failsWith('forbidden', /give yourself a role/));
      await assert.rejects(uma.users.addRole({ name: 'uma', tenant, role: 'readonly' }), failsWith('forbidden', /give yourself a role/));
      assert.equal((await admin.permissions.describeUser({ tenant, user: 'uma' })).role, 'user-manager');

      // To a colleague, what her own rights cover: user, not admin (Billing writes are beyond her).
      await assert.rejects(
        uma.users.addRole({ name: 'cole', tenant, role: 'admin' }),
        refused(/^role admin would grant UPDATE_QUOTA, APPROVE_REQUEST, MANAGE_QUOTAS_WIZARD in tenant UMCO-OPS, which you may not do there yourself/),
      );
      await assert.rejects(uma.users.addRole({ name: 'cole', tenant, role: 'admin' }), failsWith('forbidden', askWhoMay));
      assert.deepEqual(await actionsOf(tenant, 'cole'), []);
      await uma.users.addRole({ name: 'cole', tenant, role: 'user' });
      assert.equal((await admin.permissions.describeUser({ tenant, user: 'cole' })).role, 'user');

      // A role mapping replaces the role's groups in its tenant, so it is what the role grants there.
      await uma.users.addRole({ name: 'dora', tenant, role: 'readonly' });
      await admin.mappings.set({ level: 'role', tenant, role: 'readonly', groups: ['Full_Access'] });
      await assert.rejects(uma.users.addRole({ name: 'eve', tenant, role: 'readonly' }), refused(/^role readonly would grant /, 'UPDATE_QUOTA'));
      await admin.mappings.remove({ level: 'role', tenant, role: 'readonly' });

      // Taking a role away gives nothing, unless what the user falls back to is wider than her own.
      await admin.users.addCustomerRole({ name: 'cole', role: 'admin' });
      await assert.rejects(
        uma.users.removeRole({ name: 'cole', tenant }),
        refused(/^taking cole's role in tenant UMCO-OPS would give cole /, 'UPDATE_QUOTA'),
      );
      assert.equal((await admin.permissions.describeUser({ tenant, user: 'cole' })).role, 'user');
      await uma.users.removeRole({ name: 'dora', tenant });

      // Her own role she may give up, but not to fall back to something wider.
      await admin.mappings.set({ level: 'customer', customer: 'umco', groups: ['Full_Access'] });
      await assert.rejects(uma.users.removeRole({ name: 'uma', tenant }), refused(/^taking your role in tenant UMCO-OPS would give you /, 'UPDATE_QUOTA'));
      await admin.mappings.remove({ level: 'customer', customer: 'umco' });
      await uma.users.removeRole({ name: 'uma', tenant });
      assert.deepEqual(await actionsOf(tenant, 'uma'), []);
    });

  });
}
