import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runningInstance, waitForState } from '../compute/setup.js';
import { spend, tenantId } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { asImportKeySendsIt, rsa4096PublicKey } from './support/compute-keys.js';
import type { M3Client } from './support/m3-client.js';
import { failsWith, failureOf } from './support/failures.js';
import { compatWorld, type CompatWorld } from './support/setup.js';

const T = 'ACME-DEV';
const R = 'SIM-A';
const HOUR = 3_600_000;

type Row = Record<string, unknown>;
interface InstanceRow extends Row {
  instanceId: string;
  instanceName: string;
  state: string;
}

const describeFields = [
  'instanceId', 'state', 'privateIpAddress', 'keyName', 'imageId', 'owner', 'platform', 'publicDnsName', 'shape',
  'instanceStopDate', 'instanceTerminationDate', 'insightsIndex',
];
const actionFields = ['cloud', 'instanceId', 'state', 'instanceName', 'errorMessage'];

for (const flavour of flavours) {
  describe(`the Maestro protocol compute actions (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let m3Alice: M3Client;
    let m3Nobody: M3Client;
    let m3Reader: M3Client;
    const instances = (params: Row = {}) =>
      m3Alice.call<{ instances: InstanceRow[] }>('DESCRIBE_INSTANCE', { tenantName: T, region: R, insights: false, ...params });
    /** run-instances from a client that sends every parameter in params. */
    const flatRun = (client: M3Client, params: Row) =>
      client.call<{ status: string; instances: InstanceRow[] }>('EXECUTE_APPROVAL_ACTION', {
        params: { cloud: 'ENTERPRISE', tenantDisplayName: T, Region: R, 'Image Alias': 'ubuntu-24.04', 'Shape Alias': 'MICRO', ...params },
      });
    const protection = (client: M3Client, instanceId: string, action: string) =>
      client.call<Row | null>('MANAGE_TERMINATION_PROTECTION', { tenantName: T, region: R, instanceId, action });
    const lifecycle = async (action: string, instanceId: string | string[]) =>
      (await m3Alice.call<{ instances: Row[] }>(action, { tenantName: T, region: R, instanceId })).instances;
    const run = (name: string, tags?: Record<string, string>) => runningInstance(world.alice, T, R, name, tags);

    before(async () => {
      database = await flavour.open();
      world = await compatWorld({ db: database.db });
      m3Alice = world.m3Alice;
      m3Nobody = await world.m3User('nobody', null);
      m3Reader = await world.m3User('reader', 'readonly');
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    describe('LIST_REGION_SHAPES', () => {
      it('lists the shapes of a region of the tenant, with the fields describe-shapes prints', async () => {
        const shapes = await m3Alice.call<Row[]>('LIST_REGION_SHAPES', { tenantName: 'acme-dev', cloud: 'enterprise', region: 'sim-a' });
        const small = shapes.find((s) => s.name === 'SMALL');
        assert.deepEqual(small, { name: 'SMALL', shape: 'SMALL', cpuCount: 1, memoryGb: 2, storageGb: null, custom: false });
        // What the command-line client sends: its --cloud has no simulator, and a simulated region answers to OPEN_STACK.
        const asOpenStack = await m3Alice.call<Row[]>('LIST_REGION_SHAPES', { tenantName: 'acme-dev', cloud: 'OPEN_STACK', region: 'sim-a' });
        assert.deepEqual(asOpenStack, shapes);
      });

      it('refuses a cloud the region is not in, an unknown tenant and a missing region', async () => {
        await failsWith(m3Alice.call('LIST_REGION_SHAPES', { tenantName: T, cloud: 'AWS', region: R }), 400, /region SIM-A is in cloud OPEN_STACK, not AWS/);
        await failsWith(m3Alice.call('LIST_REGION_SHAPES', { tenantName: 'NOPE', cloud: 'ENTERPRISE', region: R }), 404, /tenant 'NOPE'/);
        await failsWith(m3Alice.call('LIST_REGION_SHAPES', { tenantName: T, cloud: 'ENTERPRISE' }), 400, /region/);
      });
    });

    describe('EXECUTE_APPROVAL_ACTION (run-instances)', () => {
      /** The request as the command-line client's plugin shapes it. */
      const cliRun = (params: Row, additional: Row = { cloud: 'ENTERPRISE', tenantDisplayName: T }) =>
        m3Alice.call<{ status: string; message: string; approvalId: string | null; instances: InstanceRow[] }>('EXECUTE_APPROVAL_ACTION', {
          params: { Region: R, 'Image Alias': 'ubuntu-24.04', ...params },
          additionalParams: additional,
          actionName: 'Run Instance',
          quotaAction: true,
        });

      it('runs instances as the command-line client asks, with counts and hours as text, tags and time limits', async () => {
        const before = Date.now();
        const result = await cliRun({ 'Instance Name': 'web', 'Shape Alias': 'small', Count: '2', 'Stop after': '2', 'Terminate after': 5, tags: { env: 'dev' } });
        assert.equal(result.status, 'SUCCESS');
        assert.match(result.message, /2 instance\(s\) launching in SIM-A: web-1 \(.+\), web-2/);
        assert.deepEqual(result.instances.map((i) => i.instanceName), ['web-1', 'web-2']);

        const { items } = await world.alice.instances.describe({ tenant: T, ids: result.instances.map((i) => i.instanceId) });
        assert.equal(items.length, 2);
        for (const instance of items) {
          assert.deepEqual([instance.shape, instance.owner, instance.tags], ['SMALL', 'alice', { env: 'dev' }]);
          const stop = Date.parse(instance.stopAfter!) - before;
          const terminate = Date.parse(instance.terminateAfter!) - before;
          assert.ok(stop >= 2 * HOUR && stop < 2 * HOUR + 60_000, `stopAfter ${instance.stopAfter}`);
          assert.ok(terminate >= 5 * HOUR && terminate < 5 * HOUR + 60_000, `terminateAfter ${instance.terminateAfter}`);
        }
      });

      it('takes cloud and tenant inside params too, an instance type as a shape, and tags as key:value text', async () => {
        const result = await flatRun(m3Alice, {
          cloud: 'Enterprise',
          tenantDisplayName: 'acme-dev',
          Region: 'sim-a',
          'Instance Name': 'typed',
          'Shape Alias': undefined,
          'Instance type': 'MICRO',
          tags: 'team:core,tier:web',
        });
        assert.equal(result.status, 'SUCCESS');
        const [instance] = (await world.alice.instances.describe({ tenant: T, ids: [result.instances[0]!.instanceId] })).items;
        assert.deepEqual([instance!.name, instance!.shape, instance!.tags], ['typed', 'MICRO', { team: 'core', tier: 'web' }]);
      });

      it('says what it cannot do rather than ignore it, and names what is missing or unknown', async () => {
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL' }, { tenantDisplayName: T }), 400, /cloud: required/);
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL', 'Additional Storage (GB)': '10' }), 400, /additional storage/);
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL', 'User script name': 'init.sh' }), 400, /init scripts by name/);
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL', 'Instance type': 'MICRO' }), 400, /not both/);
        await failsWith(cliRun({ 'Instance Name': 'x' }), 400, /Shape Alias/);
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL', 'Stop after': '0' }), 400, /Stop after/);
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL', 'Image Alias': 'windows-95' }), 404, /image 'windows-95'/);
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL' }, { cloud: 'AWS', tenantDisplayName: T }), 400, /is in cloud OPEN_STACK, not AWS/);
        const hyperv = cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL' }, { cloud: 'hyperv', tenantDisplayName: T });
        await failsWith(hyperv, 400, /not the cloud given \(this server has none of it\)/);
        await failsWith(cliRun({ 'Instance Name': 'x', 'Shape Alias': 'SMALL', 'Key Pair Name': 'no-such-key' }), 404, /SSH key 'no-such-key'/);
      });

      it('refuses a user without a role in the tenant with 403', async () => {
        assert.equal((await failureOf(flatRun(m3Nobody, { 'Instance Name': 'x' }))).statusCode, 403);
      });

      it('answers PENDING_APPROVAL with the request when a quota holds the run, and runs nothing', async () => {
        await world.admin.tenants.create({ customer: 'acme', name: 'acme-held' });
        await world.admin.tenants.activateRegion({ tenant: 'acme-held', region: R });
        await world.admin.users.addRole({ name: 'alice', tenant: 'acme-held', role: 'user' });
        await world.admin.quotas.setMonthly({ tenant: 'acme-held', limit: 10, action: 'approval' });
        const month = new Date().toISOString().slice(0, 8);
        await spend(world.server.maestro.db, await tenantId(world.server.maestro.db, 'ACME-HELD'), 10, { cloud: 'SIMULATED', region: R, day: `${month}01` });

        const result = await cliRun({ 'Instance Name': 'held', 'Shape Alias': 'SMALL' }, { cloud: 'ENTERPRISE', tenantDisplayName: 'ACME-HELD' });
        assert.equal(result.status, 'PENDING_APPROVAL');
        assert.deepEqual(result.instances, []);
        assert.match(result.message, new RegExp(`monthly cost quota.*approval request ${result.approvalId}`));
        const [pending] = (await world.alice.approvals.describe({ tenant: 'ACME-HELD', state: 'pending' })).items;
        assert.equal(pending!.id, result.approvalId);
        assert.equal((await world.alice.instances.describe({ tenant: 'ACME-HELD' })).items.length, 0);
      });
    });

    describe('DESCRIBE_INSTANCE', () => {
      it('answers {instances: [...]} with every field describe-instances prints, dates in milliseconds', async () => {
        const instance = await run('shown');
        await world.alice.instances.setTerminationProtection({ tenant: T, id: instance.id, enabled: false });
        const { instances: rows } = await instances({ instanceIds: instance.id });
        assert.equal(rows.length, 1);
        const row = rows[0]!;
        for (const field of describeFields) assert.ok(field in row, field);
        assert.deepEqual(
          [row.instanceId, row.instanceName, row.state, row.imageId, row.owner, row.shape, row.cloud, row.region, row.instanceStopDate, row.insightsIndex],
          [instance.id, 'shown', 'running', 'ubuntu-24.04', 'alice', 'SMALL', 'OPEN_STACK', R, null, null],
        );
        assert.equal(row.creationDateTimestamp, Date.parse(instance.launchedAt));

        const timed = await flatRun(m3Alice, { 'Instance Name': 'timed', 'Stop after': 1 });
        const [timedRow] = (await instances({ instanceIds: [timed.instances[0]!.instanceId] })).instances;
        assert.equal(typeof timedRow!.instanceStopDate, 'number');
        assert.ok(Math.abs((timedRow!.instanceStopDate as number) - (Date.now() + HOUR)) < 60_000);
      });

      it('filters by state (running, stopped, the client’s instanceStates), owner and tag', async () => {
        const web = await run('filtered-web', { role: 'web' });
        const db = await run('filtered-db', { role: 'db' });
        await world.alice.instances.stop({ tenant: T, id: db.id });
        await waitForState(world.alice, T, [db.id], 'stopped');
        const names = (rows: InstanceRow[]) => rows.map((i) => i.instanceName).filter((n) => n.startsWith('filtered-')).sort();

        assert.deepEqual(names((await instances({ running: true, instanceStates: ['running'] })).instances), ['filtered-web']);
        assert.deepEqual(names((await instances({ stopped: 'true' })).instances), ['filtered-db']);
        assert.deepEqual(names((await instances({ instanceStates: 'RUNNING,stopped' })).instances), ['filtered-db', 'filtered-web']);
        assert.deepEqual((await instances({ instanceStates: ['suspended'] })).instances, []);
        assert.deepEqual(names((await instances({ resourceTag: { key: 'role', value: 'web' } })).instances), ['filtered-web']);
        assert.deepEqual(names((await instances({ resourceTag: 'role:db' })).instances), ['filtered-db']);
        assert.deepEqual(names((await instances({ owner: 'alice', instanceIds: `${web.id},${db.id}` })).instances), ['filtered-db', 'filtered-web']);
        assert.deepEqual((await instances({ owner: 'somebody-else', instanceIds: [web.id] })).instances, []);
        assert.deepEqual(names((await instances({ group: 'all' })).instances), ['filtered-db', 'filtered-web']);
      });

      it('refuses insights, unknown parameters, a missing tenant, and a user without a role', async () => {
        await failsWith(instances({ insights: true }), 400, /insights/);
        await failsWith(instances({ riskFactor: 'high' }), 400, /insights/);
        await failsWith(instances({ group: 'untagged' }), 400, /insights/);
        await failsWith(instances({ colour: 'blue' }), 400, /colour/);
        await failsWith(m3Alice.call('DESCRIBE_INSTANCE', { region: R }), 400, /tenantName/);
        await failsWith(instances({ region: 'NOWHERE' }), 404, /NOWHERE/);
        assert.equal((await failureOf(m3Nobody.call('DESCRIBE_INSTANCE', { tenantName: T, region: R }))).statusCode, 403);
      });
    });

    describe('START, STOP, REBOOT and TERMINATE_INSTANCE', () => {
      it('acts on each instance given, one row each; an unknown or refused one gets its errorMessage, the others still happen', async () => {
        const a = await run('batch-a');
        const b = await run('batch-b');
        // The client's plugin reads `instances` (it crashed on a bare list, after the action had happened).
        const { instances: rows } = await m3Alice.call<{ instances: Row[] }>('STOP_INSTANCE', { tenantName: T, region: R, instanceId: `${a.id},not-an-id,${b.id}` });
        assert.equal(rows.length, 3);
        for (const row of rows) for (const field of actionFields) assert.ok(field in row, field);
        assert.deepEqual(rows.map((r) => [r.instanceId, r.instanceName, r.cloud, r.errorMessage === null]), [
          [a.id, 'batch-a', 'OPEN_STACK', true],
          ['not-an-id', null, 'OPEN_STACK', false],
          [b.id, 'batch-b', 'OPEN_STACK', true],
        ]);
        assert.match(String(rows[1]!.errorMessage), /not-an-id does not exist in tenant ACME-DEV, region SIM-A/);
        assert.equal(rows[0]!.state, 'stopping');
        await waitForState(world.alice, T, [a.id, b.id], 'stopped');

        // b is stopped already: stopping it again is refused, starting a goes ahead.
        const [started, again] = await Promise.all([
          lifecycle('START_INSTANCE', [a.id]),
          lifecycle('STOP_INSTANCE', [b.id]),
        ]);
        assert.deepEqual([started[0]!.state, started[0]!.errorMessage], ['starting', null]);
        assert.match(String(again[0]!.errorMessage), /cannot stop instance batch-b/);
        assert.equal(again[0]!.state, 'stopped');
        await waitForState(world.alice, T, [a.id], 'running');

        const [rebooted] = await lifecycle('REBOOT_INSTANCE', a.id);
        assert.deepEqual([rebooted!.state, rebooted!.errorMessage], ['rebooting', null]);
        await waitForState(world.alice, T, [a.id], 'running');
        const terminated = await lifecycle('TERMINATE_INSTANCE', [a.id, b.id]);
        assert.deepEqual(terminated.map((r) => [r.state, r.errorMessage]), [['shutting-down', null], ['shutting-down', null]]);
      });

      it('fails the whole call for a user without the role (403) and for a region the tenant is not in', async () => {
        const instance = await run('guarded');
        assert.equal((await failureOf(m3Nobody.call('STOP_INSTANCE', { tenantName: T, region: R, instanceId: instance.id }))).statusCode, 403);
        assert.equal((await failureOf(m3Reader.call('STOP_INSTANCE', { tenantName: T, region: R, instanceId: instance.id }))).statusCode, 403);
        await failsWith(m3Alice.call('STOP_INSTANCE', { tenantName: T, region: 'NOWHERE', instanceId: instance.id }), 404, /NOWHERE/);
        await failsWith(m3Alice.call('STOP_INSTANCE', { tenantName: T, region: R }), 400, /instanceId/);
        const [still] = (await world.alice.instances.describe({ tenant: T, ids: [instance.id] })).items;
        assert.equal(still!.state, 'running');
      });
    });

    describe('MANAGE_TERMINATION_PROTECTION', () => {
      it('turns protection on and off, in any case; terminate is refused while it is on', async () => {
        const instance = await run('protected');
        // null, as the original answers: the client prints its own success sentence for null and anything else raw.
        assert.equal(await protection(m3Alice, instance.id, 'enable'), null);
        const [refused] = await lifecycle('TERMINATE_INSTANCE', instance.id);
        assert.match(String(refused!.errorMessage), /termination protection/);
        assert.equal(await protection(m3Alice, instance.id, 'Disable'), null);
        const [stored] = (await world.alice.instances.describe({ tenant: T, ids: [instance.id] })).items;
        assert.equal(stored!.terminationProtection, false);
      });

      it('refuses an unknown action, an unknown instance, and a user without the role', async () => {
        const instance = await run('protected-2');
        await failsWith(protection(m3Alice, instance.id, 'toggle'), 400, /ENABLE, DISABLE/);
        const unknown = '00000000-0000-4000-8000-000000000000';
        await failsWith(protection(m3Alice, unknown, 'ENABLE'), 404, new RegExp(`instance '${unknown}'`));
        assert.equal((await failureOf(protection(m3Reader, instance.id, 'ENABLE'))).statusCode, 403);
      });
    });

    describe('DESCRIBE_IMAGE, CREATE_IMAGE and DELETE_IMAGE', () => {
      it('captures an instance as an image, lists it and deletes it', async () => {
        const instance = await run('golden');
        // A list of one image: the client's plugin reads its first item.
        const [created, ...more] = await m3Alice.call<Row[]>('CREATE_IMAGE', {
          tenantName: T,
          region: R,
          instanceId: instance.id,
          name: 'golden-image',
          description: 'our base',
        });
        assert.ok(created && more.length === 0);
        for (const field of ['imageId', 'name', 'osType', 'imageType', 'imageState', 'createdDate', 'attachedVolumes']) assert.ok(field in created, field);
        assert.deepEqual([created.name, created.imageType, typeof created.createdDate], ['golden-image', 'tenant', 'number']);

        const images = await m3Alice.call<Row[]>('DESCRIBE_IMAGE', { tenantName: T, region: R });
        const listed = images.find((i) => i.imageId === created.imageId);
        assert.ok(listed);
        for (const field of ['name', 'description', 'createdDate', 'imageId', 'imageType', 'imageState', 'minStorageSizeGb']) assert.ok(field in listed, field);
        assert.equal(listed.description, 'our base');
        assert.equal(created.description, 'our base');
        assert.ok(images.some((i) => i.name === 'ubuntu-24.04' && i.imageType === 'public'));

        const deleted = await m3Alice.call<Row>('DELETE_IMAGE', { tenantName: T, region: R, imageId: created.imageId });
        assert.deepEqual(deleted, { imageId: created.imageId, name: 'golden-image', imageState: 'deleted' });
        assert.ok(!(await m3Alice.call<Row[]>('DESCRIBE_IMAGE', { tenantName: T, region: R })).some((i) => i.imageId === created.imageId));
      });

      it('refuses an unknown instance or image, a missing description, and a user without the role', async () => {
        const unknown = '00000000-0000-4000-8000-000000000001';
        const fromUnknown = m3Alice.call('CREATE_IMAGE', { tenantName: T, region: R, instanceId: unknown, name: 'x-image', description: '' });
        await failsWith(fromUnknown, 404, new RegExp(`instance '${unknown}'`));
        await failsWith(m3Alice.call('CREATE_IMAGE', { tenantName: T, region: R, instanceId: unknown, name: 'x-image' }), 400, /description/);
        await failsWith(m3Alice.call('DELETE_IMAGE', { tenantName: T, region: R, imageId: unknown }), 404, new RegExp(`image '${unknown}'`));
        assert.equal((await failureOf(m3Nobody.call('DESCRIBE_IMAGE', { tenantName: T, region: R }))).statusCode, 403);
        const instance = await run('not-for-readers');
        const call = m3Reader.call('CREATE_IMAGE', { tenantName: T, region: R, instanceId: instance.id, name: 'reader-image', description: 'x' });
        assert.equal((await failureOf(call)).statusCode, 403);
      });
    });

    describe('ADD_KEY, DESCRIBE_KEYS and DELETE_KEY', () => {
      it('creates a key (create-key) whose private part comes back once, and lists it', async () => {
        const key = await m3Alice.call<Row>('ADD_KEY', { name: 'alice-laptop', tenantName: 'acme-dev', cloud: 'enterprise', region: 'sim-a' });
        for (const field of ['name', 'email', 'cloud', 'tenant', 'region', 'publicPart', 'path']) assert.ok(field in key, field);
        assert.deepEqual([key.name, key.email, key.cloud, key.tenant, key.region], ['alice-laptop', 'alice@acme.example', 'OPEN_STACK', T, R]);
        assert.match(String(key.publicPart), /^ssh-ed25519 /);
        assert.match(String(key.privatePart), /BEGIN OPENSSH PRIVATE KEY/);

        const listed = await m3Alice.call<Row[]>('DESCRIBE_KEYS', { tenantName: T });
        const row = listed.find((k) => k.name === 'alice-laptop');
        assert.ok(row);
        for (const field of ['name', 'status', 'cloud', 'tenant', 'region', 'email']) assert.ok(field in row, field);
        assert.equal(row.privatePart, undefined);
        assert.equal(row.publicPart, key.publicPart);
        assert.deepEqual((await m3Alice.call<Row[]>('DESCRIBE_KEYS', { name: 'alice-laptop' })).map((k) => k.tenant), [T]);
        assert.deepEqual(await m3Alice.call<Row[]>('DESCRIBE_KEYS', { cloud: 'AWS' }), []);

        // The key is usable by run-instances at once.
        const ran = await flatRun(m3Alice, { 'Instance Name': 'keyed', 'Key Pair Name': 'alice-laptop' });
        assert.equal((await instances({ instanceIds: ran.instances[0]!.instanceId })).instances[0]!.keyName, 'alice-laptop');
      });

      it('imports a public key as import-key sends it (cut at its == padding), in one tenant or all', async () => {
        const file = rsa4096PublicKey();
        await m3Alice.call('ADD_KEY', { name: 'alice-rsa', tenantName: T, cloud: 'ENTERPRISE', region: R, publicKey: asImportKeySendsIt(file) });
        const [stored] = (await world.alice.sshKeys.describe({ tenant: T, name: 'alice-rsa' })).items;
        assert.equal(stored!.publicKey, file.split(' ').slice(0, 2).join(' '));

        const all = await m3Alice.call<{ tenants: Row[] }>('ADD_KEY', { name: 'alice-everywhere', allTenants: true, publicKey: file });
        assert.deepEqual(all.tenants.map((t) => [t.tenant, t.errorMessage]).sort(), [['ACME-DEV', null], ['ACME-HELD', null]]);
        assert.deepEqual((await m3Alice.call<Row[]>('DESCRIBE_KEYS', { name: 'alice-everywhere' })).map((k) => k.tenant).sort(), ['ACME-DEV', 'ACME-HELD']);
      });

      it('refuses what it cannot do, duplicates, and users without the role', async () => {
        await failsWith(m3Alice.call('ADD_KEY', { name: 'nowhere' }), 400, /tenantName/);
        await failsWith(m3Alice.call('ADD_KEY', { name: 'by-path', tenantName: T, filepath: '/home/alice/.ssh/id.pub' }), 400, /filepath/);
        await failsWith(m3Alice.call('ADD_KEY', { name: 'everywhere', allTenants: 'true' }), 400, /allTenants/);
        await failsWith(m3Alice.call('ADD_KEY', { name: 'wrong-cloud', tenantName: T, cloud: 'AWS', region: R }), 400, /is in cloud OPEN_STACK, not AWS/);
        await failsWith(m3Alice.call('ADD_KEY', { name: 'bad-key', tenantName: T, publicKey: 'ssh-rsa AAAA' }), 400, /publicKey/);
        await m3Alice.call('ADD_KEY', { name: 'twice', tenantName: T });
        await failsWith(m3Alice.call('ADD_KEY', { name: 'twice', tenantName: T }), 409, /already has an SSH key named twice/);
        assert.equal((await failureOf(m3Nobody.call('ADD_KEY', { name: 'nobody-key', tenantName: T }))).statusCode, 403);
        assert.equal((await failureOf(m3Reader.call('ADD_KEY', { name: 'reader-key', tenantName: T, cloud: 'ENTERPRISE', region: R }))).statusCode, 403);
        assert.equal((await failureOf(m3Nobody.call('DESCRIBE_KEYS', { tenantName: T }))).statusCode, 403);
      });

      it('deletes the caller’s keys of a name in every tenant, and says when there is none', async () => {
        await m3Alice.call('ADD_KEY', { name: 'short-lived', tenantName: T });
        const deleted = await m3Alice.call<Row>('DELETE_KEY', { name: 'short-lived' });
        assert.deepEqual(deleted, { name: 'short-lived', tenants: [T] });
        assert.deepEqual((await world.alice.sshKeys.describe({ tenant: T, name: 'short-lived' })).items, []);
        await failsWith(m3Alice.call('DELETE_KEY', { name: 'short-lived' }), 404, /SSH key 'short-lived'/);
        await failsWith(m3Alice.call('DELETE_KEY', {}), 400, /name/);
        // Another user's key of that name is not the caller's to delete.
        await world.admin.sshKeys.create({ tenant: T, name: 'admins-key' });
        await failsWith(m3Alice.call('DELETE_KEY', { name: 'admins-key' }), 404, /admins-key/);
        assert.equal((await world.alice.sshKeys.describe({ tenant: T, name: 'admins-key' })).items.length, 1);
      });
    });
  });
}
