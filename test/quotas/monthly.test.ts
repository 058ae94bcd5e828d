import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { failsWith, simulatedTenant, waitForState } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { clockedClient, eventsOf, quietConfig, refusalOf, spend, tenantId } from './setup.js';

const R = 'SIM-COST';
const here = { cloud: 'SIMULATED', region: R, day: '2026-03-05' };

for (const flavour of flavours) {
  describe(`monthly cost quotas (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-03-10T12:00:00.000Z');
    const run = (tenant: string, count = 1) => admin.instances.run({ tenant, region: R, image: 'ubuntu-24.04', shape: 'MICRO', count });
    const evaluate = async (tenant: string) => server.maestro.quotas.evaluate([await tenantId(server.maestro.db, tenant)]);

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: quietConfig });
      admin = clockedClient(server.url, server.credentials, clock);
      await simulatedTenant(admin, { customer: 'cost', tenant: 'M-NOTIFY', region: R });
      for (const tenant of ['M-SCOPE', 'M-STOP']) {
        await admin.tenants.create({ customer: 'cost', name: tenant });
        await admin.tenants.activateRegion({ tenant, region: R });
      }
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('records 90% and 100% once each, as events for the tenant, and shows the spending', async () => {
      const id = await tenantId(server.maestro.db, 'M-NOTIFY');
      const quota = await admin.quotas.setMonthly({ tenant: 'M-NOTIFY', limit: 100, notifyAtPercent: 90, action: 'deny' });
      assert.deepEqual([quota.scope, quota.currency, quota.month, quota.spent, quota.percent], ['all', 'USD', '2026-03', 0, 0]);
      await spend(server.maestro.db, id, 500, { ...here, day: '2026-02-27' }); // last month
      await spend(server.maestro.db, id, 89.5, here);
      assert.equal((await evaluate('M-NOTIFY')).thresholds, 0);
      await spend(server.maestro.db, id, 0.5, here);
      assert.equal((await evaluate('M-NOTIFY')).thresholds, 1);
      assert.equal((await evaluate('M-NOTIFY')).thresholds, 0);
      await spend(server.maestro.db, id, 15, { cloud: 'AWS', region: 'eu-west-1', day: '2026-03-09' });
      await Promise.all([evaluate('M-NOTIFY'), evaluate('M-NOTIFY'), server.maestro.quotas.evaluateAll()]);

      const reached = await eventsOf(server.maestro.db, id, 'quota.thresholdReached');
      assert.deepEqual(
        reached.map((event) => [event.data.percent, event.data.spent, event.initiator.id, event.targetId]),
        [
          [90, 90, 'system:quotas', quota.id],
          [100, 105, 'system:quotas', quota.id],
        ],
      );
      assert.deepEqual(
        { ...reached[1]!.data, revision: 0 },
        { quotaId: quota.id, tenantId: id, scope: 'all', target: null, revision: 0, month: '2026-03', percent: 100, spent: 105, limit: 100, currency: 'USD', action: 'deny' },
      );
      const [described] = (await admin.quotas.describeMonthly({ tenant: 'M-NOTIFY' })).items;
      assert.deepEqual([described!.spent, described!.percent], [105, 105]);
    });

    it('denies new instances once 100% is spent, naming the quota', async () => {
      await assert.rejects(
        run('M-NOTIFY'),
        failsWith('limit_exceeded', /monthly cost quota of tenant M-NOTIFY for all regions is 105% spent \(105.00 of 100.00 USD in 2026-03\).*deny/),
      );
      const refusal = await refusalOf(run('M-NOTIFY'));
      assert.equal(refusal.details!.freesAt, '2026-04-01T00:00:00.000Z');
      assert.equal((await admin.instances.describe({ tenant: 'M-NOTIFY' })).items.length, 0);
    });

    it('re-arms its notifications when it is set again, and starts afresh next month', async () => {
      const id = await tenantId(server.maestro.db, 'M-NOTIFY');
      const raised = await admin.quotas.setMonthly({ tenant: 'M-NOTIFY', limit: 200, notifyAtPercent: 50, action: 'deny' });
      await run('M-NOTIFY');
      await evaluate('M-NOTIFY');
      let percents = (await eventsOf(server.maestro.db, id, 'quota.thresholdReached')).map((event) => event.data.percent);
      assert.deepEqual(percents, [90, 100, 50]);
      clock.set('2026-04-02T00:00:00.000Z');
      await spend(server.maestro.db, id, 200, { ...here, day: '2026-04-01' });
      await evaluate('M-NOTIFY');
      const april = (await eventsOf(server.maestro.db, id, 'quota.thresholdReached')).slice(3);
      assert.deepEqual(
        april.map((event) => [event.data.month, event.data.percent, event.targetId]),
        [
          ['2026-04', 50, raised.id],
          ['2026-04', 100, raised.id],
        ],
      );
      percents = (await eventsOf(server.maestro.db, id, 'quota.thresholdReached')).map((event) => event.data.percent);
      assert.equal(percents.length, 5);
      clock.set('2026-03-10T12:00:00.000Z');
    });

    it('counts for a cloud or a region only what was spent there, in its currency', async () => {
      const id = await tenantId(server.maestro.db, 'M-SCOPE');
      await admin.quotas.setMonthly({ tenant: 'M-SCOPE', scope: 'cloud', cloud: 'AWS', limit: 10, action: 'deny' });
      await admin.quotas.setMonthly({ tenant: 'M-SCOPE', scope: 'region', region: R, limit: 10, action: 'deny' });
      await spend(server.maestro.db, id, 50, { cloud: 'AWS', region: 'eu-west-1', day: '2026-03-01' });
      await spend(server.maestro.db, id, 50, { ...here, currency: 'EUR' });
      await spend(server.maestro.db, id, 9, here);
      await run('M-SCOPE');
      await spend(server.maestro.db, id, 1, { ...here, cloud: 'simulated', region: R.toLowerCase() });
      await assert.rejects(run('M-SCOPE'), failsWith('limit_exceeded', /for region SIM-COST is 100% spent/));
      const quotas = (await admin.quotas.describeMonthly({ tenant: 'M-SCOPE' })).items;
      assert.deepEqual(
        quotas.map((q) => [q.scope, q.cloud, q.region, q.spent, q.percent]),
        [
          ['cloud', 'AWS', null, 50, 500],
          ['region', null, R, 10, 100],
        ],
      );
      await assert.rejects(admin.quotas.setMonthly({ tenant: 'M-SCOPE', scope: 'cloud', limit: 1, action: 'deny' }), failsWith('invalid_input', /give cloud/));
      await admin.quotas.deleteMonthly({ tenant: 'M-SCOPE', scope: 'region', region: R });
      await run('M-SCOPE');
      await assert.rejects(admin.quotas.deleteMonthly({ tenant: 'M-SCOPE', scope: 'region', region: R }), failsWith('not_found'));
    });

    it('stops the running instances where a stop quota applies, as the system actor quotas, with the reason audited', async () => {
      const id = await tenantId(server.maestro.db, 'M-STOP');
      const { instances } = await run('M-STOP', 2);
      await waitForState(admin, 'M-STOP', instances.map((i) => i.id), 'running');
      const quota = await admin.quotas.setMonthly({ tenant: 'M-STOP', limit: 5, action: 'stop' });
      await spend(server.maestro.db, id, 4, here);
      assert.equal((await evaluate('M-STOP')).stopped, 0);
      await spend(server.maestro.db, id, 1, here);
      assert.deepEqual(await evaluate('M-STOP'), { tenants: 1, thresholds: 1, stopped: 2, failed: 0 });
      await waitForState(admin, 'M-STOP', instances.map((i) => i.id), 'stopped');
      const stops = await eventsOf(server.maestro.db, id, 'instance.stopRequested');
      assert.deepEqual(
        stops.map((event) => [event.targetId, event.initiator.id, event.reason]).sort(),
        instances.map((i) => [i.id, 'system:quotas', { reasonType: 'maestro/quota', reasonCode: quota.id }]).sort(),
      );
      // Nothing left running: nothing more to stop.
      assert.deepEqual(await evaluate('M-STOP'), { tenants: 1, thresholds: 0, stopped: 0, failed: 0 });
    });
  });
}
