import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MaestroClient } from '../../src/sdk/client.js';
import { failsWith } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { exportDirectory, importFocus, publicTotal } from './focus-setup.js';

const hour = { ChargePeriodStart: '2026-03-02T10:00:00Z', ChargePeriodEnd: '2026-03-02T11:00:00Z' };

for (const flavour of flavours) {
  describe(`bulk billing-account mapping from a file (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const files = exportDirectory();
    const mapped = async () =>
      (await admin.billingAccounts.describe({ limit: 200 })).items.map((m) => `${m.cloud}/${m.account}=${m.tenant}${m.name ? ` (${m.name})` : ''}`).sort();
    const mappingEvents = async () =>
      (await server.maestro.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE type = 'billingAccount.mapped'`)).rows[0]!.n;

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
      admin = server.admin;
      await admin.customers.create({ name: 'acme' });
      for (const tenant of ['acme-dev', 'acme-prod', 'acme-data', 'acme-eu', 'acme-us']) await admin.tenants.create({ customer: 'acme', name: tenant });
    });
    after(async () => {
      files.remove();
      await server?.close();
      await database?.close();
    });

    it('maps every line of a CSV file in one call, audited per account, and says what moved', async () => {
      await admin.billingAccounts.map({ cloud: 'AWS', account: '100000000003', tenant: 'acme-dev' });
      const events = await mappingEvents();
      const csv = [
        'Cloud,Account,Tenant,Name',
        'AWS,100000000001,acme-dev,Development',
        'AWS,100000000002,acme-prod,',
        'aws,100000000003,ACME-PROD,Moved',
        'AZURE,A1B2C3D4-0000-4000-8000-000000000001,acme-data,"Data, analytics"',
      ].join('\n');
      const answer = await admin.billingAccounts.mapFile({ content: csv });
      assert.equal(answer.dryRun, false);
      assert.deepEqual(
        answer.changes.map((c) => [c.from, c.cloud, c.account, c.tenant, c.previousTenant]),
        [
          ['line 2', 'AWS', '100000000001', 'ACME-DEV', null],
          ['line 3', 'AWS', '100000000002', 'ACME-PROD', null],
          ['line 4', 'AWS', '100000000003', 'ACME-PROD', 'ACME-DEV'],
          ['line 5', 'AZURE', 'a1b2c3d4-0000-4000-8000-000000000001', 'ACME-DATA', null],
        ],
      );
      assert.deepEqual(await mapped(), [
        'AWS/100000000001=ACME-DEV (Development)',
        'AWS/100000000002=ACME-PROD',
        'AWS/100000000003=ACME-PROD (Moved)',
        'AZURE/a1b2c3d4-0000-4000-8000-000000000001=ACME-DATA (Data, analytics)',
      ]);
      assert.equal(await mappingEvents(), events + 4);

      const again = await admin.billingAccounts.mapFile({ content: csv });
      assert.deepEqual([again.changes.length, again.unchanged], [0, 4]);
      assert.equal(await mappingEvents(), events + 4, 'mapping the same file again records nothing');
    });

    it('a dry run shows the changes and makes none', async () => {
      const before = await mapped();
      const events = await mappingEvents();
      const answer = await admin.billingAccounts.mapFile({ content: 'cloud,account,tenant\nGOOGLE,acme-analytics,acme-data\n', dryRun: true });
      assert.deepEqual(answer.changes.map((c) => [c.cloud, c.account, c.tenant]), [['GOOGLE', 'acme-analytics', 'ACME-DATA']]);
      assert.equal(answer.dryRun, true);
      assert.deepEqual(await mapped(), before);
      assert.equal(await mappingEvents(), events);
    });

    it('checks the whole file first: every problem is reported with its line, and nothing changes', async () => {
      const before = await mapped();
      const csv = [
        'cloud,account,tenant',
        'AWS,200000000001,acme-dev',
        'AMAZON,200000000002,acme-dev',
        'AWS,200000000003,acme-nowhere',
        'AWS,200000000001,acme-prod',
        'AWS,200000000004',
        'AWS,200000000005,acme dev',
        'AWS,"200000000006,acme-dev',
      ].join('\n');
      await assert.rejects(admin.billingAccounts.mapFile({ content: csv }), (error: unknown) => {
        failsWith('invalid_input', /the mapping file has 6 problems; nothing was changed/)(error);
        const { problems } = (error as { details: { problems: { line: number; message: string }[] } }).details;
        assert.deepEqual(
          problems.map((p) => p.line),
          [3, 4, 5, 6, 7, 8],
        );
        assert.match(problems[0]!.message, /cloud 'AMAZON' is not one of AWS, AZURE, GOOGLE, OCI/);
        assert.match(problems[1]!.message, /tenant ACME-NOWHERE, which does not exist/);
        assert.match(problems[2]!.message, /mapped to ACME-DEV on line 2 and to ACME-PROD here/);
        assert.match(problems[3]!.message, /2 fields where the header has 3/);
        assert.match(problems[4]!.message, /tenant name may contain letters/);
        assert.match(problems[5]!.message, /never closed/);
        return true;
      });
      assert.deepEqual(await mapped(), before, 'the good line 2 was not mapped either');
      await assert.rejects(admin.billingAccounts.mapFile({ content: 'cloud;account;tenant\n' }), failsWith('invalid_input', /line 1: column 'cloud;account;tenant' is not one of/));
    });

    it('maps sub-accounts seen by imports with YAML pattern rules: globs and expressions, tenant templates', async () => {
      // An import that meets four unmapped sub-accounts: their rows are reported, not imported.
      const rows = [
        { ...hour, SubAccountId: '300000000001', SubAccountName: 'acme-eu', EffectiveCost: '1' },
        { ...hour, SubAccountId: '300000000002', SubAccountName: 'acme-us', EffectiveCost: '2' },
        { ...hour, SubAccountId: '012345678901', SubAccountName: 'sandbox', EffectiveCost: '4' },
        { ...hour, SubAccountId: '399999999999', SubAccountName: 'acme-mars', EffectiveCost: '8' },
        { ...hour, SubAccountId: '100000000001', SubAccountName: 'Development', EffectiveCost: '16' },
      ];
      const path = files.file('unmapped.csv', rows);
      const first = await importFocus(admin, { path });
      assert.equal(first.unknownAccountCount, 4);

      const yaml = `# regional accounts by name, the sandbox by its id
accounts:
  - { cloud: AWS, account: 012345678901, tenant: acme-dev, name: Sandbox }
rules:
  - cloud: AWS
    name: "acme-*"
    tenant: "ACME-{1}"
  - { account: "/^1(\\\\d+)$/", tenant: acme-prod }
`;
      // acme-mars names a tenant that does not exist: refused, by the rule's line.
      await assert.rejects(
        admin.billingAccounts.mapFile({ content: yaml }),
        failsWith('invalid_input', /line 5: the rule maps AWS account 399999999999 \(acme-mars\) to tenant ACME-MARS, which does not exist/),
      );
      await admin.tenants.create({ customer: 'acme', name: 'acme-mars' });
      const answer = await admin.billingAccounts.mapFile({ content: yaml });
      assert.deepEqual(
        answer.changes.map((c) => [c.account, c.tenant, c.from]),
        [
          ['012345678901', 'ACME-DEV', 'line 3'],
          ['300000000001', 'ACME-EU', 'rule on line 5 (name acme-*)'],
          ['300000000002', 'ACME-US', 'rule on line 5 (name acme-*)'],
          ['399999999999', 'ACME-MARS', 'rule on line 5 (name acme-*)'],
        ],
      );
      // The expression matches no unmapped sub-account: 100000000001 is mapped already, and rules never move one.
      assert.deepEqual(answer.rules, [
        { line: 5, pattern: 'name acme-*', matched: 3 },
        { line: 8, pattern: 'account /^1(\\d+)$/', matched: 0 },
      ]);

      await importFocus(admin, { path });
      assert.deepEqual([await publicTotal(server.maestro.db, 'acme-eu'), await publicTotal(server.maestro.db, 'acme-us'), await publicTotal(server.maestro.db, 'acme-mars')], [1, 2, 8]);
    });

    it('refuses rules that map one sub-account to two tenants, and templates that name no tenant', async () => {
      await importFocus(admin, { path: files.file('more.csv', [{ ...hour, SubAccountId: '400000000001', SubAccountName: 'team blue', EffectiveCost: '1' }]) });
      const conflicting = `rules:
  - { name: "team *", tenant: acme-data }
  - { account: "4*", tenant: acme-prod }
  - { name: "team *", tenant: "{1} team" }
  - { name: "x", tenant: "ACME-{2}" }
`;
      await assert.rejects(admin.billingAccounts.mapFile({ content: conflicting, format: 'yaml' }), (error: unknown) => {
        const { problems } = (error as { details: { problems: { line: number; message: string }[] } }).details;
        assert.deepEqual(
          problems.map((p) => [p.line, p.message]),
          [
            [3, 'AWS account 400000000001 (team blue) matches the rules on lines 2, 3, which map it to ACME-DATA and ACME-PROD'],
            [4, "for AWS account 400000000001 (team blue) the rule names 'blue team': tenant name may contain letters, digits, '.', '_' and '-', and must start with a letter or digit"],
            [5, 'the tenant ACME-{2} uses {2}, but the pattern x has no wildcard or group'],
          ],
        );
        return true;
      });
    });
  });
}
