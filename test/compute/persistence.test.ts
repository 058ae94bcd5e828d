import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { createClient } from '../../src/sdk/client.js';
import { loadConfig } from '../../src/server/config.js';
import { startMaestro } from '../../src/server/runtime.js';
import { simulatedTenant, waitForState } from './setup.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-persist-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

it('keeps instances, in Maestro and in the simulated cloud, across a restart', async () => {
  const config = loadConfig({}, { port: 0, dataDir, logLevel: 'silent', simLatencyMs: 0 });
  const first = await startMaestro({ config });
  const credentials = { accessKey: first.bootstrap!.accessKey, secretKey: first.bootstrap!.secretKey };
  let admin = createClient({ url: first.url, ...credentials });
  await simulatedTenant(admin, { customer: 'keep', tenant: 'keep-dev', region: 'sim-keep' });
  const { instances } = await admin.instances.run({ tenant: 'keep-dev', region: 'sim-keep', image: 'debian-12', shape: 'MINI', count: 2 });
  await waitForState(admin, 'KEEP-DEV', instances.map((i) => i.id), 'running');
  await first.close();

  const second = await startMaestro({ config });
  try {
    assert.equal(second.bootstrap, null, 'the administrator is created only once');
    admin = createClient({ url: second.url, ...credentials });
    const { items } = await admin.instances.describe({ tenant: 'keep-dev' });
    assert.deepEqual(items.map((i) => i.state), ['running', 'running']);
    const report = await admin.regions.discover({ name: 'sim-keep' });
    assert.deepEqual([report.unchanged, report.discovered, report.vanished], [2, 0, 0]);
  } finally {
    await second.close();
  }
});
