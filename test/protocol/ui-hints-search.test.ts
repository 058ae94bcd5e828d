import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allCommands } from '../../src/protocol/commands/index.js';
import type { FieldHint } from '../../src/protocol/ui-hints.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { failsWith, runningInstance, simulatedTenant } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const C = 'PICKERS';
const T = 'PICKERS-WEB';
const R = 'SIM-PICKERS';

/** The names in a list answer, for comparing what a search found. */
const names = (answer: { items: Array<{ name: string }> }) => answer.items.map((item) => item.name);

for (const flavour of flavours) {
  describe(`the pickers' lists: searched by the server and paged (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, config: { simLatencyMs: 0, systemJobs: false } });
      admin = server.admin;
      await simulatedTenant(admin, { customer: C, tenant: T, region: R });
      await admin.tenants.create({ customer: C, name: 'PICKERS-DATA', displayName: 'Analytics Warehouse' });
      await admin.regions.create({ name: 'SIM-PICKERS-IDLE', cloud: 'SIMULATED', kind: 'private', nativeName: 'idle' });
      await admin.tenantGroups.create({ customer: C, name: 'FRONTEND' });
      await admin.tenantGroups.create({ customer: C, name: 'BACKEND' });
      await admin.users.create({ name: 'ada.lovelace', displayName: 'Ada Lovelace', customer: C });
      await admin.users.create({ name: 'alan', displayName: 'Alan Turing', customer: C });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('tenants, customers, tenant groups and users match part of the name or display name, in any case', async () => {
      assert.deepEqual(names(await admin.tenants.describe({ customer: C, search: 'data' })), ['PICKERS-DATA']);
      assert.deepEqual(names(await admin.tenants.describe({ customer: C, search: 'WAREHOUSE' })), ['PICKERS-DATA']);
      assert.deepEqual(names(await admin.tenants.describe({ customer: C, search: 'pickers' })), ['PICKERS-DATA', 'PICKERS-WEB']);
      assert.deepEqual(names(await admin.tenants.describe({ customer: C, search: '%' })), [], "'%' is a character, not a wildcard");
      assert.deepEqual(names(await admin.customers.describe({ search: 'icker' })), [C]);
      assert.deepEqual(names(await admin.tenantGroups.describe({ customer: C, search: 'end' })), ['BACKEND', 'FRONTEND']);
      assert.deepEqual(names(await admin.tenantGroups.describe({ customer: C, search: 'front' })), ['FRONTEND']);
      assert.deepEqual(names(await admin.users.describe({ customer: C, search: 'TURING' })), ['alan']);
      assert.deepEqual(names(await admin.users.describe({ customer: C, search: 'a' })), ['ada.lovelace', 'alan']);
      const firstPage = await admin.tenants.describe({ customer: C, search: 'pickers', limit: 1 });
      assert.deepEqual(names(firstPage), ['PICKERS-DATA']);
      assert.deepEqual(names(await admin.tenants.describe({ customer: C, search: 'pickers', limit: 1, cursor: firstPage.nextCursor! })), ['PICKERS-WEB']);
      await assert.rejects(admin.tenants.describe({ search: ' ' }), failsWith('invalid_input', /search must not be empty/));
    });

    it("regions narrow to a tenant's activated ones, and by name", async () => {
      const all = names(await admin.regions.describe({ search: 'sim-pickers' }));
      assert.deepEqual(all, ['SIM-PICKERS', 'SIM-PICKERS-IDLE']);
      assert.deepEqual(names(await admin.regions.describe({ tenant: T })), [R]);
      assert.deepEqual(names(await admin.regions.describe({ tenant: 'PICKERS-DATA' })), []);
      assert.deepEqual(names(await admin.regions.describe({ tenant: T, search: 'idle' })), []);
      await assert.rejects(admin.regions.describe({ tenant: 'NO-SUCH-TENANT' }), failsWith('not_found', /tenant/));
    });

    it("a user asking for another tenant's regions hears what a tenant that does not exist answers", async () => {
      await admin.users.create({ name: 'dora', customer: C });
      await admin.users.addRole({ name: 'dora', tenant: 'PICKERS-DATA', role: 'admin' });
      const key = await admin.keys.create({ user: 'dora' });
      const dora = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
      assert.deepEqual(names(await dora.regions.describe({ tenant: 'PICKERS-DATA' })), []);
      const refusal = async (tenant: string) =>
        dora.regions.describe({ tenant }).then(
          () => 'answered',
          (error: Error) => error.message.replace(tenant, '<tenant>'),
        );
      const foreign = await refusal(T);
      assert.match(foreign, /tenant/);
      assert.equal(foreign, await refusal('NO-SUCH-TENANT'));
    });

    it('images, shapes, SSH keys, instances, networks, public IPs and roles match part of the name', async () => {
      const publicImages = names(await admin.images.describe({ tenant: T, region: R }));
      assert.ok(publicImages.includes('ubuntu-24.04'), publicImages.join(', '));
      assert.deepEqual(names(await admin.images.describe({ tenant: T, region: R, search: 'UBUNTU-24' })), ['ubuntu-24.04']);
      assert.deepEqual(names(await admin.shapes.describe({ region: R, search: 'sma' })), ['SMALL']);
      await admin.sshKeys.create({ tenant: T, name: 'deploy-key' });
      await admin.sshKeys.create({ tenant: T, name: 'laptop' });
      assert.deepEqual(names(await admin.sshKeys.describe({ tenant: T, search: 'DEPLOY' })), ['deploy-key']);
      await runningInstance(admin, T, R, 'web-1');
      await runningInstance(admin, T, R, 'db-1');
      assert.deepEqual(names(await admin.instances.describe({ tenant: T, search: 'WEB' })), ['web-1']);
      const networks = (await admin.networks.describe({ tenant: T, region: R })).items;
      const one = networks[0]!;
      const found = (await admin.networks.describe({ tenant: T, region: R, search: one.name.slice(1, 4).toUpperCase() })).items;
      assert.ok(found.some((n) => n.nativeId === one.nativeId) && found.length <= networks.length);
      assert.deepEqual((await admin.networks.describe({ tenant: T, region: R, search: 'no-such-network' })).items, []);
      const ip = await admin.publicIps.allocate({ tenant: T, region: R });
      assert.deepEqual((await admin.publicIps.describe({ tenant: T, search: ip.address })).items.map((i) => i.id), [ip.id]);
      assert.deepEqual((await admin.publicIps.describe({ tenant: T, search: '203.0.113.250' })).items, []);
      const roles = names(await admin.roles.describe({ customer: C, search: 'admin' }));
      assert.ok(roles.length > 0 && roles.every((role) => role.toLowerCase().includes('admin')), roles.join(', '));
    });

    it('a long image catalog comes in pages; without limit the whole list, as before', async () => {
      const web = (await admin.instances.describe({ tenant: T, search: 'web-1' })).items[0]!;
      for (const name of ['golden-a', 'golden-b', 'golden-c']) await admin.images.create({ tenant: T, instance: web.id, name });
      const whole = await admin.images.describe({ tenant: T, region: R });
      assert.equal(whole.nextCursor, null);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await admin.images.describe({ tenant: T, region: R, limit: 2, ...(cursor ? { cursor } : {}) });
        assert.ok(page.items.length <= 2);
        paged.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(paged, whole.items.map((i) => i.id), 'the pages hold the whole list, in its order (public catalog first)');
      const golden = await admin.images.describe({ tenant: T, region: R, search: 'golden', limit: 2 });
      assert.deepEqual(names(golden), ['golden-a', 'golden-b']);
      assert.deepEqual(names(await admin.images.describe({ tenant: T, region: R, search: 'golden', limit: 2, cursor: golden.nextCursor! })), ['golden-c']);
      await assert.rejects(admin.images.describe({ tenant: T, region: R, cursor: 'bm90IG9uZQ' }), failsWith('invalid_input', /cursor/));
    });

    it('rpc.discover serves the hints and columns to a caller without credentials, as the console loads them', async () => {
      const response = await fetch(`${server.url}/api/v1/rpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc.discover' }),
      });
      const { result } = (await response.json()) as { result: { methods: Array<{ name: string; 'x-maestro': Record<string, unknown> }> } };
      const extension = (name: string) => result.methods.find((method) => method.name === name)!['x-maestro'];
      const run = extension('instances.run').ui as { wizard: string; fields: Record<string, FieldHint> };
      assert.equal(run.wizard, 'RUN_INSTANCE_WIZARD');
      assert.deepEqual(run.fields.image!.dependsOn, ['tenant', 'region']);
      assert.deepEqual(extension('tenants.describe').columns, ['name', 'customer', 'group', 'status', 'regions']);
    });

    it("every picker of every command's hints answers when called as the console calls it", async () => {
      // The values a user would have chosen in the form's other fields.
      const form: Record<string, string> = { tenant: T, region: R, customer: C };
      let pickers = 0;
      for (const command of allCommands) {
        for (const [field, hint] of Object.entries(command.ui?.fields ?? {}) as [string, FieldHint][]) {
          const picker = hint.picker;
          if (!picker) continue;
          const params = Object.fromEntries(
            Object.entries(picker.params ?? {}).map(([name, value]) => [name, value.startsWith('$') ? form[value.slice(1)] : value]),
          );
          const where = `${command.name}.${field} via ${picker.command}`;
          // securityGroups.describe answers only on clouds with security groups (OpenStack); the simulated cloud refuses.
          if (picker.command === 'securityGroups.describe') {
            await assert.rejects(admin.call(picker.command, { ...params, search: 'x' }), failsWith('invalid_input'), where);
            continue;
          }
          const answer = (await admin.call(picker.command, { ...params, [picker.search!]: 'e' })) as Record<string, unknown>;
          const items = answer[picker.items ?? 'items'];
          assert.ok(Array.isArray(items), where);
          for (const item of items as Array<Record<string, unknown>>) assert.ok(picker.value in item, `${where}: ${picker.value}`);
          pickers += 1;
        }
      }
      assert.ok(pickers > 20, `${pickers} pickers called`);
    });
  });
}
