import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MaestroClient } from '../../src/sdk/client.js';
import { DirectOpenStack } from '../clouds/openstack-direct.js';
import { againstTheTestCloud, testCloudAgentRegion, testCloudSettings } from '../clouds/openstack/test-cloud.js';
import { waitForState } from '../compute/setup.js';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.js';
import { removeTopology } from '../support/amqp-topology.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The whole path, as an operator runs it: `maestro agent` in a process of its own next to the
// test OpenStack, connected to the real RabbitMQ; a server node that reaches the cloud only
// through it. Outside CI a missing cloud skips this file in one line; in CI it fails it.
const title = 'a tenant runs a server on a real OpenStack through a private agent over RabbitMQ';
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

await againstTheTestCloud(title, () => {
  describe(title, () => {
    const suffix = Date.now().toString(36);
    const region = `OS-${suffix}`.toUpperCase();
    const tenant = `E2E-${suffix}`.toUpperCase();
    const settings = testCloudSettings().password;
    let server: TestServer;
    let admin: MaestroClient;
    let agent: AgentProcess | null = null;
    let direct: DirectOpenStack;
    const made: string[] = [];

    const network = `e2e-${suffix}-net`;

    before(async () => {
      direct = await DirectOpenStack.login();
      const prefix = `e2e${suffix}`;
      // A network of the test's own, named in the run: with another test's network also in the
      // project, Nova's "auto" would refuse to choose.
      const { network: created } = await direct.ok('network', 'POST', '/v2.0/networks', { network: { name: network } });
      await direct.ok('network', 'POST', '/v2.0/subnets', { subnet: { network_id: created.id, ip_version: 4, cidr: '10.96.0.0/24', name: network } });
      server = await startTestServer({ config: { amqpUrl, amqpPrefix: prefix } });
      admin = server.admin;
      agent = await startAgentProcess(admin, {
        name: `dc-${suffix}`,
        amqpUrl,
        prefix,
        // Polls rarely: what the agent sees in time, it sees through Nova's notifications.
        pollSeconds: 600,
        // The password goes to the agent's sealed store only, never to Maestro.
        regions: [testCloudAgentRegion(region)],
      });
    });

    after(async () => {
      await agent?.stop();
      await server?.close();
      await removeTopology(amqpUrl, `e2e${suffix}`, [region]);
      for (const id of made) await direct?.deleteServer(id).catch(() => undefined);
      await direct?.purge(network);
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
      // The network and security group are chosen from what the cloud lists, by name.
      const networks = (await admin.networks.describe({ tenant, region })).items;
      assert.ok(networks.some((n) => n.name === network && !n.external && n.cidrs.includes('10.96.0.0/24')), JSON.stringify(networks));
      const groups = (await admin.securityGroups.describe({ tenant, region })).items.map((group) => group.name);
      assert.ok(groups.includes('default'), groups.join(', '));
      await assert.rejects(admin.instances.run({ tenant, region, image: 'fake-image', shape: 'MICRO', network: 'no-such-net' }), /network 'no-such-net' does not exist/);
      // MICRO fits the test cloud's m1.tiny, SMALL its m1.small (the resize below).
      const { instances } = await admin.instances.run({
        tenant,
        region,
        image: 'fake-image',
        shape: 'MICRO',
        name: `e2e-${suffix}-web`,
        network,
        securityGroups: ['default'],
      });
      const [vm] = instances;
      const [running] = await waitForState(admin, tenant, [vm!.id], 'running');
      made.push(running!.nativeId);
      // Nova shows it on that network, in that group.
      const { server: seen } = await direct.ok('compute', 'GET', `/servers/${running!.nativeId}`);
      assert.deepEqual(Object.keys(seen.addresses), [network]);
      assert.deepEqual(seen.security_groups.map((group: { name: string }) => group.name), ['default']);

      await admin.instances.stop({ tenant, id: vm!.id });
      await waitForState(admin, tenant, [vm!.id], 'stopped');
      await admin.instances.start({ tenant, id: vm!.id });
      await waitForState(admin, tenant, [vm!.id], 'running');

      // A resize is taken by the agent at once; Nova migrates, the agent confirms and reports the new size.
      const resizing = await admin.instances.resize({ tenant, id: vm!.id, shape: 'SMALL' });
      assert.deepEqual([resizing.shape, resizing.resizingTo?.shape], ['MICRO', 'SMALL']);
      const resized = await eventually(async () => {
        const [found] = (await admin.instances.describe({ tenant, ids: [vm!.id] })).items;
        return found?.resizingTo === null && found;
      }, 'the resize to be reported done');
      assert.deepEqual([resized.shape, resized.cpu, resized.ramGb, resized.stateReason], ['SMALL', 1, 2, null]);
      assert.equal((await direct.ok('compute', 'GET', `/servers/${running!.nativeId}`)).server.flavor.original_name, 'm1.small');
      await waitForState(admin, tenant, [vm!.id], 'running');

      // A capture is answered at once, pending; the agent's report of Nova's end completes it.
      const imageName = `${network}-img`;
      const pending = await admin.images.create({ tenant, instance: vm!.id, name: imageName });
      assert.deepEqual([pending.state, pending.nativeId], ['pending', null]);
      const captured = await eventually(async () => {
        const [image] = (await admin.images.describe({ tenant, region, name: imageName })).items;
        return image?.state !== 'pending' && image;
      }, 'the capture to be reported done');
      assert.equal(captured.state, 'available', `${captured.state}: ${captured.stateReason}`);
      const inGlance = await direct.ok('image', 'GET', `/v2/images/${captured.nativeId}`);
      assert.equal(inGlance.name, imageName);
      await admin.images.delete({ tenant, id: captured.id });
      assert.equal((await direct.call('image', 'GET', `/v2/images/${captured.nativeId}`)).status, 404, 'deleted in Glance');

      // A volume likewise (where the test cloud has Cinder): creating at once, available once Cinder says so, then attached.
      const volumes = direct.has('block-storage') ? 'block-storage' : direct.has('volumev3') ? 'volumev3' : null;
      if (volumes) {
        const volumeName = `${network}-vol`;
        const creating = await admin.volumes.create({ tenant, region, name: volumeName, sizeGb: 1 });
        assert.deepEqual([creating.state, creating.nativeId], ['creating', null]);
        const volume = await eventually(async () => {
          const [found] = (await admin.volumes.describe({ tenant, ids: [creating.id] })).items;
          return found?.state !== 'creating' && found;
        }, 'the volume creation to be reported done');
        assert.equal(volume.state, 'available', `${volume.state}: ${volume.stateReason}`);
        assert.equal((await direct.ok(volumes, 'GET', `/volumes/${volume.nativeId}`)).volume.name, volumeName);
        // Attach and detach are taken by the agent at once and ended by its reports, with Cinder's attachment as the proof.
        assert.equal((await admin.volumes.attach({ tenant, id: volume.id, instance: vm!.id })).state, 'attaching');
        const attached = await eventually(async () => {
          const [found] = (await admin.volumes.describe({ tenant, ids: [volume.id] })).items;
          return found?.state !== 'attaching' && found;
        }, 'the attach to be reported done');
        assert.equal(attached.state, 'in-use', `${attached.state}: ${attached.stateReason}`);
        const inCinder = (await direct.ok(volumes, 'GET', `/volumes/${volume.nativeId}`)).volume;
        assert.deepEqual([inCinder.status, inCinder.attachments[0]?.server_id], ['in-use', running!.nativeId]);
        assert.equal((await admin.volumes.detach({ tenant, id: volume.id })).state, 'detaching');
        const detached = await eventually(async () => {
          const [found] = (await admin.volumes.describe({ tenant, ids: [volume.id] })).items;
          return found?.state !== 'detaching' && found;
        }, 'the detach to be reported done');
        assert.equal(detached.state, 'available', `${detached.state}: ${detached.stateReason}`);
        await admin.volumes.delete({ tenant, id: volume.id });

        // A volume made for the instance: created and attached by the agent as one change.
        const forVm = await admin.volumes.create({ tenant, region, name: `${volumeName}-2`, sizeGb: 1, instance: vm!.id });
        assert.deepEqual([forVm.state, forVm.instanceId], ['creating', vm!.id]);
        const inUse = await eventually(async () => {
          const [found] = (await admin.volumes.describe({ tenant, ids: [forVm.id] })).items;
          return found?.state !== 'creating' && found;
        }, 'the creation and attach to be reported done');
        assert.equal(inUse.state, 'in-use', `${inUse.state}: ${inUse.stateReason}`);
        const attachedInCinder = (await direct.ok(volumes, 'GET', `/volumes/${inUse.nativeId}`)).volume;
        assert.deepEqual([attachedInCinder.status, attachedInCinder.attachments[0]?.server_id], ['in-use', running!.nativeId]);
        await admin.volumes.detach({ tenant, id: forVm.id });
        await eventually(async () => (await admin.volumes.describe({ tenant, ids: [forVm.id] })).items[0]?.state === 'available', 'the detach of the second volume');
        await admin.volumes.delete({ tenant, id: forVm.id });
      }

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
});
