import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudError } from '../../../src/clouds/driver.js';
import { instanceOf, readComputeVersions, readFlavorPage, readKeyPair, readServer, readServerPage, readCapturedImage } from '../../../src/clouds/openstack/parse/compute.js';
import { imageOf, readImage, readImagePage } from '../../../src/clouds/openstack/parse/image.js';
import { networkOf, publicIpOf, readFloatingIp, readFloatingIpPage, readNetworkPage, readPortPage, readSecurityGroupPage, readSubnetPage, securityGroupOf } from '../../../src/clouds/openstack/parse/network.js';
import { parseToken } from '../../../src/clouds/openstack/parse/identity.js';
import { readVolume, readVolumePage, volumeOf } from '../../../src/clouds/openstack/parse/block-storage.js';
import { recorded } from './fixtures.js';

describe('the OpenStack Parser reads recorded answers of a real cloud', () => {
  it('a token: its lifetime, its project and the catalog flattened by region and interface', () => {
    const token = parseToken(recorded('identity-token').text);
    assert.equal(token.expiresAt.getTime() - token.issuedAt.getTime(), 3_600_000);
    assert.match(token.projectId, /^[0-9a-f]{32}$/);
    const compute = token.catalog.filter((e) => e.type === 'compute');
    assert.deepEqual(compute.map((e) => e.interface).sort(), ['admin', 'internal', 'public']);
    assert.ok(compute.every((e) => e.region === 'RegionOne' && e.url.startsWith('http')));
  });

  it('the compute versions document', () => {
    assert.deepEqual(readComputeVersions(recorded('compute-versions').text), { min: '2.1', max: '2.93' });
    assert.deepEqual(readComputeVersions('{"versions": [{"id": "v2.0", "version": "", "min_version": ""}, {"id": "v2.1", "version": "2.60", "min_version": "2.1"}]}'), {
      min: '2.1',
      max: '2.60',
    });
  });

  it('a building server is pending, with its flavor, image and metadata as tags', () => {
    const vm = instanceOf(readServer(recorded('compute-server-building').text));
    assert.equal(vm.state, 'pending');
    assert.deepEqual([vm.cpu, vm.ramMb, vm.diskGb], [1, 512, 1]);
    assert.deepEqual(vm.tags, { tenant: 'ACME', env: 'test' });
    assert.match(vm.imageNativeId ?? '', /^[0-9a-f-]{36}$/);
    assert.match(vm.launchedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  it('servers through their lifecycle: active, powering off, stopped, resized awaiting confirmation', () => {
    const state = (name: string) => instanceOf(readServer(recorded(name).text)).state;
    assert.equal(state('compute-server-active'), 'running');
    assert.equal(state('compute-server-powering-off'), 'stopping');
    assert.equal(state('compute-server-stopped'), 'stopped');
    const resized = instanceOf(readServer(recorded('compute-server-verify-resize').text));
    assert.equal(resized.state, 'running');
    assert.deepEqual([resized.cpu, resized.ramMb], [1, 2048]);
  });

  it('a page of servers names the next one', () => {
    const page = readServerPage(recorded('compute-servers-page').text);
    assert.equal(page.items.length, 1);
    assert.match(page.next ?? '', /servers\/detail\?limit=1&marker=/);
  });

  it('servers changed since a time include deleted ones, which are terminated', () => {
    const page = readServerPage(recorded('compute-servers-changes-since').text);
    const states = page.items.map((server) => instanceOf(server).state);
    assert.ok(states.includes('terminated'), states.join(', '));
  });

  it('flavors are shapes; a page names the next one', () => {
    const page = readFlavorPage(recorded('compute-flavors-page').text);
    assert.equal(page.items.length, 1);
    assert.ok(page.items[0]!.cpu >= 1 && page.items[0]!.ramMb >= 512);
    assert.match(page.next ?? '', /flavors\/detail\?limit=1&marker=/);
  });

  it('an imported key pair, a captured image id', () => {
    assert.match(readKeyPair(recorded('compute-keypair-imported').text).fingerprint, /^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/);
    assert.match(readCapturedImage(recorded('compute-create-image').text), /^[0-9a-f-]{36}$/);
  });

  it('Glance images: pages name the next as a path; min_disk or the size decide the smallest disk', () => {
    const page = readImagePage(recorded('image-images-page').text);
    assert.equal(page.items.length, 1);
    assert.match(page.next ?? '', /^\/v2\/images\?.*marker=/);
    const captured = readImage(recorded('image-captured').text);
    assert.equal(captured.status, 'queued');
    assert.deepEqual(imageOf({ id: 'i', name: 'big', status: 'active', size: 3 * 1024 ** 3 + 1, min_disk: 0 }).minDiskGb, 4);
    assert.equal(imageOf({ id: 'i', name: 'u', status: 'active', os_distro: 'ubuntu' }).os, 'ubuntu');
  });

  it('Neutron: networks with their subnets, security groups, ports', () => {
    const networks = readNetworkPage(recorded('network-networks-page').text);
    assert.equal(networks.items.length, 1);
    assert.match(networks.next ?? '', /networks\?.*marker=/);
    const subnets = readSubnetPage(recorded('network-subnets').text).items;
    const network = networkOf(networks.items[0]!, subnets);
    assert.equal(network.cidrs.length, subnets.filter((s) => s.network_id === network.nativeId).length);
    const groups = readSecurityGroupPage(recorded('network-security-groups').text).items.map(securityGroupOf);
    assert.ok(groups.some((g) => g.name === 'default'));
    assert.equal(readPortPage(recorded('network-ports').text).items[0]!.fixed_ips.length, 1);
  });

  it('a floating IP names the server behind its port (port_details), and nothing once released from it', () => {
    const ip = publicIpOf(readFloatingIp(recorded('network-floating-ip-associated').text));
    assert.match(ip.address, /^203\.0\.113\.\d+$/);
    assert.match(ip.instanceNativeId ?? '', /^[0-9a-f-]{36}$/);
    assert.match(ip.privateAddress ?? '', /^10\./);
    const free = publicIpOf({ ...readFloatingIp(recorded('network-floating-ip-associated').text), port_id: null, fixed_ip_address: null, port_details: null });
    assert.deepEqual([free.instanceNativeId, free.privateAddress], [null, null]);
    assert.equal(readFloatingIpPage(recorded('network-floating-ips-page').text).items.length, 1);
  });

  it('Cinder volumes: created, available, attached (the server it is attached to), a page naming the next', () => {
    const created = readVolume(recorded('block-storage-volume-created').text);
    assert.equal(created.status, 'creating');
    assert.deepEqual(volumeOf(readVolume(recorded('block-storage-volume-available').text)).attachedTo, null);
    const page = readVolumePage(recorded('block-storage-volumes-page').text);
    assert.equal(page.items.length, 1);
    assert.match(page.next ?? '', /volumes\/detail\?.*marker=/);
    const attached = page.items.map(volumeOf).find((v) => v.attachedTo !== null);
    if (page.items[0]!.status === 'in-use') assert.match(attached?.attachedTo ?? '', /^[0-9a-f-]{36}$/);
  });

  it('an answer in an unexpected form is an api error naming the field, not a crash', () => {
    assert.throws(
      () => readServer('{"server": {"name": "no id"}}'),
      (error) => error instanceof CloudError && error.reason === 'api' && /server\.id/.test(error.message) && !error.retryable,
    );
    assert.throws(() => readServer('<html>502 Bad Gateway</html>'), (error) => error instanceof CloudError && /not JSON/.test(error.message));
  });
});
