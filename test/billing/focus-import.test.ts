import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { MaestroClient } from '../../src/sdk/client.js';
import { failsWith } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { focusCsv } from '../support/focus.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { exportDirectory, importFocus, publicRecords, publicTotal } from './focus-setup.js';

const DEV = '111111111111';
const PROD = '222222222222';
const SUBSCRIPTION = 'A1B2C3D4-0000-4000-8000-000000000001';
const hour = (day: number, h: number) => `2026-03-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
const hourly = (day: number, h: number) => ({ ChargePeriodStart: hour(day, h), ChargePeriodEnd: h === 23 ? hour(day + 1, 0) : hour(day, h + 1) });

for (const flavour of flavours) {
  describe(`public billing import of FOCUS files (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const files = exportDirectory();
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
      admin = server.admin;
      await admin.customers.create({ name: 'acme' });
      for (const tenant of ['acme-dev', 'acme-prod', 'acme-data', 'acme-ops']) await admin.tenants.create({ customer: 'acme', name: tenant });
      await admin.billingAccounts.map({ cloud: 'AWS', account: DEV, tenant: 'acme-dev', name: 'Development' });
      await admin.billingAccounts.map({ cloud: 'AWS', account: PROD, tenant: 'acme-prod' });
      await admin.billingAccounts.map({ cloud: 'AZURE', account: SUBSCRIPTION, tenant: 'acme-dev' });
    });
    after(async () => {
      files.remove();
      await server?.close();
      await database?.close();
    });

    it('sums a CSV export into daily tenant records by tenant, day, cloud, region, service and tag set', async () => {
      const path = files.file('march.csv', [
        { ...hourly(1, 0), EffectiveCost: '0.5' },
        { ...hourly(1, 1), EffectiveCost: '0.5' },
        { ...hourly(1, 1), EffectiveCost: '0.25', Tags: '{"team":"a","env":"dev"}' },
        { ...hourly(2, 0), EffectiveCost: '2', RegionId: 'us-east-1', ServiceName: 'Amazon Simple Storage Service', Tags: '' },
        { ...hourly(1, 0), EffectiveCost: '3', SubAccountId: PROD },
        {
          ...hourly(1, 5),
          ProviderName: 'Microsoft',
          SubAccountId: SUBSCRIPTION.toLowerCase(),
          BillingCurrency: 'EUR',
          EffectiveCost: '1.5',
          BilledCost: '1.75',
          RegionId: 'westeurope',
          ServiceName: 'Virtual Machines',
          Tags: '{"cost-center":42,"shared":null}',
        },
      ]);
      const summary = await importFocus(admin, { path });
      assert.deepEqual(summary.rows, { read: 6, accepted: 6, rejected: 0, imported: 6, unmapped: 0 });
      assert.deepEqual(summary.providers.map((p) => [p.provider, p.cloud, p.rows]), [['AWS', 'AWS', 5], ['Microsoft', 'AZURE', 1]]);
      assert.deepEqual(summary.billingPeriods.map((p) => [p.cloud, p.start]), [['AWS', '2026-03-01T00:00:00.000Z'], ['AZURE', '2026-03-01T00:00:00.000Z']]);
      assert.deepEqual(summary.totals, [
        { currency: 'USD', effectiveCost: '6.25', billedCost: '2.5' },
        { currency: 'EUR', effectiveCost: '1.5', billedCost: '1.75' },
      ]);
      assert.equal(summary.replaced.accountPeriods, 3);
      assert.equal(summary.dryRun, false);

      const ec2 = { cloud: 'AWS', region: 'eu-west-1', service: 'Amazon Elastic Compute Cloud', currency: 'USD' };
      assert.deepEqual(await publicRecords(server.maestro.db, 'acme-dev'), [
        { day: '2026-03-01', ...ec2, tags: { env: 'dev', team: 'a' }, cost: 0.25 },
        { day: '2026-03-01', ...ec2, tags: { env: 'dev' }, cost: 1 },
        { day: '2026-03-01', cloud: 'AZURE', region: 'westeurope', service: 'Virtual Machines', tags: { 'cost-center': '42', shared: '' }, cost: 1.5, currency: 'EUR' },
        { day: '2026-03-02', cloud: 'AWS', region: 'us-east-1', service: 'Amazon Simple Storage Service', tags: {}, cost: 2, currency: 'USD' },
      ]);
      assert.deepEqual(await publicRecords(server.maestro.db, 'acme-prod'), [{ day: '2026-03-01', ...ec2, tags: { env: 'dev' }, cost: 3 }]);
    });

    it('reads a gzip export like its CSV, and importing it again changes no total', async () => {
      const rows = [
        { ...hourly(10, 0), EffectiveCost: '1.125', SubAccountId: PROD },
        { ...hourly(10, 1), EffectiveCost: '2.5', SubAccountId: PROD },
      ];
      const plain = await importFocus(admin, { path: files.file('prod.csv', rows) });
      const before = await publicRecords(server.maestro.db, 'acme-prod');
      const gzipped = await importFocus(admin, { path: files.file('prod.csv.gz', rows) });
      assert.equal(gzipped.compression, 'gzip');
      assert.deepEqual(gzipped.totals, plain.totals);
      assert.ok(gzipped.replaced.previousEntries > 0);
      assert.deepEqual(await publicRecords(server.maestro.db, 'acme-prod'), before);
      await importFocus(admin, { path: files.file('prod.csv.gz', rows) });
      assert.deepEqual(await publicRecords(server.maestro.db, 'acme-prod'), before);
    });

    it('reads quoted fields holding commas, quotes and line breaks, with CRLF line ends and a byte order mark', async () => {
      const rows = [
        { ...hourly(3, 0), SubAccountId: PROD, EffectiveCost: '4', ServiceName: 'Storage, Archive "Cold"', ChargeDescription: 'first line\r\nsecond line' },
        { ...hourly(3, 1), SubAccountId: PROD, EffectiveCost: 'not-a-number' },
      ];
      const summary = await importFocus(admin, { path: files.text('quoted.csv', `\ufeff${focusCsv(rows, { eol: '\r\n' })}`) });
      assert.deepEqual([summary.rows.imported, summary.rows.rejected], [1, 1]);
      // The first row spans lines 2 and 3, so the second starts on line 4.
      assert.deepEqual(summary.rejections, [{ line: 4, reason: "EffectiveCost is not a number: 'not-a-number'" }]);
      const records = await publicRecords(server.maestro.db, 'acme-prod');
      assert.ok(records.some((r) => r.day === '2026-03-03' && r.service === 'Storage, Archive "Cold"' && r.cost === 4));
    });

    it('spreads a charge period over the days it covers, in proportion to time', async () => {
      await admin.billingAccounts.map({ cloud: 'GOOGLE', account: 'analytics-prod', tenant: 'acme-data' });
      const google = { ProviderName: 'Google Cloud', SubAccountId: 'analytics-prod', RegionId: 'europe-west1', ServiceName: 'BigQuery', Tags: '' };
      const summary = await importFocus(admin, {
        path: files.file('spread.csv', [
          { ...google, ChargePeriodStart: '2026-03-03T12:00:00Z', ChargePeriodEnd: '2026-03-05T00:00:00Z', EffectiveCost: '3' },
          { ...google, ServiceName: 'Support', ChargePeriodStart: '2026-03-01T00:00:00Z', ChargePeriodEnd: '2026-04-01T00:00:00Z', EffectiveCost: '31' },
        ]),
      });
      assert.equal(summary.rows.imported, 2);
      const records = await publicRecords(server.maestro.db, 'acme-data');
      const bigQuery = records.filter((r) => r.service === 'BigQuery').map((r) => [r.day, r.cost]);
      assert.deepEqual(bigQuery, [['2026-03-03', 1], ['2026-03-04', 2]]);
      const support = records.filter((r) => r.service === 'Support');
      assert.equal(support.length, 31);
      assert.ok(support.every((r) => Math.abs(r.cost - 1) < 1e-9));
      assert.equal(await publicTotal(server.maestro.db, 'acme-data'), 34);
    });

    it('replaces what earlier imports recorded for the same sub-accounts and billing periods, and nothing else', async () => {
      const OTHER = '333333333333';
      await admin.billingAccounts.map({ cloud: 'AWS', account: OTHER, tenant: 'acme-ops' });
      await admin.billingAccounts.map({ cloud: 'AWS', account: '444444444444', tenant: 'acme-ops' });
      const ops = { SubAccountId: OTHER };
      const february = { BillingPeriodStart: '2026-02-01T00:00:00Z', BillingPeriodEnd: '2026-03-01T00:00:00Z' };
      await importFocus(admin, {
        path: files.file('ops-feb.csv', [{ ...ops, ...february, ChargePeriodStart: '2026-02-10T00:00:00Z', ChargePeriodEnd: '2026-02-10T01:00:00Z', EffectiveCost: '7' }]),
      });
      await importFocus(admin, { path: files.file('other.csv', [{ ...hourly(5, 0), SubAccountId: '444444444444', EffectiveCost: '100' }]) });
      const early = files.file('ops-mar-early.csv', [
        { ...ops, ...hourly(5, 0), EffectiveCost: '10' },
        { ...ops, ...hourly(6, 0), EffectiveCost: '20' },
      ]);
      await importFocus(admin, { path: early });
      assert.equal(await publicTotal(server.maestro.db, 'acme-ops'), 137);
      await importFocus(admin, { path: early });
      assert.equal(await publicTotal(server.maestro.db, 'acme-ops'), 137, 'the same file twice counts once');

      // The month's newer export: 5 March was re-rated, 6 March is gone, 7 March is new.
      const later = await importFocus(admin, {
        path: files.file('ops-mar-later.csv', [
          { ...ops, ...hourly(5, 0), EffectiveCost: '11' },
          { ...ops, ...hourly(7, 0), EffectiveCost: '30' },
        ]),
      });
      assert.deepEqual(later.replaced, { accountPeriods: 1, previousEntries: 2 });
      const days = (await publicRecords(server.maestro.db, 'acme-ops')).map((r) => [r.day, r.cost]);
      assert.deepEqual(days, [['2026-02-10', 7], ['2026-03-05', 111], ['2026-03-07', 30]]);
    });

    it('reports rows of sub-accounts mapped to no tenant, and imports them once mapped', async () => {
      const unknown = { SubAccountId: '555555555555', SubAccountName: 'Sandbox' };
      const path = files.file('sandbox.csv', [
        { ...unknown, ...hourly(8, 0), EffectiveCost: '1.5' },
        { ...unknown, ...hourly(8, 1), EffectiveCost: '2.5' },
        { ...hourly(8, 0), SubAccountId: PROD, EffectiveCost: '1' },
      ]);
      const first = await importFocus(admin, { path });
      assert.deepEqual(first.rows, { read: 3, accepted: 3, rejected: 0, imported: 1, unmapped: 2 });
      assert.deepEqual(first.unknownAccounts, [{ cloud: 'AWS', account: '555555555555', name: 'Sandbox', rows: 2, costs: [{ currency: 'USD', cost: '4.0' }] }]);
      assert.equal(first.unknownAccountCount, 1);

      await admin.billingAccounts.map({ cloud: 'AWS', account: '555555555555', tenant: 'acme-ops', name: 'Sandbox' });
      const second = await importFocus(admin, { path });
      assert.deepEqual([second.rows.imported, second.unknownAccounts.length], [3, 0]);
      assert.ok((await publicRecords(server.maestro.db, 'acme-ops')).some((r) => r.day === '2026-03-08' && r.cost === 4));
    });

    it('a dry run reports what an import would do and records nothing', async () => {
      const before = await publicRecords(server.maestro.db, 'acme-prod');
      const imports = (await admin.billingImports.describe({})).items.length;
      const dry = await importFocus(admin, { path: files.file('dry.csv', [{ ...hourly(20, 0), SubAccountId: PROD, EffectiveCost: '999' }]), dryRun: true });
      assert.equal(dry.dryRun, true);
      assert.deepEqual([dry.rows.imported, dry.dailyRecords], [1, 0]);
      assert.deepEqual(await publicRecords(server.maestro.db, 'acme-prod'), before);
      assert.equal((await admin.billingImports.describe({})).items.length, imports);
    });

    it('refuses a file that would give a tenant two currencies for one cloud and day, and keeps what was there', async () => {
      await admin.billingAccounts.map({ cloud: 'AWS', account: '666666666666', tenant: 'acme-prod' });
      const before = await publicRecords(server.maestro.db, 'acme-prod');
      await assert.rejects(
        importFocus(admin, { path: files.file('euro.csv', [{ ...hourly(8, 0), SubAccountId: '666666666666', BillingCurrency: 'EUR', EffectiveCost: '5' }]) }),
        failsWith('conflict', /tenant ACME-PROD would have AWS costs for 2026-03-08 in EUR, USD/),
      );
      assert.deepEqual(await publicRecords(server.maestro.db, 'acme-prod'), before);
    });

    it('lists mappings and imports', async () => {
      const mapped = await admin.billingAccounts.describe({ cloud: 'AZURE' });
      assert.deepEqual(
        mapped.items.map((m) => [m.account, m.tenant, m.customer]),
        [[SUBSCRIPTION.toLowerCase(), 'ACME-DEV', 'ACME']],
      );
      const page = await admin.billingAccounts.describe({ limit: 2 });
      assert.equal(page.items.length, 2);
      const next = await admin.billingAccounts.describe({ limit: 100, cursor: page.nextCursor! });
      assert.ok(!next.items.some((m) => page.items.some((p) => p.cloud === m.cloud && p.account === m.account)));
      const remapped = await admin.billingAccounts.map({ cloud: 'AWS', account: PROD, tenant: 'acme-ops' });
      assert.equal(remapped.previousTenant, 'ACME-PROD');
      await admin.billingAccounts.map({ cloud: 'AWS', account: PROD, tenant: 'acme-prod' });

      const imports = await admin.billingImports.describe({ limit: 1 });
      assert.equal(imports.items[0]!.file, 'sandbox.csv', 'dry runs and refused files are not recorded');
      const one = await admin.billingImports.describe({ id: imports.items[0]!.id });
      assert.deepEqual(one.items, imports.items);
      assert.equal(one.items[0]!.importedBy, 'admin');
    });

    it('describes imports recorded when totals were numbers with their totals as decimal text', async () => {
      const [latest] = (await admin.billingImports.describe({ limit: 1 })).items;
      const { importedBy: _by, importedAt: _at, ...summary } = latest!;
      const asNumbers = {
        ...summary,
        totals: summary.totals.map((t) => ({ ...t, effectiveCost: Number(t.effectiveCost), billedCost: t.billedCost === null ? null : Number(t.billedCost) })),
        unknownAccounts: [{ cloud: 'AWS', account: '777777777777', name: '', rows: 1, costs: [{ currency: 'USD', cost: 0.125 }] }],
      };
      await server.maestro.db.query('UPDATE billing_imports SET summary = $2::jsonb WHERE id = $1', [latest!.id, JSON.stringify(asNumbers)]);
      const [described] = (await admin.billingImports.describe({ id: latest!.id })).items;
      assert.deepEqual(described!.totals, latest!.totals.map((t) => ({ ...t, effectiveCost: String(Number(t.effectiveCost)), billedCost: String(Number(t.billedCost)) })));
      assert.deepEqual(described!.unknownAccounts[0]!.costs, [{ currency: 'USD', cost: '0.125' }]);
    });

    it('answers the import job at once; the job tells its progress, then the summary as its result', async () => {
      await admin.billingAccounts.map({ cloud: 'AWS', account: '777777777777', tenant: 'acme-ops' });
      const path = files.file('job.csv', [{ ...hourly(12, 0), SubAccountId: '777777777777', EffectiveCost: '7' }, { ...hourly(12, 1), EffectiveCost: 'seven' }]);
      const answer = await admin.billingImports.import({ path });
      assert.deepEqual([answer.job.status, answer.import], ['pending', null]);
      const ended = await server.maestro.jobs.waitFor(answer.job.id);
      const job = (await admin.jobs.describe({ id: answer.job.id })).items[0]!;
      assert.deepEqual([ended?.status, job.type, job.status], ['success', 'billing.import', 'success']);
      const summary = job.result as { id: string; rows: unknown; dryRun: boolean };
      assert.deepEqual([summary.id, summary.dryRun, summary.rows], [answer.job.id, false, { read: 2, accepted: 1, rejected: 1, imported: 1, unmapped: 0 }]);
      const progress = job.progress as { phase: string; rows: unknown; file: string; fileBytesRead: number; fileBytes: number; phaseSeconds: Record<string, number> };
      assert.deepEqual([progress.phase, progress.file, progress.rows], ['done', 'job.csv', summary.rows]);
      assert.equal(progress.fileBytesRead, progress.fileBytes);
      assert.deepEqual(Object.keys(progress.phaseSeconds), ['reading', 'staging', 'swapping']);
      assert.deepEqual((await admin.billingImports.describe({ id: answer.job.id })).items.map((i) => i.rows), [summary.rows]);
      // A file that cannot be imported fails its job at once (no second attempt), the reason kept with it.
      const gzipped = readFileSync(files.file('truncated.csv.gz', [{ ...hourly(12, 2), SubAccountId: '777777777777', EffectiveCost: '7' }]));
      writeFileSync(`${path}.truncated.csv.gz`, gzipped.subarray(0, gzipped.length - 12));
      const failed = await admin.billingImports.import({ path: `${path}.truncated.csv.gz` });
      assert.equal((await server.maestro.jobs.waitFor(failed.job.id))?.status, 'failed');
      const failedJob = (await admin.jobs.describe({ id: failed.job.id })).items[0]!;
      assert.equal(failedJob.attempts, 1);
      assert.match(String(failedJob.error), /could not be read to the end/);
      assert.deepEqual((failedJob.progress as { phase: string; error: { kind: string } }).error.kind, 'invalid_input');
    });
  });
}
