import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { waitForState } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { compatWorld, type CompatWorld } from './support/setup.js';

/**
 * The published client's reports of costs of a fraction of a cent: each row at full precision,
 * and one grand total, the same whichever report adds them up.
 */
interface Report {
  records: { totalPrice: number }[];
  grandTotal: number | null;
  currencyCode: string | null;
}

// 1 vCPU at 1 a month is 0.00137 an hour; a GB of volume at 0.029 a month, 0.00004 an hour.
const prices = { instance: { perCpuMonth: 1, perRamGbMonth: 0.37, perDiskGbMonth: 0.011 }, volume: { perGbMonth: 0.029 } };
const may1 = { from: Date.UTC(2026, 4, 1), to: Date.UTC(2026, 4, 2) };
const target = (reportUnit: string) => ({ tenantGroup: 'ACME-DEV', reportUnit });

for (const flavour of flavours) {
  describe(`compatible billing reports of sub-cent costs (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let billed: string;

    before(async () => {
      database = await flavour.open();
      const clock = new ManualClock(new Date());
      world = await compatWorld({ db: database.db, clock, config: { systemJobs: false, billingCheckIntervalMs: 3_600_000, quotaIntervalMs: 3_600_000 } });
      clock.set('2026-05-01T00:10:00Z');
      await world.admin.pricePolicies.create({ region: 'sim-a', effectiveFrom: '2026-05-01T00:00:00Z', prices });
      const { instances } = await world.alice.instances.run({ tenant: 'acme-dev', region: 'sim-a', image: 'ubuntu-24.04', shape: 'MICRO', name: 'tiny' });
      for (const name of ['v1', 'v2', 'v3', 'v4', 'v5']) await world.alice.volumes.create({ tenant: 'acme-dev', region: 'sim-a', name, sizeGb: 1 });
      await waitForState(world.alice, 'acme-dev', [instances[0]!.id], 'running');
      clock.set('2026-05-01T23:30:00Z');
      await world.admin.billing.run({});
      const { rows } = await world.server.maestro.db.query<{ total: string }>('SELECT sum(cost)::text AS total FROM billing_records');
      billed = rows[0]!.total;
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    it('gives each row its sub-cent price and every report the same grand total', async () => {
      const report = (action: string, params: Record<string, unknown>) => world.m3Alice.call<Report>(action, { ...may1, reportFormat: 'JSON', ...params });
      const reports = {
        total: await report('GET_TOTAL_BILLING_REPORT', { target: target('TENANT_GROUP') }),
        subtotal: await report('GET_SUBTOTAL_BILLING_REPORT', { target: target('TENANT_GROUP') }),
        resource: await report('GET_RESOURCE_BILLING_REPORT', { target: target('TENANT_GROUP') }),
        hourly: await report('GET_HOURLY_BILLING_REPORT', { target: target('TENANT_GROUP') }),
      };
      const cents = Math.round(Number(billed) * 100) / 100;
      assert.ok(cents > 0, `billed ${billed}`);
      assert.deepEqual(
        Object.fromEntries(Object.entries(reports).map(([name, r]) => [name, [r.grandTotal, r.currencyCode]])),
        Object.fromEntries(Object.keys(reports).map((name) => [name, [cents, 'USD']])),
      );
      for (const [name, r] of Object.entries(reports)) {
        assert.ok(r.records.length > 0 && r.records.every((row) => row.totalPrice > 0), `${name}: no row of sub-cent costs reads 0`);
      }
      assert.ok(reports.resource.records.some((row) => row.totalPrice < 0.005), 'a volume costs less than half a cent');
    });
  });
}
