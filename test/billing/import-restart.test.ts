/**
 * A server killed (kill -9) in the middle of a FOCUS import: nothing of the import is visible after
 * the restart, and its job runs again once the dead node's lease has expired, importing the file
 * whole, once.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { accountId, rowsOf, writeFocusBenchFile, type FocusFileShape } from '../../bench/support/focus-file.js';
import { restartableServe } from '../server/serve-process.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/store-helpers.js';

const temp = tempDir('maestro-import-kill-');
const dataDir = path.join(temp.dir, 'data');
// Enough rows that the import is still reading when the test sees its first progress.
const shape: FocusFileShape = { resources: 400, everyHours: 1, accounts: 10, unknownAccounts: 0 };
// A short lease, so that the restarted node takes the dead node's job back soon.
const node = restartableServe(dataDir, { MAESTRO_JOB_LEASE_MS: '5000', MAESTRO_EMBEDDED_AGENT: 'false' });
after(async () => {
  await node.close();
  temp.remove();
});

const march = { kind: 'total', tenant: 'default', from: '2026-03-01', to: '2026-03-31' } as const;

describe('a FOCUS import when its server is killed', () => {
  it('shows nothing of the import after the restart, then imports the file whole, once', async () => {
    const file = path.join(temp.dir, 'march.csv.gz');
    const { effectiveCost } = await writeFocusBenchFile(file, shape);
    let admin = await node.start();
    for (let a = 0; a < shape.accounts; a++) await admin.billingAccounts.map({ cloud: 'AWS', account: accountId(a), tenant: 'default' });

    const { job } = await admin.billingImports.import({ path: file });
    await eventually(async () => {
      const progress = (await admin.jobs.describe({ id: job.id })).items[0]?.progress as { phase: string; rows: { read: number } } | null;
      return progress?.phase === 'reading' && progress.rows.read > 0;
    }, 'the import to report rows read');
    await node.kill();

    admin = await node.start();
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
