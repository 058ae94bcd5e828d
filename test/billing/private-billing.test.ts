import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { waitForState } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { simulatorAs } from '../support/simulator-as.js';

const D = 10; // ubuntu-24.04's root disk, GB
// Prices chosen so that hourly rates are round: 73.05 a month is 0.1 an hour (730.5 hours a month).
const firstPolicy = {
  instance: { perCpuMonth: 73.05, perRamGbMonth: 36.525, perDiskGbMonth: 7.305 },
  volume: { perGbMonth: 73.05 },
  service: { perTenantMonth: 730.5 },
};
// From 23:30 on the first evening: CPU and disk cost twice as much.
const secondPolicy = { ...firstPolicy, instance: { perCpuMonth: 146.1, perRamGbMonth: 36.525, perDiskGbMonth: 14.61 } };

interface RecordRow {
  hour: string;
  state: string;
  resource_type: string;
  seconds: number;
  billed_seconds: number;
  cost: string;
}

for (const flavour of flavours) {
  describe(`private billing from timelines (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-03-31T22:00:00Z');

    /** Moves the clock, does something, and waits for the cloud's transitions at that same time. */
    async function at(time: string, action: () => Promise<unknown>, tenant?: string, id?: string, state?: string) {
      clock.set(time);
      await action();
      if (tenant && id && state) await waitForState(admin, tenant, [id], state);
    }

    const records = async (tenant: string, type?: string) =>
      (
        await server.maestro.db.query<RecordRow>(
          `SELECT to_char(r.hour AT TIME ZONE 'UTC', 'MM-DD HH24') AS hour, r.state, r.resource_type, r.seconds, r.billed_seconds, r.cost::text AS cost
             FROM billing_records r JOIN tenants t ON t.id = r.tenant_id
            WHERE t.name = upper($1) ${type ? 'AND r.resource_type = $2' : ''} ORDER BY r.hour, r.state`,
          type ? [tenant, type] : [tenant],
        )
      ).rows.map((row) => [row.hour, row.state, row.seconds, row.billed_seconds, Number(Number(row.cost).toFixed(6))]);

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: { simLatencyMs: 0, systemJobs: false } });
      admin = createClient({ url: server.url, ...server.credentials, now: () => clock.now().getTime() });
      server.maestro.services.clouds.register(simulatorAs(server.maestro.services.simulator, 'VSPHERE', { billingGranularity: 'hour' }));
      await admin.customers.create({ name: 'acme' });
      for (const [region, cloud] of [['sim-sec', 'SIMULATED'], ['vmw-hour', 'VSPHERE']] as const) {
        await admin.regions.create({ name: region, cloud, kind: 'private', nativeName: region });
        await admin.pricePolicies.create({ region, effectiveFrom: '2026-03-31T00:00:00Z', prices: firstPolicy });
        await admin.pricePolicies.create({ region, effectiveFrom: '2026-03-31T23:30:00Z', prices: secondPolicy });
      }
      for (const [tenant, region] of [['per-second', 'sim-sec'], ['per-hour', 'vmw-hour']] as const) {
        await admin.tenants.create({ customer: 'acme', name: tenant });
      }
      // One instance's life, the same in both regions:
      // run 22:30:00, stop 23:20:15, start 00:05:00 (the next month), terminate 01:00:00.
      for (const [tenant, region] of [['per-second', 'sim-sec'], ['per-hour', 'vmw-hour']] as const) {
        clock.set('2026-03-31T22:30:00Z');
        await admin.tenants.activateRegion({ tenant, region });
        const { instances } = await admin.instances.run({ tenant, region, image: 'ubuntu-24.04', shape: 'SMALL', name: 'web' });
        const id = instances[0]!.id;
        await waitForState(admin, tenant, [id], 'running');
        await at('2026-03-31T23:20:15Z', () => admin.instances.stop({ tenant, id }), tenant, id, 'stopped');
        await at('2026-04-01T00:05:00Z', () => admin.instances.start({ tenant, id }), tenant, id, 'running');
        await at('2026-04-01T01:00:00Z', () => admin.instances.terminate({ tenant, id }), tenant, id, 'terminated');
      }
      clock.set('2026-04-01T02:10:00Z');
      await admin.billing.run({});
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('bills each second at the rate of its state and of the policy in force, across hours, a policy change and a month', async () => {
      // Running per hour: CPU 0.1 + RAM 2 × 0.05 + disk 10 × 0.01 = 0.3, from 23:30 CPU 0.2 and disk 0.02 each: 0.5.
      // Stopped per hour: disk only, 0.1, from 23:30 0.2.
      assert.deepEqual(await records('per-second', 'instance'), [
        ['03-31 22', 'running', 1800, 1800, 0.15],
        ['03-31 23', 'running', 1215, 1215, 0.10125],
        // 23:20:15–23:30 at 0.1, then 23:30–24:00 at 0.2.
        ['03-31 23', 'stopped', 2385, 2385, Number(((585 * 0.1 + 1800 * 0.2) / 3600).toFixed(6))],
        ['04-01 00', 'running', 3300, 3300, Number(((3300 * 0.5) / 3600).toFixed(6))],
        ['04-01 00', 'stopped', 300, 300, Number(((300 * 0.2) / 3600).toFixed(6))],
      ]);
      const service = await records('per-second', 'service');
      assert.deepEqual(service.map((row) => row.slice(0, 2).concat(row.slice(4))), [
        ['03-31 22', 'present', 0.5],
        ['03-31 23', 'present', 1],
        ['04-01 00', 'present', 1],
        ['04-01 01', 'present', 1],
      ]);
    });

    it('bills whole hours on clouds that bill by the hour, at the policy in force when the hour began', async () => {
      assert.deepEqual(await records('per-hour', 'instance'), [
        ['03-31 22', 'running', 1800, 3600, 0.3],
        ['03-31 23', 'running', 1215, 3600, 0.3],
        ['03-31 23', 'stopped', 2385, 3600, 0.1],
        ['04-01 00', 'running', 3300, 3600, 0.5],
        ['04-01 00', 'stopped', 300, 3600, 0.2],
      ]);
    });

    it('never doubles a record: running again, or two runs at once, bills nothing new', async () => {
      const count = async () => Number((await server.maestro.db.query<{ n: number }>('SELECT count(*)::int AS n FROM billing_records')).rows[0]!.n);
      const before = await count();
      const [a, b] = await Promise.all([admin.billing.run({}), admin.billing.run({})]);
      assert.equal(await count(), before);
      assert.ok([...a.hours, ...b.hours].every((hour) => !hour.billed || hour.records === 0));
    });

    it('catches up the hours it missed, and adds them to the daily tenant records', async () => {
      clock.set('2026-04-01T06:30:00Z');
      const { hours } = await admin.billing.run({});
      assert.deepEqual(
        hours.filter((h) => h.billed).map((h) => h.hour),
        ['2026-04-01T02:00:00.000Z', '2026-04-01T03:00:00.000Z', '2026-04-01T04:00:00.000Z', '2026-04-01T05:00:00.000Z'],
      );
      const report = await admin.billing.report({ kind: 'subtotal', by: 'tenant', period: 'day', customer: 'acme', from: '2026-03-31', to: '2026-04-01' });
      const cell = (tenant: string, day: string) => report.rows.find((row) => row.tenant === tenant && row.period === day)?.cost;
      // 31 March, per second: instance 0.15 + 0.10125 + 0.11625, service 1.5.
      // Unrounded, as decimal text: 0.15 + 0.10125 + (585 × 0.1 + 1800 × 0.2) / 3600 + 1.5.
      assert.equal(cell('PER-SECOND', '2026-03-31'), '1.8675');
      // 1 April, per hour: instance 0.5 + 0.2, service 00–06 = 6 hours.
      assert.equal(cell('PER-HOUR', '2026-04-01'), '6.70');
      const monthly = await admin.billing.report({ kind: 'total', period: 'month', tenant: 'per-hour', from: '2026-03-01', to: '2026-04-30' });
      // March, per hour: instance 0.3 + 0.3 + 0.1, service 22:00 and 23:00 as whole hours.
      assert.deepEqual(monthly.rows.map((row) => [row.period, row.cost]), [['2026-03-01', '2.70'], ['2026-04-01', '6.70']]);
      assert.deepEqual(monthly.totals, [{ currency: 'USD', cost: '9.40' }]);
    });

    it('reports per resource, per hour, by tag, and as CSV', async () => {
      const range = { tenant: 'per-second', from: '2026-03-31', to: '2026-04-01' } as const;
      const resources = await admin.billing.report({ kind: 'resource', ...range });
      const web = resources.rows.find((row) => row.name === 'web');
      assert.equal(web?.resourceType, 'instance');
      const hourly = await admin.billing.report({ kind: 'hourly', ...range });
      assert.equal(hourly.rows[0]!.hour, '2026-03-31T22:00:00Z');
      const csv = await admin.billing.report({ kind: 'total', ...range, format: 'csv' });
      assert.match(csv.csv!, /^currency,cost\r\nUSD,\d+\.\d+\r\n$/);
      const tags = await admin.billing.report({ kind: 'tag', ...range, tagKey: 'team' });
      assert.deepEqual(tags.rows.map((row) => [row.tagKey, row.tagValue]), [['team', null]]);
    });

    it('a billed hour re-evaluates monthly quotas at once', async () => {
      // April so far, per hour: 6.7; a limit of 8 is crossed by the next two hours of service fee.
      await admin.quotas.setMonthly({ tenant: 'per-hour', scope: 'all', limit: 8, notifyAtPercent: 90, action: 'deny' });
      clock.set('2026-04-01T08:10:00Z');
      await admin.billing.run({});
      const { rows } = await server.maestro.db.query<{ data: { percent: number } }>(
        `SELECT data FROM event_log WHERE type = 'quota.thresholdReached' ORDER BY seq`,
      );
      assert.deepEqual(rows.map((row) => row.data.percent), [90, 100]);
      await assert.rejects(
        admin.instances.run({ tenant: 'per-hour', region: 'vmw-hour', image: 'ubuntu-24.04', shape: 'SMALL' }),
        (error: Error & { kind?: string }) => error.kind === 'limit_exceeded',
      );
    });

    it('rebuilds timelines and price policies from the log to the same rows', async () => {
      const snapshot = async () => {
        const out: Record<string, unknown> = {};
        for (const table of ['billing_timelines', 'price_policies']) {
          out[table] = (await server.maestro.db.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY 1::text`)).rows;
        }
        return out;
      };
      const live = await snapshot();
      await admin.system.rebuild();
      assert.deepEqual(await snapshot(), live);
    });

    it('estimates the price of a shape and image before running it', async () => {
      clock.set('2026-04-01T06:30:00Z');
      const price = await admin.billing.price({ tenant: 'per-second', region: 'sim-sec', shape: 'SMALL', image: 'ubuntu-24.04', count: 2 });
      assert.deepEqual([price.running?.hourly, price.stopped?.hourly, price.currency, price.message], [1, 0.4, 'USD', undefined]);
      await assert.rejects(
        admin.pricePolicies.create({ region: 'sim-sec', effectiveFrom: '2026-04-01T01:00:00Z', prices: firstPolicy }),
        /billed already/,
      );
    });

    it('says that no price policy applies in a region without one, instead of quoting 0', async () => {
      await admin.regions.create({ name: 'sim-bare', cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-bare' });
      await admin.tenants.activateRegion({ tenant: 'per-second', region: 'sim-bare' });
      const price = await admin.billing.price({ tenant: 'per-second', region: 'sim-bare', shape: 'SMALL' });
      assert.deepEqual(
        { ...price, message: undefined },
        { region: 'SIM-BARE', policyId: null, currency: null, count: 1, running: null, stopped: null, message: undefined },
      );
      assert.match(price.message!, /no price policy is in force in region SIM-BARE.*maestro admin price-policy create --region SIM-BARE/);
    });
  });
}
