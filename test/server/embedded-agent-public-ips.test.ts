import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClient } from '../../src/sdk/client.js';
import { loadConfig } from '../../src/server/config.js';
import { startMaestro } from '../../src/server/runtime.js';
import { waitForState } from '../compute/setup.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/store-helpers.js';

const dataDir = tempDir('maestro-embedded-ips-');
after(() => dataDir.remove());

describe('public IPs and networks of the default region, behind the embedded agent', () => {
  it('allocates, associates, moves and frees an address through the agent, the simulator state in its store', async () => {
    const maestro = await startMaestro({ config: loadConfig({}, { port: 0, dataDir: dataDir.dir, logLevel: 'silent', simLatencyMs: 0 }) });
    try {
      const admin = createClient({ url: maestro.url, accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey });
      const place = { tenant: 'default', region: 'sim-local' };
      const { instances } = await admin.instances.run({ ...place, image: 'ubuntu-24.04', shape: 'SMALL' });
      const id = instances[0]!.id;
      await waitForState(admin, 'default', [id], 'running');

      const networks = (await admin.networks.describe(place)).items;
      assert.deepEqual(networks.map((n) => [n.name, n.external]), [['private', false], ['backend', false], ['public', true]]);
      const ip = await admin.publicIps.allocate(place);
      const associated = await admin.publicIps.associate({ tenant: 'default', ip: ip.address, instance: id });
      assert.match(associated.privateAddress ?? '', /^10\.0\./);
      await admin.networks.moveInstance({ tenant: 'default', instance: id, network: 'backend' });
      // The agent's simulator keeps its state in the agent's store, not Maestro's.
      assert.equal((await maestro.db.query("SELECT to_regclass('sim_public_ips') IS NOT NULL AND EXISTS (SELECT 1 FROM sim_public_ips) AS held")).rows[0]!.held, false);

      await admin.instances.terminate({ tenant: 'default', id });
      await waitForState(admin, 'default', [id], 'terminated');
      // The agent's report of the termination frees the address in the same append.
      await eventually(async () => (await admin.publicIps.describe({ tenant: 'default', ids: [ip.id] })).items[0]?.instanceId === null, () => 'the address to be freed');
      await admin.publicIps.release({ tenant: 'default', ip: ip.id });
      assert.deepEqual((await admin.publicIps.describe({ tenant: 'default' })).items, []);
    } finally {
      await maestro.close();
    }
  });
});
