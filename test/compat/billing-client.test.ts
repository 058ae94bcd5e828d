import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { flavours, type TestDatabase } from '../support/databases.js';
import { billingWorld, march } from './support/billing-world.js';
import { failsWith } from './support/failures.js';
import type { CompatWorld } from './support/setup.js';

/**
 * The billing reports and prices as the published command-line client sends them: its plugins
 * (m3cli/plugins/*-report.py, price.py) nest the tenant, clouds and region in `target` with a
 * reportUnit, send the period as from and to in milliseconds and reportFormat as JSON, EMAIL or
 * S3, and read the answer as `{records, grandTotal, currencyCode}`.
 */
type Row = Record<string, unknown>;
interface Report {
  records: Row[];
  grandTotal: number | null;
  currencyCode: string | null;
  message?: string;
}

const day = (date: number) => Date.UTC(2026, 2, date);
const march31 = { from: day(31), to: day(32) };
const twoDays = { from: day(31), to: day(33) };
const group = (reportUnit: string, extra: Row = {}) => ({ tenantGroup: 'ACME-DEV', reportUnit, ...extra });

for (const flavour of flavours) {
  describe(`billing reports as the command-line client's plugins send them (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let ids: Record<string, string>;
    const report = (action: string, params: Row) => world.m3Alice.call<Report>(action, params);

    before(async () => {
      database = await flavour.open();
      // web (tagged) and plain (untagged) run from 22:00 on 31 March: 0.3 an hour each, two hours in each month.
      const billed = await billingWorld(database.db, { web: { team: 'web' }, plain: {} });
      world = billed.world;
      ids = billed.ids;
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    it('total-report: the tenant group in target, year and month as from and to, answered with a grand total', async () => {
      // m3 total-report --tenant-group ACME-DEV --year 2026 --month 3
      const total = await report('GET_TOTAL_BILLING_REPORT', { from: march.start, to: march.end, reportFormat: 'JSON', target: group('TENANT_GROUP') });
      assert.deepEqual(total, {
        records: [
          {
            projectCode: 'ACME-DEV',
            tenantName: 'ACME-DEV',
            billingPeriodStartDate: march.start,
            billingPeriodEndDate: march.end,
            productName: null,
            usageType: null,
            quantity: null,
            recordType: null,
            totalPrice: 1.2,
            currencyCode: 'USD',
            zone: null,
          },
        ],
        grandTotal: 1.2,
        currencyCode: 'USD',
      });
      // --clouds ENTERPRISE,AWS
      const clouds = await report('GET_TOTAL_BILLING_REPORT', { ...twoDays, reportFormat: 'JSON', target: group('TENANT_GROUP_AND_CLOUD', { clouds: ['ENTERPRISE', 'AWS'] }) });
      assert.deepEqual([clouds.records.map((row) => [row.zone, row.totalPrice]), clouds.grandTotal], [[['SIMULATED', 2.4]], 2.4]);
      // An older client's target names the tenant.
      const older = await report('GET_TOTAL_BILLING_REPORT', { ...march31, reportFormat: 'JSON', target: { tenant: 'ACME-DEV', reportUnit: 'TENANT' } });
      assert.equal(older.grandTotal, 1.2);
    });

    it('total-report: refuses e-mail and presigned URLs, a field given twice and a unit of another report', async () => {
      const asked = { ...march31, target: group('TENANT_GROUP') };
      await failsWith(report('GET_TOTAL_BILLING_REPORT', { ...asked, reportFormat: 'EMAIL' }), 400, /does not e-mail reports/);
      await failsWith(report('GET_TOTAL_BILLING_REPORT', { ...asked, reportFormat: 'S3' }), 400, /presigned URLs/);
      await failsWith(report('GET_TOTAL_BILLING_REPORT', { ...asked, reportFormat: 'json', tenantGroup: 'ACME-DEV' }), 400, /tenantGroup: given twice/);
      await failsWith(
        report('GET_TOTAL_BILLING_REPORT', { ...march31, reportFormat: 'JSON', target: group('TENANT_AND_RESOURCES') }),
        400,
        /reportUnit TENANT_AND_RESOURCES is not a unit of this report/,
      );
      await failsWith(report('GET_TOTAL_BILLING_REPORT', { ...march31, reportFormat: 'JSON', target: group('TENANT_GROUP', { onlyAdjustments: true }) }), 400, /no billing adjustments/);
    });

    it('subtotal-report: by region, with nativeCurrency accepted', async () => {
      // m3 subtotal-report --tenant-group ACME-DEV --year 2026 --month 4 --region SIM-A
      const april = { from: Date.UTC(2026, 3, 1), to: Date.UTC(2026, 4, 1) };
      const subtotal = await report('GET_SUBTOTAL_BILLING_REPORT', { ...april, reportFormat: 'JSON', target: group('TENANT_GROUP', { region: 'SIM-A' }) });
      assert.deepEqual([subtotal.records.map((row) => [row.zone, row.totalPrice]), subtotal.grandTotal, subtotal.currencyCode], [[['SIM-A', 1.2]], 1.2, 'USD']);
      const native = await report('GET_SUBTOTAL_BILLING_REPORT', { ...april, reportFormat: 'JSON', nativeCurrency: true, target: group('TENANT_GROUP') });
      assert.deepEqual(native, subtotal);
    });

    it('resource-report: the e-mail the client always asks for is answered in the answer', async () => {
      // m3 resource-report --tenant-group ACME-DEV --from 31.03.2026 --to 02.04.2026 --instance-id <web>
      const resources = await report('GET_RESOURCE_BILLING_REPORT', { ...twoDays, reportFormat: 'EMAIL', instanceIds: [ids.web], target: group('TENANT_GROUP') });
      assert.deepEqual(
        resources.records.map((row) => [row.tenantName, row.zone, row.productName, row.resourceId, row.totalPrice, row.billingPeriodStartDate]),
        [['ACME-DEV', 'SIM-A', 'instance', ids.web, 1.2, day(31)]],
      );
      assert.deepEqual([resources.grandTotal, resources.currencyCode], [1.2, 'USD']);
      // --url
      await failsWith(report('GET_RESOURCE_BILLING_REPORT', { ...twoDays, reportFormat: 'S3', target: group('TENANT_GROUP') }), 400, /presigned URLs/);
      // The report command with its resource type, sent the same way.
      const viaReport = await report('GET_TOTAL_BILLING_REPORT', { ...march31, types: 'resource', reportFormat: 'EMAIL', target: group('TENANT_GROUP') });
      assert.deepEqual([viaReport.records.length, viaReport.grandTotal], [2, 1.2]);
    });

    it('cost-object-report: every resource of the tenant with the fields the client prints', async () => {
      // m3 cost-object-report --tenant ACME-DEV --from 31.03.2026 --to 02.04.2026 --region SIM-A --resource-type INSTANCE
      const target = { tenant: 'ACME-DEV', reportUnit: 'TENANT_AND_RESOURCES', clouds: [], region: 'SIM-A', resourceType: 'INSTANCE' };
      const costs = await report('GET_RESOURCE_BILLING_REPORT', { ...twoDays, reportFormat: 'JSON', target });
      assert.deepEqual(costs.records.map((row) => [row.resourceId, row.totalPrice]).sort(), [[ids.plain, 1.2], [ids.web, 1.2]].sort());
      assert.deepEqual([costs.grandTotal, costs.currencyCode], [2.4, 'USD']);
      for (const field of ['tenantName', 'zone', 'productName', 'usageType', 'resourceId', 'billingPeriodStartDate', 'billingPeriodEndDate', 'recordType', 'totalPrice', 'currencyCode']) {
        assert.ok(Object.hasOwn(costs.records[0]!, field), field);
      }
      // What the client's own plugin test sends: this server has no product names.
      await failsWith(report('GET_RESOURCE_BILLING_REPORT', { ...twoDays, reportFormat: 'JSON', target: { ...target, productName: 'some_name' } }), 400, /productName/);
    });

    it('untagged-resource-report: the cost of the resources that carried no tag', async () => {
      // m3 untagged-resource-report --tenant ACME-DEV --from 31.03.2026 --to 02.04.2026
      const target = { tenant: 'ACME-DEV', reportUnit: 'TENANT_AND_RESOURCES_UNTAGGED', clouds: [] };
      const untagged = await report('GET_RESOURCE_BILLING_REPORT', { ...twoDays, reportFormat: 'JSON', target });
      assert.deepEqual(
        untagged.records.map((row) => [row.tenantName, row.zone, row.totalPrice, row.currencyCode, row.untagged]),
        [['ACME-DEV', null, 1.2, 'USD', true]],
      );
      assert.equal(untagged.grandTotal, 1.2);
      const inRegion = await report('GET_RESOURCE_BILLING_REPORT', { ...twoDays, reportFormat: 'JSON', target: { ...target, region: 'SIM-A' } });
      assert.deepEqual(inRegion.records.map((row) => [row.zone, row.totalPrice]), [['SIM-A', 1.2]]);
      await failsWith(report('GET_RESOURCE_BILLING_REPORT', { ...twoDays, reportFormat: 'JSON', target: { ...target, clouds: ['ENTERPRISE'] } }), 400, /give region instead of clouds/);
      const none = await report('GET_RESOURCE_BILLING_REPORT', { from: day(1), to: day(2), reportFormat: 'JSON', target });
      assert.deepEqual(none, { records: [], grandTotal: 0, currencyCode: null, message: 'there are no billing records for this report' });
    });

    it('hourly-report: the date as from and to, answered in the answer', async () => {
      // m3 hourly-report --tenant-group ACME-DEV --date 31.03.2026
      const hourly = await report('GET_HOURLY_BILLING_REPORT', { ...march31, reportFormat: 'EMAIL', target: group('TENANT_GROUP') });
      const hour = Date.UTC(2026, 2, 31, 22);
      assert.deepEqual(hourly.records.map((row) => [row.hour, row.totalPrice]), [[hour, 0.6], [hour + 3_600_000, 0.6]]);
      assert.equal(hourly.grandTotal, 1.2);
      // The client's table view of this command prints only `message`: the records as lines of text.
      assert.deepEqual(String(hourly.message).split('\n'), [
        'hour (UTC)              price',
        '2026-03-31T22:00        0.6000 USD',
        '2026-03-31T23:00        0.6000 USD',
        'grand total 1.2 USD',
      ]);
      await failsWith(report('GET_HOURLY_BILLING_REPORT', { ...march31, reportFormat: 'EMAIL', target: group('TENANT_GROUP', { clouds: ['AWS'] }) }), 400, /target.clouds does not apply/);
    });

    it('price: the region as zoneName, and the model under priceModel as the plugin reads and sorts it', async () => {
      // m3 price --region SIM-A --policy-type DEFAULT
      const model = await world.m3Alice.call<{ priceModel: Record<string, unknown>; region: string }>('GET_PRICE_MODEL', {
        policyType: 'DEFAULT',
        isResourceStateActive: true,
        zoneName: 'SIM-A',
      });
      assert.equal(model.region, 'SIM-A');
      const { entries } = model.priceModel.instancePriceModel as { entries: Row[] };
      assert.deepEqual(
        entries.map((row) => [row.osType, row.shape, row.basePrice, row.vCoresPrice, row.osPrice]),
        [
          ['ANY', 'LARGE', 730.5, null, null],
          ['ANY', null, null, 73.05, null],
          ['windows', null, null, null, 146.1],
        ],
      );
      // The plugin sorts by (osType, totalPrice): every osType is text, and totalPrice is alike within one.
      assert.ok(entries.every((row) => typeof row.osType === 'string' && row.totalPrice === null));
      assert.deepEqual(model.priceModel.storagePriceModel, [{ inactivePrice: 73.05, activePrice: 73.05 }]);
      // --inactive
      await failsWith(world.m3Alice.call('GET_PRICE_MODEL', { policyType: 'DEFAULT', isResourceStateActive: false, zoneName: 'SIM-A', inactive: true }), 400, /inactive/);
      await failsWith(world.m3Alice.call('GET_PRICE_MODEL', { policyType: 'DEFAULT', zoneName: 'SIM-A', region: 'SIM-B' }), 400, /region or zoneName/);
      await failsWith(world.m3Alice.call('GET_PRICE_MODEL', { policyType: 'DEFAULT' }), 400, /give the region/);
    });
  });
}
