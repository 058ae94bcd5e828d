import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { flavours, type TestDatabase } from '../support/databases.js';
import { billingWorld, march } from './support/billing-world.js';
import type { CompatWorld } from './support/setup.js';
import type { M3Client } from './support/m3-client.js';
import { failureOf } from './support/failures.js';

type Row = Record<string, unknown>;

for (const flavour of flavours) {
  describe(`Maestro protocol billing reports and prices (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let stranger: M3Client;
    let instanceId: string;
    const report = (action: string, params: Row) => world.m3Alice.call<Row[]>(action, { tenantGroup: 'acme-dev', ...params });

    before(async () => {
      database = await flavour.open();
      // One instance, web (tagged team=web), runs from 22:00 on 31 March; four hours billed, two in each month, 0.3 an hour.
      const billed = await billingWorld(database.db, { web: { team: 'web' } });
      world = billed.world;
      instanceId = billed.ids.web!;
      stranger = await world.m3User('stranger', null);
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    it('totals a month given as year and month (numbers as text), with the fields the client prints', async () => {
      const rows = await report('GET_TOTAL_BILLING_REPORT', { year: '2026', month: '03' });
      assert.deepEqual(rows, [
        {
          projectCode: 'ACME-DEV',
          tenantName: 'ACME-DEV',
          billingPeriodStartDate: march.start,
          billingPeriodEndDate: march.end,
          productName: null,
          usageType: null,
          quantity: null,
          recordType: null,
          totalPrice: 0.6,
          currencyCode: 'USD',
          zone: null,
        },
      ]);
    });

    it('reads from and to as a half-open period: to is the first day not reported', async () => {
      const oneDay = await report('GET_TOTAL_BILLING_REPORT', { from: '31.03.2026', to: '01.04.2026' });
      assert.deepEqual(oneDay.map((row) => [row.totalPrice, row.billingPeriodStartDate, row.billingPeriodEndDate]), [[0.6, Date.UTC(2026, 2, 31), march.end]]);
      const twoDays = await report('GET_TOTAL_BILLING_REPORT', { from: Date.UTC(2026, 2, 31), to: '2026-04-02T00:00:00Z' });
      assert.equal(twoDays[0]!.totalPrice, 1.2);
      const backwards = await failureOf(report('GET_TOTAL_BILLING_REPORT', { from: '02.04.2026', to: '31.03.2026' }));
      assert.match(String(backwards.readableError), /to must be after from/);
      const half = await failureOf(report('GET_TOTAL_BILLING_REPORT', { from: '31.03.2026' }));
      assert.match(String(half.readableError), /give both from and to/);
      const both = await failureOf(report('GET_TOTAL_BILLING_REPORT', { from: '31.03.2026', to: '01.04.2026', year: 2026 }));
      assert.match(String(both.readableError), /either as from and to, or as year and month/);
    });

    it('totals per cloud asked (client cloud names), and the cost of the records with a tag', async () => {
      const period = { from: '31.03.2026', to: '02.04.2026' };
      const clouds = await report('GET_TOTAL_BILLING_REPORT', { ...period, clouds: 'enterprise,aws' });
      assert.deepEqual(clouds.map((row) => [row.zone, row.totalPrice]), [['SIMULATED', 1.2]]);
      assert.deepEqual(await report('GET_TOTAL_BILLING_REPORT', { ...period, clouds: ['AWS'] }), []);
      // The simulated region answers to OPEN_STACK, the name the command-line client can send.
      const asOpenStack = await report('GET_TOTAL_BILLING_REPORT', { ...period, clouds: 'OPEN_STACK' });
      assert.deepEqual(asOpenStack.map((row) => [row.zone, row.totalPrice]), [['OPEN_STACK', 1.2]]);
      const tagged = await report('GET_TOTAL_BILLING_REPORT', { ...period, tag: 'team=web' });
      assert.deepEqual(tagged.map((row) => [row.tag, row.totalPrice]), [['team=web', 1.2]]);
      assert.deepEqual(await report('GET_TOTAL_BILLING_REPORT', { ...period, tag: 'team=db' }), []);
      assert.match(String((await failureOf(report('GET_TOTAL_BILLING_REPORT', { ...period, tag: 'team' }))).readableError), /tag: must be key=value/);
    });

    it('subtotals by region, and the report command picks the report by its type', async () => {
      const rows = await report('GET_SUBTOTAL_BILLING_REPORT', { year: 2026, month: 4 });
      assert.deepEqual(rows.map((row) => [row.zone, row.totalPrice, row.currencyCode]), [['SIM-A', 0.6, 'USD']]);
      const viaReport = await report('GET_TOTAL_BILLING_REPORT', { year: 2026, month: 4, types: 'Subtotal' });
      assert.deepEqual(viaReport, rows);
      const misplaced = await failureOf(report('GET_TOTAL_BILLING_REPORT', { year: 2026, month: 4, criteria: 'ALL' }));
      assert.match(String(misplaced.readableError), /criteria applies to the report types budgets, not total/);
      assert.deepEqual(await report('GET_TOTAL_BILLING_REPORT', { year: 2026, month: 4, types: 'budgets' }), []);
      const budgetsByDay = await failureOf(report('GET_TOTAL_BILLING_REPORT', { year: 2026, month: 4, day: 1, types: 'budgets' }));
      assert.match(String(budgetsByDay.readableError), /day applies to the report types total, subtotal, resource, hourly, not budgets/);
    });

    it('reports per resource for resource-report and cost-object-report, filtered by instance and type', async () => {
      const period = { from: '31.03.2026', to: '02.04.2026' };
      const rows = await report('GET_RESOURCE_BILLING_REPORT', { ...period, instanceIds: instanceId });
      assert.deepEqual(
        rows.map((row) => [row.tenantName, row.zone, row.productName, row.resourceId, row.resourceName, row.totalPrice, row.currencyCode, row.quantity]),
        [['ACME-DEV', 'SIM-A', 'instance', instanceId, 'web', 1.2, 'USD', 4]],
      );
      assert.equal(rows[0]!.billingPeriodStartDate, Date.UTC(2026, 2, 31));
      assert.deepEqual(await report('GET_RESOURCE_BILLING_REPORT', { ...period, instanceIds: ['00000000-0000-0000-0000-000000000000'] }), []);
      const costObject = await world.m3Alice.call<Row[]>('GET_RESOURCE_BILLING_REPORT', { tenant: 'acme-dev', ...period, resourceType: 'INSTANCE', productName: 'All' });
      assert.deepEqual(costObject.map((row) => row.resourceId), [instanceId]);
      assert.deepEqual(await world.m3Alice.call('GET_RESOURCE_BILLING_REPORT', { tenant: 'acme-dev', ...period, resourceType: 'volume' }), []);
      const viaReport = await report('GET_TOTAL_BILLING_REPORT', { year: 2026, month: 3, types: 'resource', instanceId });
      assert.equal(viaReport[0]!.totalPrice, 0.6);
      const usage = await failureOf(world.m3Alice.call('GET_RESOURCE_BILLING_REPORT', { tenant: 'acme-dev', ...period, usageType: 'BoxUsage' }));
      assert.match(String(usage.readableError), /no usage types/);
      const noTenant = await failureOf(world.m3Alice.call('GET_RESOURCE_BILLING_REPORT', period));
      assert.match(String(noTenant.readableError), /give the tenant: tenantGroup \(or tenant\)/);
    });

    it('reports the hours of one day, given as date or as year, month and day', async () => {
      const rows = await report('GET_HOURLY_BILLING_REPORT', { date: '31.03.2026' });
      const hour = Date.UTC(2026, 2, 31, 22);
      assert.deepEqual(
        rows.map((row) => [row.hour, row.billingPeriodEndDate, row.totalPrice]),
        [
          [hour, hour + 3_600_000, 0.3],
          [hour + 3_600_000, hour + 7_200_000, 0.3],
        ],
      );
      assert.deepEqual(await report('GET_HOURLY_BILLING_REPORT', { year: '2026', month: '3', day: '31' }), rows);
      assert.match(String((await failureOf(report('GET_HOURLY_BILLING_REPORT', { year: '2026', month: '3' }))).readableError), /year, month and day/);
      assert.match(String((await failureOf(report('GET_HOURLY_BILLING_REPORT', { date: '31.03.2026', instanceId }))).readableError), /instanceId/);
    });

    it('refuses what it cannot deliver, unknown tenants, and callers without the permission', async () => {
      const month = { year: 2026, month: 3 };
      const missing = await failureOf(world.m3Alice.call('GET_TOTAL_BILLING_REPORT', month));
      assert.equal(missing.statusCode, 400);
      assert.match(String(missing.readableError), /tenantGroup/);
      assert.match(String((await failureOf(report('GET_TOTAL_BILLING_REPORT', { ...month, reportFormat: 'true' }))).readableError), /does not e-mail reports/);
      assert.match(String((await failureOf(report('GET_SUBTOTAL_BILLING_REPORT', { ...month, URL: true }))).readableError), /presigned URLs/);
      assert.match(String((await failureOf(report('GET_TOTAL_BILLING_REPORT', { ...month, onlyAdjustments: true }))).readableError), /no billing adjustments/);
      assert.match(String((await failureOf(report('GET_SUBTOTAL_BILLING_REPORT', { ...month, tag: 'a=b' }))).readableError), /cannot filter the subtotal report by tag/);
      const unknown = await failureOf(report('GET_TOTAL_BILLING_REPORT', { ...month, tenantGroup: 'nowhere' }));
      assert.match(String(unknown.readableError), /NOWHERE/);
      const refused = await failureOf(stranger.call('GET_TOTAL_BILLING_REPORT', { tenantGroup: 'acme-dev', ...month }));
      assert.equal(refused.statusCode, 403);
      assert.equal((await failureOf(stranger.call('GET_PRICE_MODEL', { region: 'sim-a', policyType: 'DEFAULT' }))).statusCode, 403);
    });

    it('describes the price policy in force as unit prices per month', async () => {
      const model = await world.m3Alice.call<Record<string, Row[] | unknown>>('GET_PRICE_MODEL', { region: 'sim-a', policyType: 'default' });
      assert.equal(model.currencyCode, 'USD');
      assert.equal(model.effectiveFrom, Date.UTC(2026, 2, 31));
      const instance = model.instancePriceModel as Row[];
      assert.deepEqual(
        instance.map((row) => [row.osType, row.shape, row.basePrice, row.vCoresPrice, row.memoryPrice, row.osPrice, row.systemStoragePrice]),
        [
          [null, 'LARGE', 730.5, null, null, null, 7.305],
          [null, null, null, 73.05, 36.525, null, 7.305],
          ['windows', null, null, null, null, 146.1, null],
        ],
      );
      for (const row of instance) assert.deepEqual(Object.keys(row).slice(0, 9), ['osType', 'shape', 'initializationPrice', 'basePrice', 'vCoresPrice', 'memoryPrice', 'osPrice', 'systemStoragePrice', 'totalPrice']);
      assert.deepEqual(model.storagePriceModel, [{ inactivePrice: 73.05, activePrice: 73.05 }]);
      assert.deepEqual([model.machineImagePriceModel, model.checkpointPriceModel, model.hardwarePriceModel], [[], [], []]);
      const small = await world.m3Alice.call<{ instancePriceModel: Row[] }>('GET_PRICE_MODEL', { region: 'sim-a', policyType: 'DEFAULT', shapeName: 'small' });
      assert.deepEqual(small.instancePriceModel.map((row) => [row.shape, row.vCoresPrice]), [['SMALL', 73.05], [null, null]]);
      assert.match(String((await failureOf(world.m3Alice.call('GET_PRICE_MODEL', { region: 'sim-a', policyType: 'project' }))).readableError), /no PROJECT prices/);
      assert.match(String((await failureOf(world.m3Alice.call('GET_PRICE_MODEL', { region: 'sim-a' }))).readableError), /policyType/);
      assert.match(String((await failureOf(world.m3Alice.call('GET_PRICE_MODEL', { region: 'sim-z', policyType: 'DEFAULT' }))).readableError), /SIM-Z/);
    });

    it('lists the regions by cloud as billing region types', async () => {
      // Under billingRegionTypes, which the client's plugin reads; by the cloud the client knows the region as.
      assert.deepEqual(await world.m3Alice.call('GET_BILLING_REGION_TYPES', {}), { billingRegionTypes: [{ regionType: 'OPEN_STACK', regions: ['SIM-A'] }] });
    });
  });
}
