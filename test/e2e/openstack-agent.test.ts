import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { MaestroClient } from '../../src/sdk/client.js';
import { DirectOpenStack } from '../clouds/openstack-direct.js';
import { testCloudNotifications, testCloudProblem, testCloudSettings } from '../clouds/openstack/test-cloud.js';
import { waitForState } from '../compute/setup.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The whole path, as an operator runs it: `maestro agent` in a process of its own next to the
// test OpenStack, connected to the real RabbitMQ; a server node that reaches the cloud only
// through it. Outside CI a missing cloud skips this file in one line; in CI it fails it.
const title = 'a tenant runs a server on a real OpenStack through a private agent over RabbitMQ';
const problem = await testCloudProblem();
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'src/cli/main.ts');

if (problem && process.env.CI === 'true') {
  describe(title, () => it('needs the test OpenStack in CI', () => assert.fail(`the test OpenStack is required in CI (scripts/backends/openstack.sh): ${problem}`)));
} else if (problem) {
  describe(title, { skip: `skipped without the test OpenStack: ${problem}` }, () => undefined);
} else {
  describe(title, () => {
    const suffix = Date.now().toString(36);
    const prefix = `e2e${suffix}`;
    const region = `OS-${suffix}`.toUpperCase();
    const tenant = `E2E-${suffix}`.toUpperCase();
    const settings = testCloudSettings().password;
    const notifications = testCloudNotifications();
    const work = mkdtempSync(path.join(os.tmpdir(), 'maestro-e2e-'));
    const configFile = path.join(work, 'agent.json');
    const agentEnv = { MAESTRO_AGENT_CONFIG: configFile, MAESTRO_AGENT_MASTER_KEY: randomBytes(32).toString('base64'), MAESTRO_AGENT_LOG_LEVEL: 'warn' };
    let server: TestServer;
    let admin: MaestroClient;
    let agent: ChildProcess | null = null;
    let direct: DirectOpenStack;
    const made: string[] = [];

    /** `maestro agent …` as an operator types it, with `input` on standard input; resolves with its exit. */
    const agentCommand = (args: string[], input?: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, 'agent', ...args], {
        cwd: root,
        env: { ...process.env, ...agentEnv },
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      if (input !== undefined) child.stdin!.end(input);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return { child, exited: once(child, 'exit').then(([code]) => ({ code: code as number | null, output })) };
    };

    before(async () => {
      direct = await DirectOpenStack.login();
      server = await startTestServer({ config: { amqpUrl, amqpPrefix: prefix } });
      admin = server.admin;
      const created = await admin.agents.create({ name: `dc-${suffix}` });
      const { user, project, authUrl } = settings as unknown as { user: { name: string; domain: unknown; password: string }; project: unknown; authUrl: string };
      writeFileSync(
        configFile,
        JSON.stringify({
          name: created.name,
          keys: [{ keyId: created.key.accessKey, secret: created.key.secretKey }],
          amqpUrl,
          prefix,
          dataDir: path.join(work, 'agent-data'),
          // Polls rarely: what the agent sees in time, it sees through Nova's notifications.
          pollSeconds: 600,
          regions: [{ name: region, nativeName: settings.region, cloud: 'OPEN_STACK', config: { authUrl, project, user: { name: user.name, domain: user.domain } } }],
        }),
      );
      // The password goes to the agent's sealed store only, never to Maestro.
      const secrets = { user: { password: user.password }, ...(notifications ? { notifications: { amqpUrl: notifications.amqpUrl } } : {}) };
      const stored = await agentCommand(['credentials', 'set', '--region', region, '--file', '-'], JSON.stringify(secrets)).exited;
      assert.equal(stored.code, 0, stored.output);
      agent = agentCommand([]).child;
      await eventually(async () => (await admin.agents.describe({ name: created.name })).items[0]?.state === 'online', 'the agent to come online');
    });

    after(async () => {
      if (agent && agent.exitCode === null) {
        const exited = once(agent, 'exit');
        agent.kill('SIGTERM');
        await exited;
      }
      await server?.close();
      await direct?.purge(`e2e-${suffix}`).catch(() => undefined);
      for (const id of made) await direct?.deleteServer(id).catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    });

    it('registers the region through the agent, with the cloud\'s public images', async () => {
      const created = await admin.regions.create({ name: region, cloud: 'OPEN_STACK', kind: 'private', nativeName: settings.region, agent: `dc-${suffix}` });
      assert.equal(created.agent, `DC-${suffix}`.toUpperCase());
      await admin.customers.create({ name: `e2e-${suffix}` });
      await admin.tenants.create({ customer: `e2e-${suffix}`, name: tenant });
      await admin.tenants.activateRegion({ tenant, region });
      const images = (await admin.images.describe({ tenant, region })).items.map((image) => image.name);
      assert.ok(images.includes('fake-image'), images.join(', '));
    });

    it('runs, stops, starts and terminates a server through the API, sees it stopped when stopped in OpenStack directly, audits and bills it', async () => {
      await admin.pricePolicies.create({ region, effectiveFrom: '2020-01-01', prices: { instance: { perCpuMonth: 100, perRamGbMonth: 50 } } });
      const { instances } = await admin.instances.run({ tenant, region, image: 'fake-image', shape: 'SMALL', name: `e2e-${suffix}-web` });
      const [vm] = instances;
      const [running] = await waitForState(admin, tenant, [vm!.id], 'running');
      made.push(running!.nativeId);

      await admin.instances.stop({ tenant, id: vm!.id });
      await waitForState(admin, tenant, [vm!.id], 'stopped');
      await admin.instances.start({ tenant, id: vm!.id });
      await waitForState(admin, tenant, [vm!.id], 'running');

      // Someone stops it in OpenStack, behind Maestro's back: the agent sees it and says so.
      await direct.ok('compute', 'POST', `/servers/${running!.nativeId}/action`, { 'os-stop': null });
      await waitForState(admin, tenant, [vm!.id], 'stopped');

      await admin.instances.terminate({ tenant, id: vm!.id });
      await waitForState(admin, tenant, [vm!.id], 'terminated');

      const { items } = await admin.events.describe({ tenant, limit: 100 });
      const types = items.filter((event) => event.target.id === vm!.id).map((event) => event.type);
      for (const type of ['instance.launched', 'instance.stopRequested', 'instance.startRequested', 'instance.terminateRequested', 'instance.stateChanged']) {
        assert.ok(types.includes(type), `${type} in the audit log: ${types.join(', ')}`);
      }
      // The hour it ran in, billed as soon as it is over.
      const now = server.maestro.services.clock.now();
      await server.maestro.services.billing.catchUp(new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000 + 1000));
      const { rows } = await server.maestro.db.query<{ cost: string }>('SELECT sum(cost)::text AS cost FROM billing_records WHERE resource_id = $1', [vm!.id]);
      assert.ok(Number(rows[0]!.cost) > 0, `billed ${rows[0]!.cost}`);
    });
  });
}
