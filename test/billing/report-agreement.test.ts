import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { waitForState } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Prices of a few dollars a month: every hour of every resource costs a fraction of a cent
// (1 vCPU: 1 / 730.5 = 0.00136… an hour), so rounding each row to the cent reads them as 0.
const prices = {
  instance: { perCpuMonth: 1, perRamGbMonth: 0.37, perDiskGbMonth: 0.011 },
  volume: { perGbMonth: 0.029 },
  service: { perTenantMonth: 0.73 },
};

type Cost = string | number;
const month = { customer: 'acme', from: '2026-05-01', to: '2026-05-31' } as const;

/** Whole cents, rounded half up, of a decimal text or number as a report gives it (computed apart from Maestro's code). */
function cents(cost: Cost): string {
  const [whole = '0', fraction = ''] = String(cost).replace('-', '').split('.');
  let units = BigInt(whole + fraction.padEnd(2, '0').slice(0, 2));
  if (Number(fraction[2] ?? '0') >= 5) units += 1n;
  const digits = units.toString().padStart(3, '0');
  return `${String(cost).startsWith('-') ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The exact sum of decimal texts (or numbers), as text with ten places. */
function exactSum(costs: readonly Cost[]): string {
  const units = costs.reduce<bigint>((sum, cost) => {
    const [whole = '0', fraction = ''] = String(cost).split('.');
    return sum + BigInt(whole + fraction.padEnd(10, '0'));
  }, 0n);
  const digits = units.toString().padStart(11, '0');
  return `${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

for (const flavour of flavours) {
  describe(`billing reports of one month agree (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-05-01T00:10:00Z');

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: { simLatencyMs: 0, systemJobs: false } });
      admin = createClient({ url: server.url, ...server.credentials, now: () => clock.now().getTime() });
      await admin.customers.create({ name: 'acme' });
      for (const region of ['sim-one', 'sim-two']) {
        await admin.regions.create({ name: region, cloud: 'SIMULATED', kind: 'private', nativeName: region });
        await admin.pricePolicies.create({ region, effectiveFrom: '2026-05-01T00:00:00Z', prices });
      }
      const launched: [string, string][] = [];
      for (const [tenant, region] of [['sub-a', 'sim-one'], ['sub-b', 'sim-two']] as const) {
        await admin.tenants.create({ customer: 'acme', name: tenant });
        await admin.tenants.activateRegion({ tenant, region });
      }
      const run = async (tenant: string, region: string, name: string, shape: string, tags?: Record<string, string>) => {
        const { instances } = await admin.instances.run({ tenant, region, image: 'ubuntu-24.04', shape, name, ...(tags ? { tags } : {}) });
        launched.push([tenant, instances[0]!.id]);
      };
      await run('sub-a', 'sim-one', 'web', 'SMALL', { team: 'web' });
      await run('sub-a', 'sim-one', 'db', 'MICRO', { team: 'db' });
      await run('sub-b', 'sim-two', 'batch', 'MICRO');
      await admin.volumes.create({ tenant: 'sub-a', region: 'sim-one', name: 'data', sizeGb: 7, tags: { team: 'db' } });
      // Resources whose whole month costs less than half a cent each.
      for (const name of ['scratch-1', 'scratch-2', 'scratch-3', 'scratch-4']) await admin.volumes.create({ tenant: 'sub-b', region: 'sim-two', name, sizeGb: 1 });
      for (const [tenant, id] of launched) await waitForState(admin, tenant, [id], 'running');
      // The database stops at an odd second: its hour splits into running and stopped.
      clock.set('2026-05-01T05:17:23Z');
      const db = launched[1]![1];
      await admin.instances.stop({ tenant: 'sub-a', id: db });
      await waitForState(admin, 'sub-a', [db], 'stopped');
      clock.set('2026-05-02T12:30:00Z');
      await admin.billing.run({});
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('bills sub-cent hours at full precision and every report of the month totals the same, to the cent and beyond', async () => {
      const { rows } = await server.maestro.db.query<{ total: string; records: number; subCent: number }>(
        `SELECT sum(cost)::text AS total, count(*)::int AS records, count(*) FILTER (WHERE cost > 0 AND cost < 0.01)::int AS "subCent" FROM billing_records`,
      );
      const billed = rows[0]!;
      assert.ok(billed.records > 100 && billed.subCent === billed.records, `${billed.records} records, all under a cent`);

      const reports = {
        total: await admin.billing.report({ kind: 'total', ...month }),
        daily: await admin.billing.report({ kind: 'total', period: 'day', ...month }),
        byTenant: await admin.billing.report({ kind: 'subtotal', by: 'tenant', ...month }),
        byRegion: await admin.billing.report({ kind: 'subtotal', by: 'region', ...month }),
        byService: await admin.billing.report({ kind: 'subtotal', by: 'service', ...month }),
        resource: await admin.billing.report({ kind: 'resource', ...month }),
        hourly: await admin.billing.report({ kind: 'hourly', ...month }),
        byTag: await admin.billing.report({ kind: 'tag', tagKey: 'team', ...month }),
      };
      const named = Object.entries(reports);
      const expected = cents(billed.total);
      assert.deepEqual(
        Object.fromEntries(named.map(([name, report]) => [name, report.totals.map((t) => `${t.currency} ${cents(t.cost)}`)])),
        Object.fromEntries(named.map(([name]) => [name, [`USD ${expected}`]])),
        "every report totals the month's cost to the cent",
      );
      for (const [name, report] of named) {
        assert.equal(exactSum([report.totals[0]!.cost]), billed.total, `${name}: the month's total in full`);
        assert.equal(exactSum(report.rows.map((row) => row.cost as Cost)), billed.total, `${name}: its rows add up to it`);
      }
      assert.ok(
        reports.hourly.rows.every((row) => Number(row.cost) > 0),
        'no hour of sub-cent costs reads 0',
      );
      assert.ok(reports.resource.rows.every((row) => typeof row.cost === 'string' && /^\d+\.\d{2,10}$/.test(row.cost)), 'costs are decimal text');
      const csv = await admin.billing.report({ kind: 'hourly', ...month, format: 'csv' });
      assert.match(csv.csv!.split('\r\n')[1]!, /^2026-05-01T00:00:00Z,USD,0\.00\d+$/);
    });
  });
}
