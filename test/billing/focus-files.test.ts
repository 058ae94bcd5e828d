import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { failsWith } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { focusColumns, focusCsv } from '../support/focus.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { exportDirectory, importFocus, publicTotal } from './focus-setup.js';

const ACCOUNT = '111111111111';

for (const flavour of flavours) {
  describe(`FOCUS files that are wrong, in part or as a whole (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const files = exportDirectory();
    const importCount = async () => (await admin.billingImports.describe({})).items.length;
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

    it('reports malformed rows with their line numbers and reasons, and imports the good ones', async () => {
      const good = { EffectiveCost: '1' };
      const text =
        focusCsv([
          good,
          { EffectiveCost: '12,5' },
          { ChargePeriodStart: 'yesterday' },
          { ServiceName: '' },
          { Tags: '{"env":' },
          { BillingCurrency: 'usd', EffectiveCost: '' },
          { ProviderName: 'Alibaba Cloud' },
          { ChargePeriodEnd: '2026-02-28T00:00:00Z' },
          good,
        ]) +
        'only,three,fields\n' +
        '"a quote that never closes,1,2\n';
      const summary = await importFocus(admin, { path: files.text('mixed.csv', text) });
      assert.deepEqual(summary.rows, { read: 11, accepted: 2, rejected: 9, imported: 2, unmapped: 0 });
      assert.deepEqual(summary.rejections, [
        { line: 3, reason: "EffectiveCost is not a number: '12,5'" },
        { line: 4, reason: "ChargePeriodStart is not an ISO 8601 date and time: 'yesterday'" },
        { line: 5, reason: 'ServiceName is empty' },
        { line: 6, reason: `Tags is not JSON: '{"env":'` },
        { line: 7, reason: "EffectiveCost is empty; BillingCurrency is not an ISO 4217 currency code: 'usd'" },
        { line: 8, reason: "ProviderName is not a provider Maestro imports (AWS, Microsoft, Google Cloud, Oracle): 'Alibaba Cloud'" },
        { line: 9, reason: "ChargePeriodEnd is before ChargePeriodStart: '2026-02-28T00:00:00Z'" },
        { line: 11, reason: `the row does not have as many fields as the header: 3 instead of ${focusColumns.length}` },
        { line: 12, reason: 'the row is not valid CSV: a quoted field is not closed before the end of the file' },
      ]);
      assert.equal(await publicTotal(server.maestro.db, 'acme-dev'), 2);
    });

    it('details the first rejected rows and counts the rest by reason', async () => {
      const rows = Array.from({ length: 30 }, (_, i) => ({ EffectiveCost: `${i}€` }));
      const others = [{ ChargePeriodStart: '2026-13-01T00:00:00Z' }, { EffectiveCost: '2e12' }];
      const summary = await importFocus(admin, { path: files.file('bad-costs.csv', [...rows, ...others]) });
      assert.equal(summary.rows.rejected, 32);
      assert.equal(summary.rejections.length, 20);
      assert.deepEqual(summary.rejectionsByReason, [
        { reason: 'EffectiveCost is not a number', rows: 30 },
        { reason: 'ChargePeriodStart is not an ISO 8601 date and time', rows: 1 },
        { reason: 'EffectiveCost is beyond ±10^12', rows: 1 },
      ]);
    });

    it('refuses a file without a mandatory column as a whole, saying which', async () => {
      const total = await publicTotal(server.maestro.db, 'acme-dev');
      const imports = await importCount();
      const columns = focusColumns.filter((column) => column !== 'EffectiveCost' && column !== 'SubAccountId');
      await assert.rejects(
        importFocus(admin, { path: files.file('no-cost.csv', [{ EffectiveCost: '50' }], { columns }) }),
        failsWith('invalid_input', /not a FOCUS cost and usage file: it lacks the mandatory FOCUS columns EffectiveCost, SubAccountId; .*Nothing was imported/),
      );
      assert.equal(await publicTotal(server.maestro.db, 'acme-dev'), total);
      assert.equal(await importCount(), imports);
    });

    it('refuses what is not a readable FOCUS export before reading a row', async () => {
      const dir = path.dirname(files.text('placeholder.csv', 'x'));
      const csv = focusCsv([{ EffectiveCost: '1' }]);
      mkdirSync(path.join(dir, 'folder.csv'));
      const gzip = gzipSync(csv);
      const cases: Array<[string, RegExp]> = [
        ['relative/focus.csv', /give the absolute path/],
        [path.join(dir, 'missing.csv'), /there is no such file/],
        [path.join(dir, 'folder.csv'), /it is a directory/],
        [files.text('export.txt', csv), /a FOCUS export is a \.csv or \.csv\.gz file/],
        [files.text('empty.csv', ''), /the file is empty/],
        [files.text('binary.csv', 'PK\u0003\u0004\u0000\u0000'), /binary data, not CSV text/],
        [files.text('header-only.csv', 'just some text\n'), /lacks the mandatory FOCUS columns/],
      ];
      writeFileSync(path.join(dir, 'not-gzip.csv.gz'), csv);
      cases.push([path.join(dir, 'not-gzip.csv.gz'), /named \.csv\.gz but is not gzip data/]);
      writeFileSync(path.join(dir, 'gzipped.csv'), gzip);
      cases.push([path.join(dir, 'gzipped.csv'), /it is gzip data: name it \.csv\.gz/]);
      // A truncated download: the rows read so far must not replace a complete month.
      writeFileSync(path.join(dir, 'truncated.csv.gz'), gzip.subarray(0, gzip.length - 12));
      cases.push([path.join(dir, 'truncated.csv.gz'), /could not be read to the end .*nothing was imported/]);
      const imports = await importCount();
      for (const [file, message] of cases) {
        await assert.rejects(importFocus(admin, { path: file }), failsWith('invalid_input', message), file);
      }
      assert.equal(await importCount(), imports);
    });

    it('audits imports and mappings as CADF events carrying the summary, never the rows', async () => {
      await admin.billingAccounts.map({ cloud: 'AWS', account: '999999999999', tenant: 'acme-dev', name: 'Temporary' });
      await admin.billingAccounts.unmap({ cloud: 'AWS', account: '999999999999' });
      const summary = await importFocus(admin, { path: files.file('audited.csv', [{ EffectiveCost: '3', ResourceId: 'i-secret-resource' }]) });
      const { rows } = await server.maestro.db.query<{ type: string; action: string; target_id: string; data: Record<string, unknown>; initiator: { name: string } }>(
        `SELECT type, action, target_id, data, initiator FROM event_log WHERE type LIKE 'billing%' ORDER BY seq`,
      );
      const last = rows.at(-1)!;
      assert.deepEqual([last.type, last.action, last.target_id, last.initiator.name], ['billing.imported', 'create', summary.id, 'admin']);
      assert.deepEqual(last.data.rows, summary.rows);
      assert.ok(!JSON.stringify(last.data).includes('i-secret-resource'), 'the event holds no row');
      const mapping = rows.filter((row) => row.target_id === 'AWS/999999999999').map((row) => [row.type, row.action]);
      assert.deepEqual(mapping, [['billingAccount.mapped', 'update'], ['billingAccount.unmapped', 'delete']]);
      await assert.rejects(admin.billingAccounts.unmap({ cloud: 'AWS', account: '999999999999' }), failsWith('not_found'));
    });

    it('a rebuild replays mappings and import records, and leaves the imported costs alone', async () => {
      const total = await publicTotal(server.maestro.db, 'acme-dev');
      const imports = await admin.billingImports.describe({});
      const mappings = await admin.billingAccounts.describe({});
      await admin.system.rebuild();
      assert.deepEqual(await admin.billingImports.describe({}), imports);
      assert.deepEqual(await admin.billingAccounts.describe({}), mappings);
      assert.equal(await publicTotal(server.maestro.db, 'acme-dev'), total);
    });

    it('only system administrators map accounts, import and list imports', async () => {
      await admin.users.create({ name: 'carol', customer: 'acme' });
      await admin.users.addCustomerRole({ name: 'carol', role: 'admin' });
      const key = await admin.keys.create({ user: 'carol' });
      const carol = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
      const refused = failsWith('forbidden', /MANAGE_BILLING_IMPORT/);
      await assert.rejects(carol.billingAccounts.map({ cloud: 'AWS', account: '123456789012', tenant: 'acme-dev' }), refused);
      await assert.rejects(carol.billingAccounts.describe({}), refused);
      await assert.rejects(carol.billingImports.import({ path: files.file('carol.csv', [{}]) }), refused);
      await assert.rejects(carol.billingImports.describe({}), refused);
    });
  });
}
