/**
 * A server killed (kill -9) in the middle of a FOCUS import: nothing of the import is visible after
 * the restart, and its job runs again once the dead node's lease has expired, importing the file
 * whole, once.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { accountId, rowsOf, writeFocusBenchFile, type FocusFileShape } from '../../bench/support/focus-file.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { spawnServe, type ServeProcess } from '../server/serve-process.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/store-helpers.js';

const temp = tempDir('maestro-import-kill-');
const dataDir = path.join(temp.dir, 'data');
// Enough rows that the import is still reading when the test sees its first progress.
const shape: FocusFileShape = { resources: 400, everyHours: 1, accounts: 10, unknownAccounts: 0 };
let serve: ServeProcess | undefined;
after(async () => {
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGKILL');
    await serve.exited;
  }
  temp.remove();
});

async function start(): Promise<MaestroClient> {
  // A short lease, so that the restarted node takes the dead node's job back soon.
  serve = spawnServe({ MAESTRO_DATA_DIR: dataDir, MAESTRO_PORT: '0', MAESTRO_LOG_LEVEL: 'info', MAESTRO_JOB_LEASE_MS: '5000', MAESTRO_EMBEDDED_AGENT: 'false' });
  const ready = JSON.parse(await serve.line((line) => line.includes('"Maestro is ready"'))) as { url: string };
  const credentials = Object.fromEntries(
    readFileSync(path.join(dataDir, 'admin-credentials.env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return createClient({ url: ready.url, accessKey: credentials.MAESTRO_ACCESS_KEY!, secretKey: credentials.MAESTRO_SECRET_KEY! });
}

const march = { kind: 'total', tenant: 'default', from: '2026-03-01', to: '2026-03-31' } as const;

describe('a FOCUS import when its server is killed', () => {
  it('shows nothing of the import after the restart, then imports the file whole, once', async () => {
    const file = path.join(temp.dir, 'march.csv.gz');
    const { effectiveCost } = await writeFocusBenchFile(file, shape);
    let admin = await start();
    for (let a = 0; a < shape.accounts; a++) await admin.billingAccounts.map({ cloud: 'AWS', account: accountId(a), tenant: 'default' });

    const { job } = await admin.billingImports.import({ path: file });
    await eventually(async () => {
      const progress = (await admin.jobs.describe({ id: job.id })).items[0]?.progress as { phase: string; rows: { read: number } } | null;
      return progress?.phase === 'reading' && progress.rows.read > 0;
    }, 'the import to report rows read');
    serve!.child.kill('SIGKILL');
    await serve!.exited;

    admin = await start();
    assert.deepEqual((await admin.billingImports.describe({})).items, [], 'no import recorded');
    assert.deepEqual((await admin.billing.report(march)).totals, [], 'no cost of the file visible');

    const ended = await eventually(async () => {
      const seen = (await admin.jobs.describe({ id: job.id })).items[0]!;
      return seen.status === 'success' || seen.status === 'failed' ? seen : null;
    }, 'the import job to run again and end');
    assert.equal(ended.status, 'success', String(ended.error));
    // The killed attempt counts; on a loaded machine a later one may lose its lease too, and find the import recorded.
    assert.ok(ended.attempts >= 2, `attempts: ${ended.attempts}`);
    const imports = (await admin.billingImports.describe({})).items;
    assert.deepEqual(imports.map((i) => [i.id, i.rows.read, i.rows.imported]), [[job.id, rowsOf(shape), rowsOf(shape)]]);
    const total = Number((await admin.billing.report(march)).totals[0]!.cost);
    assert.ok(Math.abs(total - effectiveCost) < 1e-6, `daily records hold ${total}, the file ${effectiveCost}`);
  });
});
