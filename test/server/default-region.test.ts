import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { Initiator } from '../../src/protocol/events.js';
import { createClient } from '../../src/sdk/client.js';
import { ConfigError, loadConfig, type ConfigInput } from '../../src/server/config.js';
import { defaultRegionMessage } from '../../src/server/default-region.js';
import { startMaestro, type Maestro } from '../../src/server/runtime.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { waitForState } from '../compute/setup.js';
import { flavours } from '../support/databases.js';
import { startNode, tempDir, type TestNode } from '../support/store-helpers.js';

const dataDir = tempDir('maestro-default-region-');
after(() => dataDir.remove());

/** A node on the data directory of this file, as `npm start` runs it (the default region is on by default). */
const start = (config: ConfigInput = {}): Promise<Maestro> =>
  startMaestro({ config: loadConfig({}, { port: 0, dataDir: dataDir.dir, logLevel: 'silent', simLatencyMs: 0, ...config }) });

const regionEvents = async (db: Database) =>
  (
    await db.query<{ type: string; initiator: Initiator }>(
      `SELECT type, initiator FROM event_log
        WHERE type IN ('region.created', 'customer.created', 'tenant.created', 'tenant.regionActivated') ORDER BY seq`,
    )
  ).rows;

describe('the default simulated region of a first start', () => {
  let credentials: { accessKey: string; secretKey: string };
  let firstInstance: string;

  it('is created with the administrator, by audited commands, and an instance runs in it at once', async () => {
    const maestro = await start();
    try {
      assert.deepEqual(maestro.defaultRegion, { region: 'SIM-LOCAL', customer: 'DEFAULT', tenant: 'DEFAULT', agent: 'EMBEDDED' });
      credentials = { accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey };
      const events = await regionEvents(maestro.db);
      assert.deepEqual(events.map((e) => e.type), ['region.created', 'customer.created', 'tenant.created', 'tenant.regionActivated']);
      assert.ok(events.every((e) => e.initiator.id === 'system:bootstrap'));

      const admin = createClient({ url: maestro.url, ...credentials });
      const [region] = (await admin.regions.describe({})).items;
      assert.deepEqual([region!.name, region!.cloud, region!.kind], ['SIM-LOCAL', 'SIMULATED', 'private']);
      assert.ok((await admin.images.describe({ tenant: 'default', region: 'sim-local' })).items.some((image) => image.name === 'ubuntu-24.04'));
      const { instances } = await admin.instances.run({ tenant: 'default', region: 'sim-local', image: 'ubuntu-24.04', shape: 'SMALL' });
      firstInstance = instances[0]!.id;
      await waitForState(admin, 'default', [firstInstance], 'running');
    } finally {
      await maestro.close();
    }
  });

  it('is reached through the in-process agent: the same envelope, executor and events as a private cloud behind its agent', async () => {
    const maestro = await start();
    try {
      const admin = createClient({ url: maestro.url, ...credentials });
      const [region] = (await admin.regions.describe({})).items;
      assert.equal(region!.agent, 'EMBEDDED');
      const [agent] = (await admin.agents.describe({ name: 'embedded' })).items;
      assert.deepEqual([agent!.state, agent!.reportedRegions], ['online', ['SIM-LOCAL']]);
      // The running state of the first start's instance was reported by the agent, and its state lives in the agent's store.
      const { rows } = await maestro.db.query<{ observer: string }>(
        `SELECT observer->>'id' AS observer FROM event_log WHERE target_id = $1 AND type = 'instance.stateChanged' ORDER BY seq DESC LIMIT 1`,
        [firstInstance],
      );
      assert.equal(rows[0]?.observer, 'EMBEDDED');
      assert.equal((await maestro.db.query("SELECT to_regclass('sim_vms') IS NOT NULL AND EXISTS (SELECT 1 FROM sim_vms) AS held")).rows[0]!.held, false);
      // The simulator's own commands reach the simulator behind the agent.
      const settings = await admin.simulator.configure({ region: 'sim-local', cpu: 1 });
      assert.equal(settings.cpu, 1);
      await assert.rejects(
        admin.instances.run({ tenant: 'default', region: 'sim-local', image: 'ubuntu-24.04', shape: 'SMALL' }),
        /lacks capacity: 1 vCPU needed, 0 free/,
      );
      await admin.simulator.configure({ region: 'sim-local', cpu: 64 });
      await admin.instances.stop({ tenant: 'default', id: firstInstance });
      await waitForState(admin, 'default', [firstInstance], 'stopped');
    } finally {
      await maestro.close();
    }
  });

  it('is never made again on a later start', async () => {
    const maestro = await start();
    try {
      assert.equal(maestro.bootstrap, null);
      assert.equal(maestro.defaultRegion, null);
      assert.equal((await regionEvents(maestro.db)).length, 4);
    } finally {
      await maestro.close();
    }
  });

  it('says what to do when the embedded agent of an installation is turned off', async () => {
    const maestro = await start({ embeddedAgent: false });
    try {
      const admin = createClient({ url: maestro.url, ...credentials });
      await assert.rejects(
        admin.instances.run({ tenant: 'default', region: 'sim-local', image: 'ubuntu-24.04', shape: 'SMALL' }),
        /SIM-LOCAL is served by a private agent, .* leave MAESTRO_EMBEDDED_AGENT on/,
      );
    } finally {
      await maestro.close();
    }
  });

  it('can be left to Maestro itself (MAESTRO_EMBEDDED_AGENT=false): the region then has no agent', async () => {
    const other = tempDir('maestro-default-region-direct-');
    try {
      const maestro = await startMaestro({ config: loadConfig({ MAESTRO_EMBEDDED_AGENT: 'false' }, { port: 0, dataDir: other.dir, logLevel: 'silent', simLatencyMs: 0 }) });
      try {
        assert.deepEqual(maestro.defaultRegion, { region: 'SIM-LOCAL', customer: 'DEFAULT', tenant: 'DEFAULT' });
        const admin = createClient({ url: maestro.url, accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey });
        assert.equal((await admin.regions.describe({})).items[0]!.agent, null);
      } finally {
        await maestro.close();
      }
    } finally {
      other.remove();
    }
  });

  it('is not made when an installation that started without it starts again with it', async () => {
    const other = tempDir('maestro-default-region-off-');
    const startOther = (defaultSimulatedRegion: boolean) =>
      startMaestro({ config: loadConfig({}, { port: 0, dataDir: other.dir, logLevel: 'silent', defaultSimulatedRegion }) });
    try {
      const first = await startOther(false);
      assert.ok(first.bootstrap, 'the administrator is still created');
      assert.equal(first.defaultRegion, null);
      assert.deepEqual(await regionEvents(first.db), []);
      await first.close();
      // The region is missing now, as if an administrator had removed it: it stays missing.
      const second = await startOther(true);
      assert.equal(second.defaultRegion, null);
      assert.deepEqual(await regionEvents(second.db), []);
      await second.close();
    } finally {
      other.remove();
    }
  });

  it('is turned off by MAESTRO_DEFAULT_SIM_REGION or defaultSimulatedRegion, validated', () => {
    assert.equal(loadConfig({}).defaultSimulatedRegion, true);
    assert.equal(loadConfig({ MAESTRO_DEFAULT_SIM_REGION: 'false' }).defaultSimulatedRegion, false);
    assert.throws(
      () => loadConfig({ MAESTRO_DEFAULT_SIM_REGION: 'no' }),
      (error: ConfigError) => /MAESTRO_DEFAULT_SIM_REGION: must be true or false \(got "no"\)/.test(error.message),
    );
  });

  it('is announced in the start-up banner with the command the README gives', () => {
    const banner = defaultRegionMessage({ region: 'SIM-LOCAL', customer: 'DEFAULT', tenant: 'DEFAULT' }).join('\n');
    assert.match(banner, /simulated region SIM-LOCAL/);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const commands = banner.split('\n').filter((line) => line.trim().startsWith('npx maestro'));
    assert.equal(commands.length, 2);
    for (const command of commands) assert.ok(readme.includes(command.trim()), `README lacks: ${command.trim()}`);
  });
});

const postgres = flavours.find((flavour) => flavour.name === 'postgres')!;

describe('two nodes starting together on an empty PostgreSQL database', { skip: await postgres.skip() }, () => {
  it('create the default region once, by the node that created the administrator', async () => {
    const t = await postgres.open();
    const secondDb = await openPostgres({ url: t.url!, poolSize: 5 });
    const nodes: TestNode[] = [];
    try {
      const config = { defaultSimulatedRegion: true };
      nodes.push(
        ...(await Promise.all([
          startNode(t.db, { nodeName: 'node-a', config }),
          startNode(secondDb, { nodeName: 'node-b', config }),
        ])),
      );
      const created = nodes.filter((node) => node.maestro.defaultRegion !== null);
      assert.equal(created.length, 1);
      assert.ok(created[0]!.maestro.bootstrap, 'the node that made the region is the one that made the administrator');
      assert.equal((await regionEvents(t.db)).length, 4);
    } finally {
      for (const node of nodes) await node.close();
      await secondDb.close();
      await t.close();
    }
  });
});
