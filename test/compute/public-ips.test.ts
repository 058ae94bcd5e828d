import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { failsWith, waitForState } from './setup.js';

const T = 'ADDRESSED';
const R = 'SIM-IPS';
const R2 = 'SIM-IPS-2';
// 73.05 a month is 0.1 an hour: an idle address costs 0.05 a half hour.
const prices = { publicIp: { perIdleMonth: 73.05 } };

const inBlock = (address: string | null, prefix: string) => address !== null && address.startsWith(prefix);

for (const flavour of flavours) {
  describe(`public IPs on the simulated cloud (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-05-04T10:00:00Z');
    let web: Instance;
    let db: Instance;

    const run = async (name: string, region = R) => {
      const { instances } = await admin.instances.run({ tenant: T, region, image: 'ubuntu-24.04', shape: 'SMALL', name });
      return (await waitForState(admin, T, [instances[0]!.id], 'running'))[0]!;
    };
    const eventsOf = async (type: string) => (await admin.events.describe({ tenant: T, limit: 200 })).items.filter((e) => e.type === type);

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: { simLatencyMs: 0, systemJobs: false } });
      admin = createClient({ url: server.url, ...server.credentials, now: () => clock.now().getTime() });
      await admin.customers.create({ name: 'acme' });
      await admin.tenants.create({ customer: 'acme', name: T });
      await admin.tenants.create({ customer: 'acme', name: 'OTHERS' });
      for (const [name, native] of [[R, 'sim-ips'], [R2, 'sim-ips-2']] as const) {
        await admin.regions.create({ name, cloud: 'SIMULATED', kind: 'private', nativeName: native });
        await admin.tenants.activateRegion({ tenant: T, region: name });
      }
      await admin.tenants.activateRegion({ tenant: 'OTHERS', region: R });
      await admin.pricePolicies.create({ region: R, effectiveFrom: '2026-05-01T00:00:00Z', prices });
      web = await run('web');
      db = await run('db');
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('allocates an address from the external network, associates it with one instance at a time, and releases it once idle', async () => {
      const ip = await admin.publicIps.allocate({ tenant: T, region: R });
      assert.ok(inBlock(ip.address, '198.18.'), ip.address);
      assert.deepEqual([ip.tenant, ip.region, ip.instanceId, ip.privateAddress], [T, R, null, null]);
      const [external] = (await admin.networks.describe({ tenant: T, region: R })).items.filter((n) => n.external);
      assert.equal(ip.network, external!.nativeId);

      const associated = await admin.publicIps.associate({ tenant: T, ip: ip.address, instance: web.id });
      assert.equal(associated.instanceId, web.id);
      assert.ok(inBlock(associated.privateAddress, '10.0.'), `${associated.privateAddress} is on the private network`);
      // Again with the same instance: nothing to do, nothing recorded.
      const before = (await eventsOf('publicIp.associated')).length;
      assert.equal((await admin.publicIps.associate({ tenant: T, ip: ip.id, instance: web.id })).instanceId, web.id);
      assert.equal((await eventsOf('publicIp.associated')).length, before);

      await assert.rejects(
        admin.publicIps.associate({ tenant: T, ip: ip.id, instance: db.id }),
        failsWith('invalid_state', new RegExp(`${ip.address} is associated with instance web \\(${web.id}\\); disassociate it first, or associate with move`)),
      );
      await assert.rejects(
        admin.publicIps.release({ tenant: T, ip: ip.address }),
        failsWith('invalid_state', /is associated with instance web .*; disassociate it first, then release it/),
      );
      const moved = await admin.publicIps.associate({ tenant: T, ip: ip.id, instance: db.id, move: true });
      assert.equal(moved.instanceId, db.id);
      assert.deepEqual((await admin.publicIps.describe({ tenant: T, instance: web.id })).items, []);
      // The instances show where they are reached now.
      const shown = new Map((await admin.instances.describe({ tenant: T, ids: [web.id, db.id] })).items.map((i) => [i.id, i.publicIp]));
      assert.deepEqual([shown.get(web.id), shown.get(db.id)], [null, { address: ip.address, privateAddress: moved.privateAddress }]);

      // An instance has one address at most.
      const second = await admin.publicIps.allocate({ tenant: T, region: R });
      await assert.rejects(
        admin.publicIps.associate({ tenant: T, ip: second.id, instance: db.id }),
        failsWith('invalid_state', new RegExp(`instance db .* already has public IP ${ip.address.replaceAll('.', '\\.')}`)),
      );

      const idle = await admin.publicIps.disassociate({ tenant: T, ip: ip.id });
      assert.deepEqual([idle.instanceId, idle.privateAddress], [null, null]);
      await assert.rejects(admin.publicIps.disassociate({ tenant: T, ip: ip.id }), failsWith('invalid_state', /not associated with any instance/));
      await admin.publicIps.release({ tenant: T, ip: ip.id });
      await admin.publicIps.release({ tenant: T, ip: second.address });
      assert.deepEqual((await admin.publicIps.describe({ tenant: T })).items, []);
      assert.equal((await eventsOf('publicIp.released')).length, 2);
    });

    it('refuses what does not belong together: another tenant, another region, an instance in transition, a private network', async () => {
      const ip = await admin.publicIps.allocate({ tenant: T, region: R });
      await assert.rejects(admin.publicIps.release({ tenant: 'OTHERS', ip: ip.id }), failsWith('not_found', /public IP/));
      const elsewhere = await run('far', R2);
      await assert.rejects(
        admin.publicIps.associate({ tenant: T, ip: ip.id, instance: elsewhere.id }),
        failsWith('invalid_input', /is in region SIM-IPS-2 and the address in SIM-IPS/),
      );
      await admin.instances.stop({ tenant: T, id: elsewhere.id });
      await assert.rejects(admin.publicIps.allocate({ tenant: T, region: R, network: 'private' }), failsWith('invalid_input', /private; public IPs are allocated from an external network/));
      await assert.rejects(admin.publicIps.allocate({ tenant: T, region: R, network: 'nowhere' }), failsWith('not_found', /network/));
      await admin.publicIps.release({ tenant: T, ip: ip.address });
      // The same address in two regions (each numbers its own external network): the region tells them apart.
      const twins = [];
      for (const name of ['SIM-TWIN-A', 'SIM-TWIN-B']) {
        await admin.regions.create({ name, cloud: 'SIMULATED', kind: 'private', nativeName: name.toLowerCase() });
        await admin.tenants.activateRegion({ tenant: T, region: name });
        twins.push(await admin.publicIps.allocate({ tenant: T, region: name }));
      }
      assert.equal(twins[0]!.address, twins[1]!.address);
      await assert.rejects(admin.publicIps.release({ tenant: T, ip: twins[0]!.address }), failsWith('invalid_input', /in 2 regions \(SIM-TWIN-A, SIM-TWIN-B\); give the region too/));
      await admin.publicIps.release({ tenant: T, ip: twins[0]!.address, region: 'SIM-TWIN-B' });
      await admin.publicIps.release({ tenant: T, ip: twins[0]!.address });
      assert.deepEqual((await admin.publicIps.describe({ tenant: T })).items, []);
    });

    it('gives the address of a terminated instance back: still allocated, idle, and recorded why', async () => {
      const doomed = await run('doomed');
      const ip = await admin.publicIps.allocate({ tenant: T, region: R });
      await admin.publicIps.associate({ tenant: T, ip: ip.id, instance: doomed.id });
      await admin.instances.terminate({ tenant: T, id: doomed.id });
      await waitForState(admin, T, [doomed.id], 'terminated');
      const [freed] = (await admin.publicIps.describe({ tenant: T, ids: [ip.id] })).items;
      assert.deepEqual([freed!.address, freed!.instanceId], [ip.address, null]);
      const [event] = (await eventsOf('publicIp.disassociated')).filter((e) => e.target.id === ip.id);
      assert.equal(event!.data.reason, 'the instance was terminated');
      await admin.publicIps.release({ tenant: T, ip: ip.id });
    });

    it('refuses an allocation beyond the public IP quota, naming it; the all-regions quota counts every region', async () => {
      const quota = await admin.quotas.setPublicIps({ tenant: T, region: R, limit: 1 });
      assert.deepEqual([quota.region, quota.limit, quota.held], [R, 1, 0]);
      const first = await admin.publicIps.allocate({ tenant: T, region: R });
      await assert.rejects(
        admin.publicIps.allocate({ tenant: T, region: R }),
        failsWith('limit_exceeded', /the public IP quota of tenant ADDRESSED in region SIM-IPS allows 1 and it holds 1; release one/),
      );
      // Another region is not covered by the region's quota; the all-regions one covers both.
      const other = await admin.publicIps.allocate({ tenant: T, region: R2 });
      await admin.quotas.setPublicIps({ tenant: T, limit: 2 });
      await admin.quotas.deletePublicIps({ tenant: T, region: R });
      await assert.rejects(admin.publicIps.allocate({ tenant: T, region: R }), failsWith('limit_exceeded', /in all regions allows 2 and it holds 2/));
      assert.deepEqual(
        (await admin.quotas.describePublicIps({ tenant: T })).items.map((q) => [q.region, q.limit, q.held]),
        [[null, 2, 2]],
      );
      await admin.publicIps.release({ tenant: T, ip: other.id });
      const again = await admin.publicIps.allocate({ tenant: T, region: R });
      for (const ip of [first, again]) await admin.publicIps.release({ tenant: T, ip: ip.id });
      await admin.quotas.deletePublicIps({ tenant: T });
      await assert.rejects(admin.quotas.deletePublicIps({ tenant: T }), failsWith('not_found'));
    });

    it('bills an address by the hour while it is allocated and idle, not while it is associated', async () => {
      clock.set('2026-05-05T10:00:00Z');
      const ip = await admin.publicIps.allocate({ tenant: T, region: R });
      clock.set('2026-05-05T10:30:00Z');
      await admin.publicIps.associate({ tenant: T, ip: ip.id, instance: web.id });
      clock.set('2026-05-05T11:00:00Z');
      await admin.publicIps.disassociate({ tenant: T, ip: ip.id });
      clock.set('2026-05-05T11:30:00Z');
      await admin.publicIps.release({ tenant: T, ip: ip.id });
      clock.set('2026-05-05T12:05:00Z');
      await admin.billing.run({});
      const { rows } = await server.maestro.db.query<{ hour: string; cost: string; seconds: number; type: string }>(
        `SELECT to_char(hour AT TIME ZONE 'UTC', 'HH24') AS hour, cost::text AS cost, seconds, resource_type AS type FROM billing_records
          WHERE resource_id = $1 ORDER BY hour`,
        [ip.id],
      );
      // 10:00-10:30 idle, 10:30-11:00 associated (free), 11:00-11:30 idle, then released.
      assert.deepEqual(rows.map((row) => [row.hour, row.type, row.seconds, Number(Number(row.cost).toFixed(6))]), [['10', 'publicIp', 1800, 0.05], ['11', 'publicIp', 1800, 0.05]]);
    });

    it('prices idle addresses at 0.005 an hour when a policy prices them without an amount', async () => {
      const policy = await admin.pricePolicies.create({ region: R2, effectiveFrom: '2026-06-01T00:00:00Z', prices: { publicIp: {} } });
      assert.equal(policy.prices.publicIp?.perIdleMonth, 3.6525);
    });

    it('replaying the log rebuilds the same public IPs, activated networks and quotas', async () => {
      const ip = await admin.publicIps.allocate({ tenant: T, region: R });
      await admin.publicIps.associate({ tenant: T, ip: ip.id, instance: web.id });
      await admin.networks.activate({ tenant: T, region: R, network: 'private', description: 'front' });
      await admin.quotas.setPublicIps({ tenant: T, region: R, limit: 5 });
      const snapshot = async () =>
        Promise.all(
          ['public_ips', 'tenant_networks', 'public_ip_quotas'].map(async (table) => (await server.maestro.db.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)).rows),
        );
      const before = await snapshot();
      await admin.system.rebuild({});
      assert.deepEqual(await snapshot(), before);
      // With a network activated, runs choose only activated ones.
      await assert.rejects(
        admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', network: 'backend' }),
        failsWith('invalid_input', /network backend is not activated for the tenant in SIM-IPS; choose one of private/),
      );
      await admin.networks.deactivate({ tenant: T, region: R, network: 'private' });
      await admin.quotas.deletePublicIps({ tenant: T, region: R });
      await admin.publicIps.disassociate({ tenant: T, ip: ip.id });
      await admin.publicIps.release({ tenant: T, ip: ip.id });
    });
  });
}
