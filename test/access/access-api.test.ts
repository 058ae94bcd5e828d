import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, MaestroError, type MaestroClient } from '../../src/sdk/client.js';
import { loadConfig } from '../../src/server/config.js';
import { startMaestro } from '../../src/server/runtime.js';
import { openPostgres } from '../../src/store/postgres.js';
import { failsWith } from '../compute/setup.js';
import mappingAuthorsMigration from '../../src/store/migrations/0014-mapping-authors.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

async function userClient(server: TestServer, name: string, customer: string, url = server.url): Promise<MaestroClient> {
  await server.admin.users.create({ name, customer });
  const key = await server.admin.keys.create({ user: name });
  return createClient({ url, accessKey: key.accessKey, secretKey: key.secretKey });
}

for (const flavour of flavours) {
  describe(`access control through the API (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    let alice: MaestroClient;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, config: { simLatencyMs: 0 } });
      admin = server.admin;
      await admin.customers.create({ name: 'acme' });
      await admin.customers.create({ name: 'globex' });
      for (const [customer, tenant] of [['acme', 'acme-dev'], ['acme', 'acme-prod'], ['globex', 'globex-main']]) {
        await admin.tenants.create({ customer: customer!, name: tenant! });
      }
      await admin.regions.create({ name: 'sim-a', cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-a' });
      await admin.tenants.activateRegion({ tenant: 'acme-dev', region: 'sim-a' });
      alice = await userClient(server, 'alice', 'acme');
      await admin.users.addRole({ name: 'alice', tenant: 'acme-dev', role: 'user' });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('describes what a user may do in a tenant and where each action comes from', async () => {
      const mine = await alice.permissions.describeUser({ tenant: 'acme-dev' });
      assert.equal(mine.decidedBy, 'role');
      assert.equal(mine.role, 'user');
      const run = mine.actions.find((action) => action.name === 'RUN_INSTANCE');
      assert.deepEqual(run?.groups, ['Resources_Management']);
      assert.ok(!mine.actions.some((action) => action.name === 'MANAGE_PERMISSION_MAPPING'));
      const elsewhere = await alice.permissions.describeUser({ tenant: 'acme-prod' });
      assert.equal(elsewhere.decidedBy, null);
      assert.deepEqual(elsewhere.actions, []);
    });

    it('refuses with the missing action named, and hides whether another customer’s tenant exists', async () => {
      await assert.rejects(alice.mappings.set({ level: 'tenant', tenant: 'acme-dev', groups: ['Read_Only'] }), failsWith('forbidden', /MANAGE_PERMISSION_MAPPING in tenant ACME-DEV/));
      const refusal = (tenant: string) =>
        alice.instances.describe({ tenant }).then(
          () => 'allowed',
          (error: Error) => error.message,
        );
      const existing = await refusal('globex-main');
      const missing = await refusal('no-such-tenant');
      assert.equal(existing.replace('GLOBEX-MAIN', 'X'), missing.replace('NO-SUCH-TENANT', 'X'));
      assert.match(String(existing), /no access to tenant/);
    });

    it('describe-user tells a caller who may not ask nothing about which tenants and users exist', async () => {
      const mallory = await userClient(server, 'mallory', 'acme');
      await admin.users.create({ name: 'gus', customer: 'globex' });
      const answer = (client: MaestroClient, tenant: string, user: string) =>
        client.permissions.describeUser({ tenant, user }).then(
          () => 'described',
          (error: unknown) => {
            if (!(error instanceof MaestroError)) throw error;
            return `${error.kind}: ${error.message.replaceAll(tenant.toUpperCase(), '<tenant>').replaceAll(user, '<user>')}`;
          },
        );
      // Mallory may describe nobody anywhere: another customer's tenant, a missing one, her own
      // customer's tenant, each with a user who exists there, elsewhere, or nowhere.
      const answers = new Set<string>();
      for (const tenant of ['globex-main', 'nope-dev', 'acme-dev']) {
        for (const user of ['alice', 'gus', 'nobodyx']) answers.add(await answer(mallory, tenant, user));
      }
      assert.deepEqual([...answers], [
        'forbidden: seeing the permissions of <user> in tenant <tenant> needs DESCRIBE_USER_PERMISSIONS there, which you do not have; check the names or ask an administrator',
      ]);
      // Alice may describe the users of acme-dev: of globex's users she learns no more than of missing ones.
      assert.equal(await answer(alice, 'acme-dev', 'gus'), await answer(alice, 'acme-dev', 'nobodyx'));
      assert.match(await answer(alice, 'acme-dev', 'nobodyx'), /^not_found: no user '<user>' in tenant <tenant>/);
      assert.equal(await answer(alice, 'acme-dev', 'mallory'), 'described');
      // Asking about herself, Mallory gets the tenant refusal the other commands give.
      assert.equal(await answer(mallory, 'globex-main', 'mallory'), await answer(mallory, 'nope-dev', 'mallory'));
      // An administrator is told precisely.
      await assert.rejects(admin.permissions.describeUser({ tenant: 'acme-dev', user: 'nobodyx' }), failsWith('not_found', /user 'nobodyx' does not exist/));
    });

    it('applies the hierarchy: user mapping, then role (unless blocked), then tenant, then customer', async () => {
      await admin.mappings.set({ level: 'customer', customer: 'acme', groups: ['Billing_ReadOnly'] });
      await admin.mappings.set({ level: 'tenant', tenant: 'acme-dev', groups: ['Read_Only'] });
      // The role still decides.
      assert.equal((await alice.permissions.describeUser({ tenant: 'acme-dev' })).decidedBy, 'role');
      // Blocking it falls through to the tenant mapping: reading works, running does not.
      await admin.roles.block({ tenant: 'acme-dev', role: 'user' });
      const blocked = await alice.permissions.describeUser({ tenant: 'acme-dev' });
      assert.deepEqual([blocked.decidedBy, blocked.roleBlocked], ['tenant', true]);
      await alice.instances.describe({ tenant: 'acme-dev' });
      await assert.rejects(
        alice.instances.run({ tenant: 'acme-dev', region: 'sim-a', image: 'ubuntu-24.04', shape: 'MICRO' }),
        failsWith('forbidden', /RUN_INSTANCE.*role user is blocked/),
      );
      // Without the tenant mapping, the customer mapping applies; in acme-prod too (alice is of acme).
      await admin.mappings.remove({ level: 'tenant', tenant: 'acme-dev' });
      assert.equal((await alice.permissions.describeUser({ tenant: 'acme-dev' })).decidedBy, 'customer');
      assert.equal((await alice.permissions.describeUser({ tenant: 'acme-prod' })).decidedBy, 'customer');
      // A user mapping wins over all of it.
      await admin.mappings.set({ level: 'user', tenant: 'acme-dev', user: 'alice', groups: ['Resources_Management'] });
      assert.equal((await alice.permissions.describeUser({ tenant: 'acme-dev' })).decidedBy, 'user');
      await alice.instances.run({ tenant: 'acme-dev', region: 'sim-a', image: 'ubuntu-24.04', shape: 'MICRO' });
      await admin.mappings.remove({ level: 'user', tenant: 'acme-dev', user: 'alice' });
      await admin.roles.unblock({ tenant: 'acme-dev', role: 'user' });
      await admin.mappings.remove({ level: 'customer', customer: 'acme' });
      assert.equal((await alice.permissions.describeUser({ tenant: 'acme-prod' })).decidedBy, null);
    });

    it('a tenant administrator keeps nothing through mappings when she is demoted or her role blocked', async () => {
      await admin.customers.create({ name: 'initech' });
      await admin.tenants.create({ customer: 'initech', name: 'initech-ops' });
      const erin = await userClient(server, 'erin', 'initech');
      await admin.users.addRole({ name: 'erin', tenant: 'initech-ops', role: 'admin' });
      await userClient(server, 'gina', 'initech');
      await admin.users.addRole({ name: 'gina', tenant: 'initech-ops', role: 'readonly' });
      const actionsOf = async (client: MaestroClient, user: string) =>
        (await client.permissions.describeUser({ tenant: 'initech-ops', user })).actions.map((action) => action.name);

      // Nobody maps themselves: a user mapping outranks the role an administrator gives or takes.
      await assert.rejects(
        erin.mappings.set({ level: 'user', tenant: 'initech-ops', user: 'erin', groups: ['Full_Access'] }),
        failsWith('forbidden', /your own user mapping.*ask another administrator/),
      );
      // Nobody grants more than they may do there: Hal manages mappings but runs nothing.
      await admin.roles.save({ customer: 'initech', name: 'mapper', groups: ['Manage_Cloud', 'Basic'] });
      const hal = await userClient(server, 'hal', 'initech');
      await admin.users.addRole({ name: 'hal', tenant: 'initech-ops', role: 'mapper' });
      await assert.rejects(
        hal.mappings.set({ level: 'user', tenant: 'initech-ops', user: 'gina', groups: ['Resources_Management'] }),
        failsWith('forbidden', /Resources_Management would grant .*RUN_INSTANCE.* in tenant INITECH-OPS, which you may not do there/),
      );
      await hal.mappings.set({ level: 'user', tenant: 'initech-ops', user: 'gina', groups: ['Manage_Cloud_ReadOnly'] });
      // Nor take it away when that gives her back more than he may do (her readonly role), even
      // though he set it: otherwise setting a mapping again, then removing it, would lift anyone's.
      await assert.rejects(
        hal.mappings.remove({ level: 'user', tenant: 'initech-ops', user: 'gina' }),
        failsWith('forbidden', /removing the user mapping of gina in tenant INITECH-OPS would give gina .*DESCRIBE_INSTANCE/),
      );
      await admin.mappings.remove({ level: 'user', tenant: 'initech-ops', user: 'gina' });

      // Within her rights, Erin opens the tenant and the readonly role wide...
      await erin.mappings.set({ level: 'tenant', tenant: 'initech-ops', groups: ['Full_Access'] });
      await erin.mappings.set({ level: 'role', tenant: 'initech-ops', role: 'readonly', groups: ['Full_Access'] });
      assert.ok((await actionsOf(erin, 'gina')).includes('RUN_INSTANCE'), 'the role mapping applies to the others');
      // ...then an administrator demotes her: she has what the readonly role gives, not her own mapping.
      await admin.users.addRole({ name: 'erin', tenant: 'initech-ops', role: 'readonly' });
      const demoted = await erin.permissions.describeUser({ tenant: 'initech-ops' });
      assert.deepEqual([demoted.decidedBy, demoted.role, demoted.groups], ['role', 'readonly', ['Read_Only', 'Basic']]);
      await assert.rejects(erin.mappings.remove({ level: 'tenant', tenant: 'initech-ops' }), failsWith('forbidden', /MANAGE_PERMISSION_MAPPING/));
      await assert.rejects(
        erin.instances.run({ tenant: 'initech-ops', region: 'sim-a', image: 'ubuntu-24.04', shape: 'MICRO' }),
        failsWith('forbidden', /RUN_INSTANCE/),
      );
      // Blocking her role, or taking it, leaves her the levels below, without the tenant mapping she set.
      await admin.roles.block({ tenant: 'initech-ops', role: 'readonly' });
      assert.equal((await erin.permissions.describeUser({ tenant: 'initech-ops' })).decidedBy, null);
      assert.equal((await admin.permissions.describeUser({ tenant: 'initech-ops', user: 'gina' })).decidedBy, 'tenant');
      await admin.roles.unblock({ tenant: 'initech-ops', role: 'readonly' });
      await admin.users.removeRole({ name: 'erin', tenant: 'initech-ops' });
      assert.deepEqual(await actionsOf(admin, 'erin'), []);
      // The mappings she set still serve everyone else, until an administrator sets them again.
      await admin.mappings.set({ level: 'tenant', tenant: 'initech-ops', groups: ['Read_Only'] });
      assert.equal((await erin.permissions.describeUser({ tenant: 'initech-ops' })).decidedBy, 'tenant');
    });

    it('mappings set before their authors were recorded learn them from the event log', async () => {
      const ivy = await userClient(server, 'ivy', 'acme');
      await admin.users.addRole({ name: 'ivy', tenant: 'acme-prod', role: 'admin' });
      await ivy.mappings.set({ level: 'role', tenant: 'acme-prod', role: 'billing', groups: ['Basic'] });
      await admin.mappings.set({ level: 'tenant', tenant: 'acme-prod', groups: ['Basic'] });
      await ivy.mappings.set({ level: 'tenant', tenant: 'acme-prod', groups: ['Read_Only'] });
      const authors = async () =>
        (await server.maestro.db.query<{ level: string; role: string; set_by: string | null }>(
          'SELECT level, role, set_by FROM permission_mappings ORDER BY customer_id, level, tenant_id, role, user_id',
        )).rows;
      const recorded = await authors();
      const ivyId = (await admin.users.describe({ name: 'ivy' })).items[0]!.id;
      assert.deepEqual(recorded.filter((row) => row.set_by === ivyId).map((row) => `${row.level} ${row.role}`), ['role billing', 'tenant ']);
      // As a database from before the column: the migration finds the same authors in the log.
      await server.maestro.db.query('ALTER TABLE permission_mappings DROP COLUMN set_by');
      await server.maestro.db.exec(mappingAuthorsMigration.sql);
      assert.deepEqual(await authors(), recorded);
      await admin.mappings.remove({ level: 'tenant', tenant: 'acme-prod' });
      await admin.mappings.remove({ level: 'role', tenant: 'acme-prod', role: 'billing' });
    });

    it('custom groups and roles: validated, used, and protected while in use', async () => {
      await assert.rejects(
        admin.permissions.saveGroup({ customer: 'acme', name: 'Ops', actions: ['RUN_INSTANCE', 'LAUNCH_ROCKETS'] }),
        failsWith('invalid_input', /LAUNCH_ROCKETS/),
      );
      await assert.rejects(
        admin.permissions.saveGroup({ customer: 'acme', name: 'Ops', actions: ['CREATE_CUSTOMER'] }),
        failsWith('invalid_input', /system administrators/),
      );
      await assert.rejects(admin.permissions.saveGroup({ customer: 'acme', name: 'Basic', actions: ['RUN_INSTANCE'] }), failsWith('invalid_input'));
      await admin.permissions.saveGroup({ customer: 'acme', name: 'Ops', actions: ['DESCRIBE_INSTANCE', 'STOP_INSTANCE'] });
      await admin.roles.save({ customer: 'acme', name: 'operator', groups: ['Ops', 'Basic'] });
      await assert.rejects(admin.roles.save({ customer: 'acme', name: 'x', groups: ['Nope'] }), failsWith('invalid_input', /Nope/));
      const bob = await userClient(server, 'bob', 'acme');
      await admin.users.addRole({ name: 'bob', tenant: 'acme-dev', role: 'operator' });
      const actions = (await bob.permissions.describeUser({ tenant: 'acme-dev' })).actions.map((a) => a.name);
      assert.ok(actions.includes('STOP_INSTANCE') && !actions.includes('RUN_INSTANCE'));
      await assert.rejects(admin.permissions.deleteGroup({ customer: 'acme', name: 'Ops' }), failsWith('conflict', /role operator/));
      await assert.rejects(admin.roles.delete({ customer: 'acme', name: 'operator' }), failsWith('conflict', /bob/));
      // Another customer does not see acme's custom role.
      await assert.rejects(admin.users.addRole({ name: 'alice', tenant: 'globex-main', role: 'operator' }), failsWith('invalid_input'));
      const globexRoles = (await admin.roles.describe({ customer: 'globex' })).items.map((r) => r.name);
      assert.ok(!globexRoles.includes('operator'));
    });

    it('a customer administrator manages their own customer and sees nothing of others', async () => {
      const carol = await userClient(server, 'carol', 'acme');
      await admin.users.addCustomerRole({ name: 'carol', role: 'admin' });
      const tenants = (await carol.tenants.describe({})).items.map((t) => t.name);
      assert.deepEqual(tenants, ['ACME-DEV', 'ACME-PROD']);
      assert.deepEqual((await carol.customers.describe({})).items.map((c) => c.name), ['ACME']);
      await carol.tenants.create({ customer: 'acme', name: 'acme-qa' });
      await carol.users.create({ name: 'dave' });
      assert.equal((await admin.users.describe({ name: 'dave' })).items[0]!.customer, 'ACME');
      await assert.rejects(carol.tenants.create({ customer: 'globex', name: 'sneaky' }), failsWith('forbidden', /CREATE_TENANT/));
      await assert.rejects(carol.users.create({ name: 'root2', systemAdmin: true }), failsWith('forbidden'));
      await assert.rejects(carol.customers.create({ name: 'mine' }), failsWith('forbidden', /system administrators/));
      assert.ok((await carol.users.describe({})).items.every((u) => u.customer === 'ACME'));
    });

    it('licences: editions, toggles, grace (reading only) and suspension, all audited', async () => {
      await admin.licenses.set({ customer: 'acme', edition: 'standard' });
      await assert.rejects(alice.instances.describe({ tenant: 'acme-dev' }), failsWith('license', /compute.*professional/));
      await admin.licenses.toggleFeature({ customer: 'acme', feature: 'compute', enabled: true });
      await alice.instances.describe({ tenant: 'acme-dev' });
      // The simulated region is private: running there needs Enterprise or the privateClouds toggle.
      const run = () => alice.instances.run({ tenant: 'acme-dev', region: 'sim-a', image: 'ubuntu-24.04', shape: 'MICRO' });
      await assert.rejects(run(), failsWith('license', /privateClouds/));
      const graced = await admin.licenses.set({ customer: 'acme', edition: 'enterprise', endsAt: new Date(Date.now() - 86_400_000).toISOString(), graceDays: 30 });
      assert.equal(graced.state, 'grace');
      assert.deepEqual(graced.toggles, { compute: true });
      await alice.instances.describe({ tenant: 'acme-dev' });
      await assert.rejects(run(), failsWith('license', /grace/));
      await admin.licenses.set({ customer: 'acme', edition: 'enterprise', suspended: true });
      await assert.rejects(alice.instances.describe({ tenant: 'acme-dev' }), failsWith('license', /suspended/));
      await admin.licenses.set({ customer: 'acme', edition: 'enterprise' });
      await admin.licenses.toggleFeature({ customer: 'acme', feature: 'compute', enabled: null });
      await run();
      const { rows } = await server.maestro.db.query<{ type: string }>(
        `SELECT type FROM event_log WHERE type LIKE 'license.%' OR type LIKE 'role.%' OR type LIKE 'permissionMapping.%' OR type LIKE 'permissionGroup.%'`,
      );
      const types = new Set(rows.map((row) => row.type));
      for (const type of ['license.set', 'license.featureToggled', 'role.blocked', 'role.unblocked', 'role.saved', 'permissionMapping.set', 'permissionMapping.removed', 'permissionGroup.saved']) {
        assert.ok(types.has(type), `no ${type} event`);
      }
    });

    it('refused changes are audited with the tenant', async () => {
      await alice.roles.block({ tenant: 'acme-dev', role: 'readonly' }).catch(() => undefined);
      const { rows } = await server.maestro.db.query<{ tenant_id: string | null; outcome: string }>(
        `SELECT tenant_id, outcome FROM event_log WHERE type = 'command.rejected' ORDER BY seq DESC LIMIT 1`,
      );
      assert.equal(rows[0]?.outcome, 'failure');
      assert.ok(rows[0]?.tenant_id);
    });

    it('a change of role or mapping takes effect on the very next call on another node', { skip: flavour.name === 'pglite' && 'one PGlite database serves one node' }, async () => {
      // The same data directory: the nodes share the master key that seals secret keys.
      const dataDir = server.dataDir;
      const node2 = await startMaestro({
        config: loadConfig({}, { port: 0, dataDir, logLevel: 'silent', nodeName: 'node-2', defaultSimulatedRegion: false }),
        db: await openPostgres({ url: database.url!, poolSize: 3 }),
      });
      try {
        const key = await admin.keys.create({ user: 'alice' });
        const aliceOn2 = createClient({ url: node2.url, accessKey: key.accessKey, secretKey: key.secretKey });
        await aliceOn2.instances.describe({ tenant: 'acme-dev' });
        for (let round = 0; round < 3; round++) {
          await admin.users.removeRole({ name: 'alice', tenant: 'acme-dev' });
          await assert.rejects(aliceOn2.instances.describe({ tenant: 'acme-dev' }), failsWith('forbidden'));
          await admin.users.addRole({ name: 'alice', tenant: 'acme-dev', role: 'user' });
          await aliceOn2.instances.describe({ tenant: 'acme-dev' });
          await admin.mappings.set({ level: 'role', tenant: 'acme-dev', role: 'user', groups: ['Basic'] });
          await assert.rejects(aliceOn2.instances.describe({ tenant: 'acme-dev' }), failsWith('forbidden', /DESCRIBE_INSTANCE/));
          await admin.mappings.remove({ level: 'role', tenant: 'acme-dev', role: 'user' });
          await aliceOn2.instances.describe({ tenant: 'acme-dev' });
        }
      } finally {
        await node2.close();
        await node2.db.close();
      }
    });
  });
}
