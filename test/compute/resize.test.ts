import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { failsWith, waitForState } from './setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const T = 'RESIZERS';
const R = 'SIM-RESIZE';
// Round hourly rates: 73.05 a month is 0.1 an hour. SMALL (1 vCPU, 2 GB, 10 GB disk) costs 0.3 an hour, MEDIUM (2, 4, 10) 0.5.
const prices = { instance: { perCpuMonth: 73.05, perRamGbMonth: 36.525, perDiskGbMonth: 7.305 } };

for (const flavour of flavours) {
  describe(`instances.resize on the simulated cloud (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-05-04T10:00:00Z');
    let id: string;

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: { simLatencyMs: 0, systemJobs: false } });
      admin = createClient({ url: server.url, ...server.credentials, now: () => clock.now().getTime() });
      await admin.customers.create({ name: 'acme' });
      await admin.tenants.create({ customer: 'acme', name: T });
      await admin.regions.create({ name: R, cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-resize' });
      await admin.pricePolicies.create({ region: R, effectiveFrom: '2026-05-01T00:00:00Z', prices });
      await admin.tenants.activateRegion({ tenant: T, region: R });
      // Room for a few instances, not for any size.
      await admin.simulator.configure({ region: R, cpu: 16, ramGb: 64 });
      const { instances } = await admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', name: 'app' });
      id = instances[0]!.id;
      await waitForState(admin, T, [id], 'running');
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('refuses what cannot be resized, changing nothing: the same size, an unknown shape, a size the region cannot hold', async () => {
      await assert.rejects(admin.instances.resize({ tenant: T, id, shape: 'small' }), failsWith('invalid_input', /app .* already has SMALL \(1 vCPU, 2 GB of RAM\); give another shape/));
      await assert.rejects(admin.instances.resize({ tenant: T, id, shape: 'HUGE' }), failsWith('not_found', /HUGE/));
      await assert.rejects(admin.instances.resize({ tenant: T, id, cpu: 32, ramGb: 8 }), failsWith('limit_exceeded', /lacks capacity: 32 vCPU needed, 16 free/));
      await assert.rejects(admin.instances.resize({ tenant: T, id, cpu: 2 }), failsWith('invalid_input', /a custom shape needs both cpu and ramGb/));
      const [unchanged] = (await admin.instances.describe({ tenant: T, ids: [id] })).items;
      assert.deepEqual([unchanged!.shape, unchanged!.cpu, unchanged!.ramGb, unchanged!.resizingTo], ['SMALL', 1, 2, null]);
    });

    it('moves a running instance to another shape at once; it keeps running and is billed at the new size from then on', async () => {
      clock.set('2026-05-04T10:30:00Z');
      const resized = await admin.instances.resize({ tenant: T, id, shape: 'MEDIUM' });
      assert.deepEqual([resized.shape, resized.cpu, resized.ramGb, resized.diskGb, resized.state, resized.resizingTo], ['MEDIUM', 2, 4, 10, 'running', null]);
      const { items } = await admin.events.describe({ tenant: T, limit: 20 });
      const event = items.find((e) => e.type === 'instance.resized' && e.target.id === id);
      assert.ok(event, 'the resize is in the audit log');

      clock.set('2026-05-04T12:00:00Z');
      await admin.instances.terminate({ tenant: T, id });
      await waitForState(admin, T, [id], 'terminated');
      clock.set('2026-05-04T12:10:00Z');
      await admin.billing.run({});
      const { rows } = await server.maestro.db.query<{ hour: string; cost: string; seconds: number }>(
        `SELECT to_char(hour AT TIME ZONE 'UTC', 'HH24') AS hour, cost::text AS cost, seconds FROM billing_records
          WHERE resource_id = $1 AND state = 'running' ORDER BY hour`,
        [id],
      );
      // 10:00-10:30 at SMALL (0.15) and 10:30-11:00 at MEDIUM (0.25); 11:00-12:00 at MEDIUM.
      assert.deepEqual(rows.map((row) => [row.hour, row.seconds, Number(Number(row.cost).toFixed(6))]), [['10', 3600, 0.4], ['11', 3600, 0.5]]);
    });

    it('refuses an instance in transition', async () => {
      // Transitions take a minute on the test's clock, which does not move here.
      await admin.simulator.configure({ region: R, latencyMs: 60_000 });
      const { instances } = await admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', cpu: 1, ramGb: 1, name: 'fresh' });
      await admin.simulator.configure({ region: R, latencyMs: 0 });
      await assert.rejects(
        admin.instances.resize({ tenant: T, id: instances[0]!.id, cpu: 2, ramGb: 2 }),
        failsWith('invalid_state', /cannot resize instance fresh .*: it is pending; resize a running or stopped instance/),
      );
    });
    it('refuses a larger size while a monthly cost quota is spent, and lets a smaller one through', async () => {
      clock.set('2026-05-04T13:00:00Z');
      const { instances } = await admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'MEDIUM', name: 'db' });
      const db = instances[0]!.id;
      await waitForState(admin, T, [db], 'running');
      await admin.instances.stop({ tenant: T, id: db });
      await waitForState(admin, T, [db], 'stopped');
      await admin.quotas.setMonthly({ tenant: T, limit: 0.5, action: 'approval' });
      await assert.rejects(
        admin.instances.resize({ tenant: T, id: db, shape: 'LARGE' }),
        failsWith('limit_exceeded', /monthly cost quota of tenant RESIZERS .* is 1\d\d% spent .* its action is approval: resizes to a larger size are refused/),
      );
      const smaller = await admin.instances.resize({ tenant: T, id: db, shape: 'MINI' });
      assert.deepEqual([smaller.shape, smaller.cpu, smaller.ramGb, smaller.state], ['MINI', 1, 1, 'stopped'], 'a stopped instance stays stopped');
    });

  });
}
