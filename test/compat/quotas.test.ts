import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { spend, tenantId } from '../quotas/setup.js';
import { compatWorld, type CompatWorld } from './support/setup.js';
import type { M3Client } from './support/m3-client.js';
import { failsWith, failureOf } from './support/failures.js';

const place = { tenantName: 'acme-dev', region: 'sim-a' };

for (const flavour of flavours) {
  describe(`Maestro protocol quotas (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let m3Billing: M3Client;
    const clock = new ManualClock(new Date());
    const daily = async () => (await world.admin.quotas.describeDaily({ tenant: 'acme-dev' })).items;

    before(async () => {
      database = await flavour.open();
      world = await compatWorld({ db: database.db, clock, config: { systemJobs: false, quotaIntervalMs: 3_600_000 } });
      m3Billing = await world.m3User('bill', 'billing');
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    it('sets the instance quota as the instances limit of the daily quota, numbers given as text', async () => {
      assert.equal(await m3Billing.call('UPDATE_INSTANCE_QUOTA', { ...place, creationIntervalHours: '12', creationIntervalCount: '5' }), null);
      const [quota] = await daily();
      assert.deepEqual([quota!.region, quota!.intervalHours, quota!.limits.instances, quota!.limits.volumes], ['SIM-A', 12, 5, null]);
      const shown = await world.m3Alice.call<Record<string, unknown>>('GET_INSTANCE_QUOTA', place);
      assert.deepEqual([shown.creationIntervalHours, shown.creationIntervalCount, shown.createdInInterval], [12, 5, 0]);
      assert.equal(typeof shown.windowStart, 'number');
    });

    it('sets the storage quota beside it in the same window, when at most one storage fits', async () => {
      await m3Billing.call('UPDATE_VOLUME_QUOTA', { ...place, maxSize: 50, creationIntervalHours: 12, creationIntervalCount: 1 });
      const [quota] = await daily();
      assert.deepEqual(quota!.limits, { instances: 5, cpu: null, ramGb: null, volumes: 1, storageGb: 50 });
      const shown = await world.m3Alice.call<Record<string, unknown>>('GET_VOLUME_QUOTA', place);
      assert.deepEqual([shown.maxSizeGb, shown.creationIntervalHours, shown.creationIntervalCount], [50, 12, 1]);
    });

    it('takes the limits nested as the command-line client sends them: instanceQuota, volumeQuota', async () => {
      // m3 create-instance-quota -tn ACME-DEV -r SIM-A --creation-interval-count 10 --creation-interval-hours 12
      const instanceQuota = { creationIntervalCount: 10, creationIntervalHours: 12 };
      assert.equal(await m3Billing.call('UPDATE_INSTANCE_QUOTA', { tenantName: 'ACME-DEV', region: 'SIM-A', instanceQuota }), null);
      // m3 create-storage-quota … --max-size 50 --creation-interval-hours 12 --creation-interval-count 1
      const volumeQuota = { creationIntervalHours: 12, creationIntervalCount: 1, maxSize: 50 };
      assert.equal(await m3Billing.call('UPDATE_VOLUME_QUOTA', { tenantName: 'ACME-DEV', region: 'SIM-A', volumeQuota }), null);
      const [quota] = await daily();
      assert.deepEqual([quota!.intervalHours, quota!.limits], [12, { instances: 10, cpu: null, ramGb: null, volumes: 1, storageGb: 50 }]);
      await failsWith(m3Billing.call('UPDATE_INSTANCE_QUOTA', { ...place, creationIntervalHours: 12, instanceQuota }), 400, /creationIntervalHours: given twice/);
      await failsWith(m3Billing.call('UPDATE_VOLUME_QUOTA', { ...place, volumeQuota: { creationIntervalHours: 12, creationIntervalCount: 1 } }), 400, /volumeQuota.maxSize/);
      // Back to the limits the next tests start from.
      await world.admin.quotas.setDaily({ tenant: 'acme-dev', region: 'sim-a', intervalHours: 12, instances: 5, volumes: 1, storageGb: 50 });
    });

    it('refuses what the daily quota cannot mean: another window, or a size limit per storage for several', async () => {
      const window = await failureOf(m3Billing.call('UPDATE_VOLUME_QUOTA', { ...place, maxSize: 50, creationIntervalHours: 24, creationIntervalCount: 1 }));
      assert.equal(window.statusCode, 400);
      assert.match(String(window.readableError), /creation interval of the other limits.*instances: 12 hours.*share one window/);
      const several = await failureOf(m3Billing.call('UPDATE_VOLUME_QUOTA', { ...place, maxSize: 50, creationIntervalHours: 12, creationIntervalCount: 3 }));
      assert.match(String(several.readableError), /at most one storage may be created \(creationIntervalCount 0 or 1\)/);
      const [quota] = await daily();
      assert.deepEqual([quota!.intervalHours, quota!.limits.volumes, quota!.limits.storageGb], [12, 1, 50]);
      // Shown as a total when it is no per-storage maximum.
      await world.admin.quotas.setDaily({ tenant: 'acme-dev', region: 'sim-a', intervalHours: 12, instances: 5, volumes: 4, storageGb: 200 });
      const shown = await world.m3Alice.call<Record<string, unknown>>('GET_VOLUME_QUOTA', place);
      assert.deepEqual([shown.maxSizeGb, shown.totalSizeGb, shown.creationIntervalCount], [null, 200, 4]);
    });

    it('removes one half and keeps the other, then the whole quota with the last half', async () => {
      assert.equal(await m3Billing.call('REMOVE_INSTANCE_QUOTA', place), null);
      assert.deepEqual((await daily())[0]!.limits, { instances: null, cpu: null, ramGb: null, volumes: 4, storageGb: 200 });
      // No quota is no records, not an error: the client's plugin prints "There are no records to display" for null.
      assert.equal(await world.m3Alice.call('GET_INSTANCE_QUOTA', place), null);
      assert.equal((await failureOf(m3Billing.call('REMOVE_INSTANCE_QUOTA', place))).statusCode, 404);
      await m3Billing.call('REMOVE_VOLUME_QUOTA', place);
      assert.deepEqual(await daily(), []);
      assert.equal(await world.m3Alice.call('GET_VOLUME_QUOTA', place), null);
    });

    it('says what is missing or unknown, and refuses callers without the permission', async () => {
      const missing = await failureOf(m3Billing.call('UPDATE_INSTANCE_QUOTA', { ...place, creationIntervalCount: 1 }));
      assert.equal(missing.statusCode, 400);
      assert.match(String(missing.readableError), /creationIntervalHours/);
      const zero = await failureOf(m3Billing.call('UPDATE_INSTANCE_QUOTA', { ...place, creationIntervalHours: '0', creationIntervalCount: 1 }));
      assert.match(String(zero.readableError), /creationIntervalHours.*at least 1/);
      const tenant = await failureOf(m3Billing.call('GET_INSTANCE_QUOTA', { tenantName: 'nowhere', region: 'sim-a' }));
      assert.match(String(tenant.readableError), /NOWHERE/);
      const region = await failureOf(m3Billing.call('UPDATE_INSTANCE_QUOTA', { tenantName: 'acme-dev', region: 'sim-z', creationIntervalHours: 1, creationIntervalCount: 1 }));
      assert.equal(region.statusCode, 404);
      assert.match(String(region.readableError), /SIM-Z/);
      // alice (role user) may read quotas but not set them; a user without a role may do neither.
      assert.equal((await failureOf(world.m3Alice.call('UPDATE_INSTANCE_QUOTA', { ...place, creationIntervalHours: 1, creationIntervalCount: 1 }))).statusCode, 403);
      const stranger = await world.m3User('stranger', null);
      assert.equal((await failureOf(stranger.call('GET_VOLUME_QUOTA', place))).statusCode, 403);
    });

    it('reports budgets: the monthly cost quotas with this month’s spending, filtered by criteria and region', async () => {
      const month = clock.now().toISOString().slice(0, 7);
      await world.admin.quotas.setMonthly({ tenant: 'acme-dev', scope: 'all', limit: 100, action: 'deny', notifyAtPercent: 80 });
      await world.admin.quotas.setMonthly({ tenant: 'acme-dev', scope: 'region', region: 'sim-a', limit: 10, action: 'stop' });
      await world.admin.quotas.setMonthly({ tenant: 'acme-dev', scope: 'cloud', cloud: 'AWS', limit: 10, action: 'approval' });
      await spend(world.server.maestro.db, await tenantId(world.server.maestro.db, 'acme-dev'), 25, { cloud: 'SIMULATED', region: 'SIM-A', day: `${month}-01` });
      const [year, monthNumber] = month.split('-');
      const ask = (extra: Record<string, unknown> = {}) =>
        world.m3Alice.call<Record<string, unknown>[]>('GET_QUOTAS_BY_TENANTS_AND_CRITERIA', { tenantGroup: 'acme-dev', year, month: monthNumber, ...extra });
      const rows = (await ask()).sort((a, b) => String(a.type).localeCompare(String(b.type)));
      assert.deepEqual(
        rows.map((row) => [row.tenant, row.type, row.monthlyBudget, row.currentChargeback, row.utilization, row.actionPlan, row.status, row.tag, row.affectedRegions]),
        [
          ['ACME-DEV', 'ALL', 100, 25, 25, 'DENY', 'ACTUAL', null, ['SIM-A']],
          ['ACME-DEV', 'CLOUD', 10, 0, 0, 'APPROVAL', 'ACTUAL', null, []],
          ['ACME-DEV', 'REGION', 10, 25, 250, 'STOP', 'DEPLETED', null, ['SIM-A']],
        ],
      );
      assert.deepEqual((await ask({ criteria: 'depleted' })).map((row) => row.type), ['REGION']);
      assert.deepEqual(await ask({ criteria: 'Disabled' }), []);
      assert.deepEqual((await ask({ region: 'sim-a' })).map((row) => row.type).sort(), ['ALL', 'REGION']);
      const other = await failureOf(ask({ year: '2001', month: '02' }));
      assert.match(String(other.readableError), /current month \(\d{4}-\d{2}\) only, not of 2001-02/);
      assert.match(String((await failureOf(ask({ criteria: 'sometimes' }))).readableError), /criteria.*ALL, DEPLETED, ACTUAL, DISABLED/);

      // m3 budgets-report --tenant-group ACME-DEV --year … --month … --region SIM-A, as its plugin sends it.
      const sent = await world.m3Alice.call<Record<string, unknown>[]>('GET_QUOTAS_BY_TENANTS_AND_CRITERIA', {
        tenantNames: ['ACME-DEV'],
        year,
        month: monthNumber,
        regionName: 'SIM-A',
        criteria: 'ALL',
      });
      const all = sent.find((row) => row.type === 'ALL')!;
      // The fields the plugin's table is made of.
      assert.deepEqual(
        [all.tenantDisplayName, all.monthUsages, all.thresholds, all.actions, all.active, all.regionName],
        ['ACME-DEV', [{ month: Date.UTC(Number(year), Number(monthNumber) - 1, 1), value: 100, used: 25, percentUsed: 25 }], [{ value: 80 }], ['DENY'], true, 'SIM-A'],
      );
      assert.deepEqual(sent.map((row) => row.type).sort(), ['ALL', 'REGION']);
      await failsWith(world.m3Alice.call('GET_QUOTAS_BY_TENANTS_AND_CRITERIA', { year, month: monthNumber }), 400, /tenantGroup \(or tenantNames\)/);
      await failsWith(
        world.m3Alice.call('GET_QUOTAS_BY_TENANTS_AND_CRITERIA', { tenantNames: ['ACME-DEV'], year, month: monthNumber, region: 'SIM-A', regionName: 'SIM-B' }),
        400,
        /region or regionName/,
      );
    });
  });
}
