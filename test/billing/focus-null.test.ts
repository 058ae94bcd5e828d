import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MaestroClient } from '../../src/sdk/client.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import type { FocusRow } from '../support/focus.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { exportDirectory, importFocus, publicRecords } from './focus-setup.js';

const ACCOUNT = '111111111111';
const hour = (h: number) => {
  const at = Date.UTC(2026, 2, 1 + Math.floor(h / 24), h % 24);
  return { ChargePeriodStart: new Date(at).toISOString(), ChargePeriodEnd: new Date(at + 3_600_000).toISOString() };
};

/** A cost with ten decimals, different on every row, as providers write sub-cent usage. */
const tenDecimals = (i: number) => `0.${String((i * 791_900_713) % 10_000_000_000).padStart(10, '0')}`;

/** The exact sum of decimal texts of ten decimals, computed apart from Maestro's own arithmetic. */
function exactSum(values: readonly string[]): string {
  const units = values.reduce((sum, text) => sum + BigInt(text.replace('.', '')), 0n);
  const digits = units.toString().padStart(11, '0');
  return `${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

/**
 * Rows as real FOCUS 1.0 exports write them (a sample of 1,000 rows had 289 like this): the
 * literal NULL in the columns FOCUS lets be null (Tags, RegionId, SubAccountName), sub-cent costs
 * with ten decimals.
 */
function exportRows(count: number): FocusRow[] {
  return Array.from({ length: count }, (_, i) => ({
    ...hour(i % 48),
    BilledCost: tenDecimals(i),
    EffectiveCost: tenDecimals(i + 1),
    ...(i % 3 === 0 ? { Tags: 'NULL' } : {}),
    ...(i % 4 === 0 ? { RegionId: 'NULL', ServiceName: 'AWS Support' } : {}),
    ...(i % 5 === 0 ? { SubAccountName: 'NULL' } : {}),
  }));
}

for (const flavour of flavours) {
  describe(`FOCUS columns carrying NULL (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const files = exportDirectory();
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
      admin = server.admin;
      await admin.customers.create({ name: 'acme' });
      await admin.tenants.create({ customer: 'acme', name: 'acme-dev' });
      await admin.billingAccounts.map({ cloud: 'AWS', account: ACCOUNT, tenant: 'acme-dev' });
    });
    after(async () => {
      files.remove();
      await server?.close();
      await database?.close();
    });

    it('takes NULL as no value where FOCUS allows a null, and totals the accepted rows to the last digit', async () => {
      const rows = exportRows(1000);
      const summary = await importFocus(admin, { path: files.file('nulls.csv', rows) });
      assert.deepEqual(summary.rows, { read: 1000, accepted: 1000, rejected: 0, imported: 1000, unmapped: 0 });
      assert.deepEqual(summary.rejectionsByReason, []);
      assert.deepEqual(summary.totals, [
        { currency: 'USD', effectiveCost: exactSum(rows.map((row) => row.EffectiveCost!)), billedCost: exactSum(rows.map((row) => row.BilledCost!)) },
      ]);

      const records = await publicRecords(server.maestro.db, 'acme-dev');
      assert.deepEqual([...new Set(records.map((r) => r.region))].sort(), ['', 'eu-west-1'], 'a NULL region is no region, not one named "NULL"');
      assert.ok(records.some((r) => r.region === '' && r.service === 'AWS Support'));
      assert.deepEqual(
        [...new Set(records.map((r) => JSON.stringify(r.tags)))].sort(),
        ['{"env":"dev"}', '{}'],
        'NULL tags are no tags',
      );
      const { rows: sums } = await server.maestro.db.query<{ total: string }>(
        `SELECT sum(cost)::text AS total FROM daily_tenant_records WHERE source = 'public'`,
      );
      assert.equal(sums[0]!.total, summary.totals[0]!.effectiveCost, 'the daily records hold what the file carried');
    });

    it('takes a NULL sub-account as none: its rows are reported, not an account named "NULL"', async () => {
      const summary = await importFocus(admin, {
        path: files.file('no-account.csv', [{ ...hour(100), SubAccountId: 'NULL', SubAccountName: 'NULL', EffectiveCost: '0.25' }]),
      });
      assert.deepEqual(summary.rows, { read: 1, accepted: 1, rejected: 0, imported: 0, unmapped: 1 });
      assert.deepEqual(summary.unknownAccounts, [{ cloud: 'AWS', account: '', name: '', rows: 1, costs: [{ currency: 'USD', cost: '0.25' }] }]);
    });

    it('refuses a row with NULL in a column FOCUS requires, naming the line and the column', async () => {
      const summary = await importFocus(admin, {
        path: files.file('required-null.csv', [
          { ...hour(0), EffectiveCost: 'NULL' },
          { ...hour(1), BilledCost: 'NULL' },
          { ...hour(2), ServiceName: 'NULL' },
          { ...hour(3), BillingCurrency: 'NULL', ProviderName: 'NULL' },
          { ...hour(4), ChargePeriodStart: 'NULL' },
          { ...hour(5), EffectiveCost: '1' },
        ]),
      });
      assert.deepEqual(summary.rows, { read: 6, accepted: 1, rejected: 5, imported: 1, unmapped: 0 });
      const notAllowed = 'is NULL, which FOCUS does not allow in this column';
      assert.deepEqual(summary.rejections, [
        { line: 2, reason: `EffectiveCost ${notAllowed}` },
        { line: 3, reason: `BilledCost ${notAllowed}` },
        { line: 4, reason: `ServiceName ${notAllowed}` },
        { line: 5, reason: `BillingCurrency ${notAllowed}; ProviderName ${notAllowed}` },
        { line: 6, reason: `ChargePeriodStart ${notAllowed}` },
      ]);
      assert.deepEqual(summary.totals, [{ currency: 'USD', effectiveCost: '1', billedCost: '0.5' }]);
    });
  });
}
