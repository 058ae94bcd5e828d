import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CloudError, PartialRunError, type DriverCall, type RunRequest } from '../../src/clouds/driver.js';
import { OpenStackDriver, validateOpenStackConfig } from '../../src/clouds/openstack/driver.js';
import { keyPairName } from '../../src/clouds/openstack/keys.js';
import { systemClock } from '../../src/domain/clock.js';
import type { Queryable } from '../../src/store/database.js';
import { conformanceSuite } from './conformance.js';
import { openSshPublicKey } from './keys.js';
import { DirectOpenStack } from './openstack-direct.js';
import { FaultyProxy } from './openstack/proxy.js';
import { againstTheTestCloud, testCloudSettings } from './openstack/test-cloud.js';
import { privateCertificates } from './openstack/tls.js';

// The OpenStack driver against the test cloud (scripts/backends/openstack.sh). Outside CI a
// missing cloud skips this file in one line; in CI it fails it.
await againstTheTestCloud('the OpenStack driver against the test cloud', registerConformance);

async function registerConformance(): Promise<void> {
  const settings = testCloudSettings();
  // Everything made here carries the prefix, so the cleanup finds it whatever failed.
  const prefix = `conformance-${Date.now().toString(36)}`;
  const direct = await DirectOpenStack.login();
  const proxy = await FaultyProxy.start();
  const floatingIps: string[] = [];
  const keyPairs = new Set<string>();
  const drivers: OpenStackDriver[] = [];
  after(async () => {
    await Promise.allSettled(drivers.map((driver) => driver.close()));
    const left = await direct.purge(prefix, floatingIps);
    for (const name of keyPairs) await direct.call('compute', 'DELETE', `/os-keypairs/${name}`);
    await proxy.close();
    assert.deepEqual(left, [], 'everything the tests created is removed again');
  });

  // What runs need: a network of the test's own, routed to the external one (for public IPs).
  const network = (await direct.ok('network', 'POST', '/v2.0/networks', { network: { name: prefix } })).network;
  const subnet = (await direct.ok('network', 'POST', '/v2.0/subnets', { subnet: { network_id: network.id, ip_version: 4, cidr: '10.98.0.0/24', name: prefix } })).subnet;
  const external = (await direct.ok('network', 'GET', '/v2.0/networks?router:external=true')).networks[0];
  const router = (await direct.ok('network', 'POST', '/v2.0/routers', { router: { name: prefix, external_gateway_info: { network_id: external.id } } })).router;
  await direct.ok('network', 'PUT', `/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });

  const fastRetry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 };
  /** The region's settings with every call passing through the proxy, listing 2 items a page. */
  const throughProxy = { ...settings.password, authUrl: proxy.authUrl(settings.password.authUrl), pageSize: 2, timeouts: { requestMs: 30_000, operationMs: 180_000, pollMs: 500 } };
  const connect = async (config: unknown = throughProxy) => {
    const driver = await OpenStackDriver.connect(config, { clock: systemClock, retry: fastRetry });
    drivers.push(driver);
    return driver;
  };
  const driver = await connect();
  const region = { name: 'OPENSTACK-TEST', nativeName: settings.password.region };
  // A remote driver never touches the database; a stub that says so if it ever did.
  const db: Queryable = { query: () => Promise.reject(new Error('a remote driver must not use the database')) };
  const call = (): DriverCall => ({ db, now: new Date(), signal: AbortSignal.timeout(300_000) });
  const shapes = await driver.listShapes(region, call());
  const tiny = shapes.reduce((a, b) => (b.ramMb < a.ramMb ? b : a));
  const bigger = shapes.find((shape) => shape.ramMb > tiny.ramMb);
  const image = (await driver.prepareRegion(region, call()))[0]!;
  const runRequest = (names: string[]): RunRequest => ({
    names,
    cpu: tiny.cpu,
    ramMb: tiny.ramMb,
    diskGb: tiny.diskGb,
    shapeNativeId: tiny.nativeId,
    imageNativeId: image.nativeId,
    networkNativeId: network.id,
    publicKey: null,
    userData: '#!/bin/sh\necho conformance\n',
    tags: { purpose: 'conformance' },
  });
  const publicKeys: [string, string] = [openSshPublicKey(), openSshPublicKey()];
  for (const key of publicKeys) keyPairs.add(keyPairName(key));

  conformanceSuite(
    'OpenStack',
    {
      driver,
      region,
      call,
      clock: systemClock,
      pollMs: 500,
      timeoutMs: 180_000,
      prefix,
      runRequest,
      publicKeys,
      createOutside: async (name) =>
        (await direct.ok('compute', 'POST', '/servers', { server: { name, flavorRef: tiny.nativeId, imageRef: image.nativeId, networks: [{ uuid: network.id }] } }))
          .server.id,
      // The second page of servers fails at the cloud, every retry included.
      failListingAfterFirstPage: () =>
        proxy.fail((method, path) => method === 'GET' && path.includes('/servers/detail') && path.includes('marker='), 503, 'Service Unavailable', {
          times: fastRetry.attempts,
        }),
      ...(bigger ? { resizeTo: { shapeNativeId: bigger.nativeId, cpu: bigger.cpu, ramMb: bigger.ramMb, diskGb: bigger.diskGb } } : {}),
      created: (kind, id) => {
        if (kind === 'publicIp') floatingIps.push(id);
        if (kind === 'keyPair') keyPairs.add(id);
      },
    },
    {
      ...(driver.capabilities.volumes ? {} : { volumes: 'the region\'s catalog has no block-storage service (volumes are covered by recorded answers in openstack/parse.test.ts)' }),
      ...(bigger ? {} : { resize: 'the test cloud has one flavor only' }),
    },
  );

  describe('the OpenStack driver: retries, tokens, TLS, settings', () => {
    const flavorPage2 = (method: string, path: string) => method === 'GET' && path.includes('/flavors/detail') && path.includes('marker=');

    it('asks for the compute microversion both sides speak', () => {
      assert.match(driver.computeVersion, /^2\.(4[7-9]|[5-9]\d)$/);
      assert.ok(proxy.count(/GET \/\d+\/v2\.1$/) >= 1, 'the versions document was read');
    });

    it('a page the cloud fails once (503) is asked for again, and the listing completes', async () => {
      proxy.fail(flavorPage2, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>');
      const before = proxy.count(/flavors\/detail.*marker=/);
      assert.equal((await driver.listShapes(region, call())).length, shapes.length);
      assert.equal(proxy.count(/flavors\/detail.*marker=/) - before, 2);
    });

    it('a page that keeps failing fails the listing cleanly after the retries, never a part of it', async () => {
      proxy.fail(flavorPage2, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>', { times: fastRetry.attempts });
      await assert.rejects(driver.listShapes(region, call()), (error) => {
        assert.ok(error instanceof CloudError);
        assert.deepEqual([error.reason, error.retryable, error.status], ['api', true, 503]);
        assert.match(error.message, /Service Unavailable \(after 3 attempts\)/);
        return true;
      });
    });

    it('a 401 to a cached token renews the token once and the call succeeds', async () => {
      const logins = proxy.count(/POST .*\/auth\/tokens/);
      proxy.fail((method, path) => path.includes('/flavors/detail'), 401, '{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}');
      assert.equal((await driver.listShapes(region, call())).length, shapes.length);
      assert.equal(proxy.count(/POST .*\/auth\/tokens/) - logins, 1);
    });

    it('a 401 to a token just issued is unauthorized, in Keystone\'s words, and not tried again', async () => {
      proxy.fail((method, path) => path.includes('/flavors/detail'), 401, '{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}', {
        times: 2,
      });
      await assert.rejects(driver.listShapes(region, call()), (error) => error instanceof CloudError && error.reason === 'unauthorized' && /requires authentication/.test(error.message));
    });

    it('a run that fails part-way names the servers it did create (all or nothing is the caller\'s to finish)', async () => {
      proxy.fail((method, path) => method === 'POST' && /\/v2\.1\/servers$/.test(path), 403, '{"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}}', {
        pass: 1,
      });
      const error = await driver.runInstances(region, runRequest([`${prefix}-partial-1`, `${prefix}-partial-2`]), call()).then(
        () => assert.fail('the run should fail'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof PartialRunError, String(error));
      assert.equal(error.created.length, 1);
      assert.match(error.message, /created 1 of 2 servers.*Quota exceeded for instances/);
      await driver.instanceAction(region, error.created[0]!.nativeId, 'terminate', call());
    });

    it('a wrong password is refused at connect time as unauthorized, in Keystone\'s words', async () => {
      const wrong = { ...settings.password, user: { ...(settings.password.user as object), password: 'not-the-password' } };
      await assert.rejects(validateOpenStackConfig(wrong, { clock: systemClock }), (error) => {
        assert.ok(error instanceof CloudError);
        assert.deepEqual([error.reason, error.retryable], ['unauthorized', false]);
        assert.match(error.message, /identity POST \/v3\/auth\/tokens failed \(HTTP 401\): The request you have made requires authentication/);
        return true;
      });
    });

    it('a region the catalog lacks is unsupported, naming the region and interface', async () => {
      await assert.rejects(
        validateOpenStackConfig({ ...settings.password, region: 'Nowhere' }, { clock: systemClock }),
        (error) => error instanceof CloudError && error.reason === 'unsupported' && /no public compute endpoint in region Nowhere/.test(error.message),
      );
    });

    it('logs in with an application credential', { skip: settings.applicationCredential ? false : 'the install script made no application credential' }, async () => {
      const found = await validateOpenStackConfig(settings.applicationCredential, { clock: systemClock });
      assert.equal(found.computeVersion, driver.computeVersion);
    });

    describe('TLS', async () => {
      const certificates = await privateCertificates();
      const tls = certificates ? await FaultyProxy.start(certificates.server) : null;
      after(() => tls?.close());
      const skip = certificates ? false : 'openssl is not installed: no certificates to test with';
      const overTls = (extra: Record<string, unknown>) => ({ ...settings.password, authUrl: tls!.authUrl(settings.password.authUrl), ...extra });

      it('trusts a private CA given as caBundle', { skip }, async () => {
        const secure = await connect(overTls({ caBundle: certificates!.caFile }));
        assert.ok((await secure.listShapes(region, call())).length > 0);
      });

      it('refuses a certificate it cannot verify, saying to set caBundle, without retrying', { skip }, async () => {
        const logins = tls!.count(/auth\/tokens/);
        await assert.rejects(validateOpenStackConfig(overTls({}), { clock: systemClock }), (error) => {
          assert.ok(error instanceof CloudError);
          assert.deepEqual([error.reason, error.retryable], ['api', false]);
          assert.match(error.message, /TLS certificate is not trusted .*set caBundle/);
          return true;
        });
        assert.equal(tls!.count(/auth\/tokens/), logins, 'the request never got through');
      });

      it('a caBundle that cannot be read is a settings error', async () => {
        await assert.rejects(validateOpenStackConfig({ ...settings.password, caBundle: '/nonexistent/ca.pem' }, { clock: systemClock }), /caBundle \/nonexistent\/ca\.pem cannot be read/);
      });
    });
  });
}
