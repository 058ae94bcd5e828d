import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CloudError, type DriverCall, type RunRequest } from '../../src/clouds/driver.js';
import { OpenStackDriver } from '../../src/clouds/openstack/driver.js';
import { waitForState } from '../../src/clouds/waiter.js';
import { systemClock } from '../../src/domain/clock.js';
import type { Queryable } from '../../src/store/database.js';
import { DirectOpenStack, testCloud } from './openstack-direct.js';
import { againstTheTestCloud, testCloudAdmin, testCloudSettings } from './openstack/test-cloud.js';

// Tenants mapped to projects of their own, on the test cloud: a project made for the test, the
// test user made a member of it, the driver logged in to it per tenant. What each tenant does
// lands in its project; listings cover them all and say whose each server is.
const title = 'an OpenStack region whose tenants work in projects of their own';

await againstTheTestCloud(title, async () => {
  const prefix = `tenant-projects-${Date.now().toString(36)}`;
  const admin = await DirectOpenStack.login(testCloudAdmin());
  const user = (await admin.ok('identity', 'GET', `/users?name=${testCloud.user}`)).users[0];
  const project = (await admin.ok('identity', 'POST', '/projects', { project: { name: prefix, domain_id: 'default', description: 'a Maestro test tenant' } })).project;
  const drivers: OpenStackDriver[] = [];
  let tenantSide: DirectOpenStack | null = null;
  let credential: { id: string; secret: string } | null = null;
  after(async () => {
    await Promise.allSettled(drivers.map((driver) => driver.close()));
    const left = tenantSide ? await tenantSide.purge(prefix) : [];
    if (tenantSide && credential) await tenantSide.ok('identity', 'DELETE', `/users/${user.id}/application_credentials/${credential.id}`);
    await admin.ok('identity', 'DELETE', `/projects/${project.id}`);
    assert.deepEqual(left, [], 'everything the tests created is removed again');
  });
  const member = (await admin.ok('identity', 'GET', '/roles?name=member')).roles[0];
  await admin.ok('identity', 'PUT', `/projects/${project.id}/users/${user.id}/roles/${member.id}`);

  // The tenant's project, as its own users see it: a network to run on, and an application credential.
  tenantSide = await DirectOpenStack.login({ ...testCloud, project: prefix });
  const network = (await tenantSide.ok('network', 'POST', '/v2.0/networks', { network: { name: prefix } })).network;
  await tenantSide.ok('network', 'POST', '/v2.0/subnets', { subnet: { network_id: network.id, ip_version: 4, cidr: '10.97.0.0/24', name: prefix } });
  credential = (
    await tenantSide.ok('identity', 'POST', `/users/${user.id}/application_credentials`, { application_credential: { name: prefix, description: 'Maestro test' } })
  ).application_credential;

  const settings = testCloudSettings().password;
  const connect = async (tenants: Record<string, unknown>) => {
    const driver = await OpenStackDriver.connect({ ...settings, tenants, timeouts: { requestMs: 30_000, operationMs: 180_000, pollMs: 500 } }, { clock: systemClock });
    drivers.push(driver);
    return driver;
  };
  const driver = await connect({
    'acme-b': { project: { name: prefix, domain: { name: 'Default' } } },
    'ACME-C': { applicationCredential: { id: credential!.id, secret: credential!.secret } },
  });
  const region = { name: 'OPENSTACK-TEST', nativeName: settings.region };
  const db: Queryable = { query: () => Promise.reject(new Error('a remote driver must not use the database')) };
  const call = (tenant: string | null): DriverCall => ({ db, now: new Date(), signal: AbortSignal.timeout(300_000), tenant });
  const shapes = await driver.listShapes(region, call(null));
  const tiny = shapes.reduce((a, b) => (b.ramMb < a.ramMb ? b : a));
  const image = (await driver.prepareRegion(region, call(null)))[0]!;
  const runRequest = (name: string): RunRequest => ({
    names: [name],
    cpu: tiny.cpu,
    ramMb: tiny.ramMb,
    diskGb: tiny.diskGb,
    shapeNativeId: tiny.nativeId,
    imageNativeId: image.nativeId,
    publicKey: null,
    userData: null,
    tags: {},
    networkNativeId: network.id,
  });
  const statusOf = async (side: DirectOpenStack, id: string) => {
    const answer = await side.call('compute', 'GET', `/servers/${id}`);
    // Nova shows a deleted server as DELETED for a moment before it answers 404.
    return answer.status === 404 || answer.json.server.status === 'DELETED' ? 'GONE' : (answer.json.server.status as string);
  };
  const until = (what: string, status: string, read: () => Promise<string>) =>
    waitForState({
      what,
      pending: ['BUILD', 'ACTIVE', 'SHUTOFF', 'GONE'].filter((s) => s !== status),
      target: [status],
      refresh: async () => ({ state: await read(), value: undefined }),
      timeoutMs: 180_000,
      minPollMs: 200,
      maxPollMs: 1_000,
      clock: systemClock,
    });

  describe(title, () => {
    let serverId = '';

    it("runs a tenant's server in the tenant's project, not in the region's", async () => {
      const [vm] = await driver.runInstances(region, runRequest(`${prefix}-b1`), call('ACME-B'));
      serverId = vm!.nativeId;
      const seen = (await tenantSide!.ok('compute', 'GET', `/servers/${serverId}`)).server;
      assert.equal(seen.tenant_id, project.id);
      const regionSide = await DirectOpenStack.login();
      // Nova answers 403 to a server of another project (its policy runs after the read), 404 where policy hides it.
      const status = (await regionSide.call('compute', 'GET', `/servers/${serverId}`)).status;
      assert.ok([403, 404].includes(status), `the region's project cannot reach it: HTTP ${status}`);
    });

    it('lists every project, each server once, with the tenant whose project holds it', async () => {
      await until(`server ${serverId} to be active`, 'ACTIVE', () => statusOf(tenantSide!, serverId));
      const listed = await driver.listInstances(region, call(null));
      const ours = listed.filter((vm) => vm.nativeId === serverId);
      assert.equal(ours.length, 1);
      assert.equal(ours[0]!.tenant, 'ACME-B');
      assert.ok(listed.filter((vm) => vm.nativeId !== serverId).every((vm) => vm.tenant !== 'ACME-B'), 'only the servers of its project are said to be the tenant’s');
      const polled = await driver.pollStates(region, call(null));
      assert.ok(polled.some((report) => report.nativeId === serverId && report.state === 'running'));
    });

    it("acts on a server in its tenant's project; the region's project does not know it", async () => {
      await assert.rejects(driver.instanceAction(region, serverId, 'stop', call(null)), (error: unknown) => error instanceof CloudError && error.reason === 'not_found');
      assert.equal(await driver.instanceAction(region, serverId, 'stop', call('acme-b')), 'stopping');
      await until(`server ${serverId} to stop`, 'SHUTOFF', () => statusOf(tenantSide!, serverId));
    });

    it("logs a tenant in with its own application credential, scoped to that credential's project", async () => {
      const networks = await driver.listNetworks(region, call('ACME-C'));
      assert.ok(networks.some((n) => n.nativeId === network.id), 'the networks of the tenant’s project');
      const regionNetworks = await driver.listNetworks(region, call('SOMEONE-ELSE'));
      assert.ok(!regionNetworks.some((n) => n.nativeId === network.id), 'an unmapped tenant works in the region’s project');
    });

    it('fails a whole listing when one project cannot be listed, never a part of it', async () => {
      const broken = await connect({
        'ACME-B': { project: { name: prefix, domain: { name: 'Default' } } },
        'ACME-X': { project: { name: `${prefix}-nobody-made-this`, domain: { name: 'Default' } } },
      });
      await assert.rejects(broken.listInstances(region, call(null)), (error: unknown) => error instanceof CloudError && error.reason === 'unauthorized');
    });

    it("terminates the tenant's server in its project", async () => {
      assert.equal(await driver.instanceAction(region, serverId, 'terminate', call('ACME-B')), 'shutting-down');
      await until(`server ${serverId} to be deleted`, 'GONE', () => statusOf(tenantSide!, serverId));
    });
  });
});
