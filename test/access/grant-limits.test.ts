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

    it('a customer administrator with a limited customer role cannot save a role or group beyond her rights', async () => {
      await admin.customers.create({ name: 'orgco' });
      await admin.tenants.create({ customer: 'orgco', name: 'orgco-dev' });
      await admin.permissions.saveGroup({
        customer: 'orgco',
        name: 'Org_Roles',
        actions: ['DESCRIBE_PERMISSIONS', 'MANAGE_PERMISSION_GROUP', 'MANAGE_ROLE', 'MANAGE_USER_ROLE', 'DESCRIBE_USER'],
      });
      await admin.roles.save({ customer: 'orgco', name: 'role-editor', groups: ['Org_Roles', 'Basic'] });
      const rita = await userClient('rita', 'orgco');
      await admin.users.addCustomerRole({ name: 'rita', role: 'role-editor' });
      for (const colleague of ['sam', 'tom']) await admin.users.create({ name: colleague, customer: 'orgco' });

      // Platform actions no group holds; the customer's licence and notices, and running things, are beyond her.
      await assert.rejects(rita.permissions.saveGroup({ name: 'Ops', actions: ['MANAGE_LICENSE'] }), failsWith('invalid_input', /system administrators/));
      await assert.rejects(
        rita.permissions.saveGroup({ name: 'Ops', actions: ['DESCRIBE_USER', 'DESCRIBE_LICENSE', 'MANAGE_NOTIFICATION_TEMPLATE', 'RUN_INSTANCE'] }),
        failsWith('forbidden', /group Ops would grant DESCRIBE_LICENSE, RUN_INSTANCE, MANAGE_NOTIFICATION_TEMPLATE in customer ORGCO, which you may not do there yourself/),
      );
      // Widening the group she holds would widen her too.
      await assert.rejects(
        rita.permissions.saveGroup({ name: 'Org_Roles', actions: ['DESCRIBE_PERMISSIONS', 'MANAGE_PERMISSION_GROUP', 'MANAGE_ROLE', 'MANAGE_USER_ROLE', 'DESCRIBE_USER', 'MANAGE_PERMISSION_MAPPING'] }),
        failsWith('forbidden', /MANAGE_PERMISSION_MAPPING/),
      );
      await rita.permissions.saveGroup({ name: 'Viewers', actions: ['DESCRIBE_USER', 'DESCRIBE_PERMISSIONS'] });
      await rita.roles.save({ name: 'viewer', groups: ['Viewers', 'Basic'] });
      await assert.rejects(rita.roles.save({ name: 'viewer', groups: ['Viewers', 'Read_Only'] }), refused(/^role viewer would grant /, 'DESCRIBE_INSTANCE'));
      await assert.rejects(rita.roles.save({ name: 'role-editor', groups: ['Org_Roles', 'Basic', 'Manage_Cloud'] }), failsWith('forbidden', askWhoMay));
      assert.deepEqual((await admin.roles.describe({ customer: 'orgco', name: 'role-editor' })).items[0]!.groups, ['Org_Roles', 'Basic']);

      // A role she holds in one tenant, narrower than her customer role, she may not widen to her customer role's rights there.
      await admin.roles.save({ customer: 'orgco', name: 'narrow', groups: ['Basic'] });
      await admin.users.addRole({ name: 'rita', tenant: 'orgco-dev', role: 'narrow' });
      await assert.rejects(rita.roles.save({ name: 'narrow', groups: ['Viewers', 'Basic'] }), failsWith('forbidden', /would give you DESCRIBE_USER.* in tenant ORGCO-DEV/));
      await admin.users.removeRole({ name: 'rita', tenant: 'orgco-dev' });

      // Customer-wide roles: not to herself, and only within her customer-wide rights.
      await assert.rejects(rita.users.addCustomerRole({ name: 'rita', role: 'admin' }), failsWith('forbidden', /give yourself a role/));
      await assert.rejects(rita.users.addCustomerRole({ name: 'sam', role: 'user' }), refused(/^role user would grant .* in customer ORGCO,/, 'RUN_INSTANCE'));
      await rita.users.addCustomerRole({ name: 'sam', role: 'viewer' });
      // The role's mappings in the customer's tenants are part of what it grants.
      await admin.mappings.set({ level: 'role', tenant: 'orgco-dev', role: 'viewer', groups: ['Full_Access'] });
      await assert.rejects(rita.users.addCustomerRole({ name: 'tom', role: 'viewer' }), refused(/^role viewer would grant .* in customer ORGCO, which you may not do there yourself/, 'RUN_INSTANCE'));
      // Taking a customer-wide role may not leave its holder with more than the one taking it.
      await admin.mappings.set({ level: 'customer', customer: 'orgco', groups: ['Full_Access'] });
      await assert.rejects(rita.users.removeCustomerRole({ name: 'sam' }), refused(/^taking sam's customer-wide role would give sam /, 'RUN_INSTANCE'));
    });

    it('removing or setting a mapping gives nobody more than whoever does it, herself included', async () => {
      await admin.customers.create({ name: 'mapco' });
      await admin.tenants.create({ customer: 'mapco', name: 'mapco-ops' });
      const tenant = 'mapco-ops';
      await admin.roles.save({ customer: 'mapco', name: 'mapper', groups: ['Manage_Cloud', 'Basic'] });
      const hal = await userClient('hal', 'mapco');
      await admin.users.addRole({ name: 'hal', tenant, role: 'mapper' });
      for (const colleague of ['gina', 'ivan', 'jack', 'kim']) await admin.users.create({ name: colleague, customer: 'mapco' });

      // A user mapping that holds a colleague below her role is not Hal's to lift.
      await admin.users.addRole({ name: 'gina', tenant, role: 'admin' });
      await admin.mappings.set({ level: 'user', tenant, user: 'gina', groups: ['Basic'] });
      await assert.rejects(
        hal.mappings.remove({ level: 'user', tenant, user: 'gina' }),
        refused(/^removing the user mapping of gina in tenant MAPCO-OPS would give gina /, 'RUN_INSTANCE'),
      );
      // Setting it again (within his rights) makes him its author, which changes nothing to that.
      await hal.mappings.set({ level: 'user', tenant, user: 'gina', groups: ['Basic'] });
      await assert.rejects(hal.mappings.remove({ level: 'user', tenant, user: 'gina' }), failsWith('forbidden', askWhoMay));
      assert.equal((await admin.permissions.describeUser({ tenant, user: 'gina' })).decidedBy, 'user');
      // One that lifts a colleague above his role only narrows him: anyone who may map removes it.
      await admin.users.addRole({ name: 'ivan', tenant, role: 'readonly' });
      await admin.mappings.set({ level: 'user', tenant, user: 'ivan', groups: ['Full_Access'] });
      await hal.mappings.remove({ level: 'user', tenant, user: 'ivan' });
      assert.equal((await admin.permissions.describeUser({ tenant, user: 'ivan' })).role, 'readonly');

      // A tenant mapping narrower than the customer's, a role mapping narrower than the role.
      await admin.mappings.set({ level: 'customer', customer: 'mapco', groups: ['Full_Access'] });
      await admin.mappings.set({ level: 'tenant', tenant, groups: ['Basic'] });
      await assert.rejects(hal.mappings.remove({ level: 'tenant', tenant }), refused(/^removing the tenant mapping of tenant MAPCO-OPS would give jack and kim /, 'RUN_INSTANCE'));
      await admin.users.addRole({ name: 'kim', tenant, role: 'user' });
      await admin.mappings.set({ level: 'role', tenant, role: 'user', groups: ['Basic'] });
      await assert.rejects(hal.mappings.remove({ level: 'role', tenant, role: 'user' }), refused(/^removing the role mapping of role user in tenant MAPCO-OPS would give kim /, 'RUN_INSTANCE'));

      // A mapping does not apply to whoever sets it: setting again the one that holds her own role
      // down would lift Lou to the role's own groups.
      await admin.roles.save({ customer: 'mapco', name: 'lead', groups: ['Manage_Cloud', 'Resources_Management', 'Basic'] });
      const lou = await userClient('lou', 'mapco');
      await admin.users.addRole({ name: 'lou', tenant, role: 'lead' });
      await admin.mappings.set({ level: 'role', tenant, role: 'lead', groups: ['Manage_Cloud', 'Basic'] });
      await assert.rejects(
        lou.mappings.set({ level: 'role', tenant, role: 'lead', groups: ['Manage_Cloud', 'Basic'] }),
        refused(/^Manage_Cloud, Basic would give you .* in tenant MAPCO-OPS/, 'RUN_INSTANCE'),
      );
      assert.ok(!(await actionsOf(tenant, 'lou')).includes('RUN_INSTANCE'));
    });

    it('blocking or unblocking a role gives its holders no more than whoever does it', async () => {
      await admin.customers.create({ name: 'blockco' });
      await admin.tenants.create({ customer: 'blockco', name: 'blockco-lab' });
      const lab = 'blockco-lab';
      await admin.roles.save({ customer: 'blockco', name: 'mapper', groups: ['Manage_Cloud', 'Basic'] });
      const hank = await userClient('hank', 'blockco');
      await admin.users.addRole({ name: 'hank', tenant: lab, role: 'mapper' });
      for (const colleague of ['mia', 'nia']) await admin.users.create({ name: colleague, customer: 'blockco' });

      // Unblocking gives the role back.
      await admin.users.addRole({ name: 'mia', tenant: lab, role: 'billing' });
      await admin.roles.block({ tenant: lab, role: 'billing' });
      await assert.rejects(hank.roles.unblock({ tenant: lab, role: 'billing' }), refused(/^unblocking role billing in tenant BLOCKCO-LAB would give mia /, 'UPDATE_QUOTA'));
      // Blocking drops its holders, Hank himself included, to the tenant mapping.
      await admin.users.addRole({ name: 'nia', tenant: lab, role: 'readonly' });
      await admin.mappings.set({ level: 'tenant', tenant: lab, groups: ['Full_Access'] });
      await assert.rejects(hank.roles.block({ tenant: lab, role: 'readonly' }), refused(/^blocking role readonly in tenant BLOCKCO-LAB would give nia /, 'RUN_INSTANCE'));
      await assert.rejects(hank.roles.block({ tenant: lab, role: 'mapper' }), refused(/^blocking role mapper in tenant BLOCKCO-LAB would give you /, 'RUN_INSTANCE'));
      // Blocking it where it only narrows Nia is his to do; lifting the block again is not.
      await admin.mappings.set({ level: 'tenant', tenant: lab, groups: ['Basic'] });
      await hank.roles.block({ tenant: lab, role: 'readonly' });
      assert.equal((await admin.permissions.describeUser({ tenant: lab, user: 'nia' })).decidedBy, 'tenant');
      await assert.rejects(hank.roles.unblock({ tenant: lab, role: 'readonly' }), refused(/^unblocking role readonly in tenant BLOCKCO-LAB would give nia /, 'DESCRIBE_INSTANCE'));
      await admin.roles.unblock({ tenant: lab, role: 'readonly' });
    });
  });
}
