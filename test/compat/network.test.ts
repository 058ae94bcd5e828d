import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import { waitForState } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { failsWith } from './support/failures.js';
import type { M3Client } from './support/m3-client.js';
import { compatWorldWithInstances, type CompatWorld } from './support/setup.js';

type Row = Record<string, unknown>;

// As the published client sends them: tenant and region upper-cased.
const place = { tenantName: 'ACME-DEV', region: 'SIM-A' };
const messageKey = (answer: unknown) => (answer as { messages: Array<{ key: string }> }).messages[0]!.key;

for (const flavour of flavours) {
  describe(`static IPs and VLANs through the Maestro protocol (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let reader: M3Client;
    let web: Instance;
    let spare: Instance;
    before(async () => {
      database = await flavour.open();
      ({ world, reader, web, spare } = await compatWorldWithInstances(database.db));
      await waitForState(world.alice, 'ACME-DEV', [web.id, spare.id], 'running');
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    const ips = () => world.m3Alice.call<Row[]>('DESCRIBE_IPS', place);

    it('allocates a static IP, associates it with one instance, disassociates and releases it, as the client prints them', async () => {
      const [external] = (await world.m3Alice.call<Row[]>('DESCRIBE_VLAN', place)).filter((vlan) => vlan.type === 'EXTERNAL');
      const allocated = await world.m3Alice.call<Row>('ALLOCATE_IP', { ...place, network: external!.networkId });
      for (const field of ['tenantName', 'regionName', 'ipAddress']) assert.ok(Object.hasOwn(allocated, field), field);
      assert.deepEqual([allocated.tenantName, allocated.regionName, allocated.instanceId], ['ACME-DEV', 'SIM-A', null]);
      const address = String(allocated.ipAddress);
      assert.match(address, /^198\.18\.\d+\.\d+$/);

      const associated = await world.m3Alice.call<Row>('ASSOCIATE_IP', { ...place, ip: address, instanceId: web.id });
      assert.deepEqual([associated.ipAddress, associated.instanceId], [address, web.id]);
      const [row, ...others] = await ips();
      assert.deepEqual(others, []);
      for (const field of ['ipAddress', 'tenantName', 'regionName', 'instanceId']) assert.ok(Object.hasOwn(row!, field), field);
      assert.equal(row!.instanceId, web.id);
      // describe-instances shows the address the instance is reached at, and the private one it forwards to.
      const { instances } = await world.m3Alice.call<{ instances: Row[] }>('DESCRIBE_INSTANCE', { tenantName: place.tenantName, region: place.region, instanceIds: [web.id, spare.id] });
      const byId = new Map(instances.map((instance) => [instance.instanceId, instance]));
      assert.equal(byId.get(web.id)!.publicIpAddress, address);
      assert.match(String(byId.get(web.id)!.privateIpAddress), /^10\.\d+\.\d+\.\d+$/);
      assert.deepEqual([byId.get(spare.id)!.publicIpAddress, byId.get(spare.id)!.privateIpAddress], [null, null]);

      await failsWith(world.m3Alice.call('ASSOCIATE_IP', { ...place, ip: address, instanceId: spare.id }), 409, /associated with instance .*disassociate it first/);
      await failsWith(world.m3Alice.call('RELEASE_IP', { ...place, ip: address }), 409, /disassociate it first, then release it/);
      const idle = await world.m3Alice.call<Row>('DISASSOCIATE_IP', { ...place, ip: address });
      assert.deepEqual([idle.ipAddress, idle.instanceId], [address, null]);
      // The client prints Success for any non-empty answer.
      assert.ok(await world.m3Alice.call('RELEASE_IP', { ...place, ip: address }));
      assert.deepEqual(await ips(), []);
      await failsWith(world.m3Alice.call('RELEASE_IP', { ...place, ip: address }), 404, /public IP/);
    });

    it('refuses what the caller may not do and what names nothing', async () => {
      await failsWith(reader.call('ALLOCATE_IP', { ...place, network: 'public' }), 403, /ALLOCATE_PUBLIC_IP/);
      await failsWith(world.m3Alice.call('ALLOCATE_IP', { ...place, network: 'private' }), 400, /private; public IPs are allocated from an external network/);
      await failsWith(world.m3Alice.call('ALLOCATE_IP', place), 400, /network/);
      assert.deepEqual(await reader.call('DESCRIBE_IPS', place), []);
    });

    it('lists the VLANs, activates one for the tenant, moves an instance onto it and deactivates it', async () => {
      const vlans = await world.m3Alice.call<Row[]>('DESCRIBE_VLAN', place);
      for (const field of ['name', 'networkId', 'type', 'existsOnCloud']) assert.ok(vlans.every((vlan) => Object.hasOwn(vlan, field)), field);
      assert.deepEqual(
        vlans.map((vlan) => [vlan.name, vlan.type, vlan.existsOnCloud, vlan.activated]),
        [['private', 'PRIVATE', true, false], ['backend', 'PRIVATE', true, false], ['public', 'EXTERNAL', true, false]],
      );
      // Activation is a tenant administrator's; alice, a user, may not.
      await failsWith(world.m3Alice.call('ACTIVATE_VLAN', { ...place, vlanName: 'backend', description: 'databases' }), 403, /ACTIVATE_NETWORK/);
      // As the client's request plugin sends it: the tenant again, as a list.
      const activated = await world.m3Admin.call('ACTIVATE_VLAN', { ...place, vlanName: 'backend', description: 'databases', tenantNames: ['ACME-DEV'] });
      assert.match(messageKey(activated), /VLAN backend is activated in region SIM-A for ACME-DEV/);
      const backend = (await world.m3Alice.call<Row[]>('DESCRIBE_VLAN', place)).find((vlan) => vlan.name === 'backend')!;
      assert.deepEqual([backend.activated, backend.description], [true, 'databases']);
      await failsWith(world.m3Admin.call('ACTIVATE_VLAN', { ...place, vlanName: 'public', description: 'x' }), 400, /external/);

      const moved = await world.m3Alice.call('MOVE_VM_TO_VLAN', { ...place, vlanName: 'backend', instanceId: web.id });
      assert.match(messageKey(moved), new RegExp(`instance .* \\(${web.id}\\) is moved to VLAN backend`));
      // Once the tenant has activated VLANs, only those may be chosen.
      await failsWith(world.m3Alice.call('MOVE_VM_TO_VLAN', { ...place, vlanName: 'private', instanceId: web.id }), 400, /not activated for the tenant in SIM-A; choose one of backend/);
      await failsWith(world.m3Alice.call('MOVE_VM_TO_VLAN', { ...place, vlanName: 'backend', instanceId: '00000000-0000-4000-8000-000000000000' }), 404, /instance/);
      const audit = await world.admin.events.describe({ tenant: 'ACME-DEV', limit: 50 });
      assert.ok(audit.items.some((e) => e.type === 'instance.networkChanged' && e.target.id === web.id && e.data.network === 'backend'));

      assert.match(messageKey(await world.m3Admin.call('DEACTIVATE_VLAN', { ...place, vlanName: 'backend' })), /VLAN backend is deactivated/);
      await failsWith(world.m3Admin.call('DEACTIVATE_VLAN', { ...place, vlanName: 'backend' }), 404, /has not activated it/);
      // Nothing activated any more: every private network may be chosen again.
      await world.m3Alice.call('MOVE_VM_TO_VLAN', { ...place, vlanName: 'private', instanceId: web.id });
    });
  });
}
