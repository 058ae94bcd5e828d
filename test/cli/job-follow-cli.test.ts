import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportDirectory } from '../billing/focus-setup.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { credentialsEnv, runCli } from './run-cli.js';

const hour = (h: number) => `2026-03-01T${String(h).padStart(2, '0')}:00:00Z`;

describe('a long import through the CLI: followed to its figures, nothing extra in a pipe', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  const files = exportDirectory();
  before(async () => {
    server = await startTestServer();
    admin = credentialsEnv(server.url, server.credentials);
    await server.admin.customers.create({ name: 'acme' });
    await server.admin.tenants.create({ customer: 'acme', name: 'acme-dev' });
    await server.admin.billingAccounts.map({ cloud: 'AWS', account: '111111111111', tenant: 'acme-dev' });
  });
  after(async () => {
    files.remove();
    await server?.close();
  });

  it('prints the import summary once the job ends, or the job at once with --detach', async () => {
    const rows = Array.from({ length: 12 }, (_, h) => ({ ChargePeriodStart: hour(h), ChargePeriodEnd: hour(h + 1) }));
    const path = files.file('march.csv.gz', rows);
    const followed = await runCli(['admin', 'billing-import', 'import', '--path', path, '--output', 'json'], admin);
    assert.equal(followed.code, 0, followed.stderr);
    // stderr is not a terminal here: no bar, no carriage returns, nothing at all.
    assert.equal(followed.stderr, '');
    const summary = JSON.parse(followed.stdout) as { rows: { read: number; imported: number } };
    assert.deepEqual([summary.rows.read, summary.rows.imported], [12, 12]);

    const detached = await runCli(['admin', 'billing-import', 'import', '--path', path, '--detach', '--dry-run', '--output', 'json'], admin);
    assert.equal(detached.code, 0, detached.stderr);
    const answer = JSON.parse(detached.stdout) as { job: { id: string; status: string }; import: unknown };
    assert.match(answer.job.id, /^[0-9a-f-]{36}$/);
    assert.equal(answer.import, null);
  });
});
