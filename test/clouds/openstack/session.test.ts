import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudError } from '../../../src/clouds/driver.js';
import { nextPageUrl, OpenStackClient, withQuery } from '../../../src/clouds/openstack/client.js';
import { parseOpenStackConfig, tenantLogin } from '../../../src/clouds/openstack/config.js';
import type { HttpAnswer, HttpRequest, HttpSender } from '../../../src/clouds/openstack/http.js';
import { IdentitySession, tokenRequest } from '../../../src/clouds/openstack/identity.js';
import { keyPairName } from '../../../src/clouds/openstack/keys.js';
import { negotiate } from '../../../src/clouds/openstack/microversion.js';
import { smallestFitting } from '../../../src/clouds/openstack/run.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { recorded } from './fixtures.js';

const passwordConfig = {
  authUrl: 'https://keystone.example.com:5000/v3',
  region: 'RegionOne',
  project: { name: 'demo' },
  user: { name: 'demo', password: 'secret' },
};

/** Keystone and Nova played from recorded answers; `requests` are what the driver sent. */
function fakeCloud(options: { computeAnswers?: Array<[number, string]> } = {}) {
  const requests: HttpRequest[] = [];
  const token = recorded('identity-token');
  let issued = 0;
  const http: HttpSender = {
    async send(request): Promise<HttpAnswer> {
      requests.push(request);
      if (request.url.endsWith('/auth/tokens')) {
        issued += 1;
        return { status: 201, headers: new Headers({ 'x-subject-token': `token-${issued}` }), text: token.text };
      }
      const [status, text] = options.computeAnswers?.shift() ?? [200, '{"flavors": []}'];
      if (status >= 400) throw new CloudError(status === 401 ? 'unauthorized' : 'api', `HTTP ${status}`, { status });
      return { status, headers: new Headers(), text };
    },
  };
  return { http, requests, tokensIssued: () => issued };
}

describe('OpenStack region settings', () => {
  it('take defaults: public interface, the Default domain, timeouts', () => {
    const config = parseOpenStackConfig(passwordConfig);
    assert.equal(config.interface, 'public');
    assert.deepEqual(config.user?.domain, { name: 'Default' });
    assert.deepEqual(config.project, { name: 'demo', domain: { name: 'Default' } });
    assert.deepEqual(config.timeouts, { requestMs: 30_000, operationMs: 600_000, pollMs: 1_000 });
  });

  it('are refused naming every field that is wrong, never echoing the password', () => {
    assert.throws(
      () => parseOpenStackConfig({ authUrl: 'ftp://keystone', region: '', user: { name: 'demo', password: 'hunter2' }, interface: 'private' }),
      (error) => {
        assert.ok(error instanceof CloudError && error.reason === 'invalid');
        assert.match(error.message, /authUrl: authUrl must be an http\(s\) address/);
        assert.match(error.message, /region: must not be empty/);
        assert.match(error.message, /interface: /);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it('need a password login or an application credential, exactly one; a password login needs a project', () => {
    const fails = (input: unknown, pattern: RegExp) => assert.throws(() => parseOpenStackConfig(input), pattern);
    fails({ authUrl: passwordConfig.authUrl, region: 'R' }, /user: give a user with a password, or an application credential/);
    fails({ ...passwordConfig, applicationCredential: { id: 'a', secret: 'b' } }, /not both/);
    fails({ authUrl: passwordConfig.authUrl, region: 'R', user: passwordConfig.user }, /project: a password login needs the project/);
    fails({ authUrl: passwordConfig.authUrl, region: 'R', project: { id: 'p' }, applicationCredential: { id: 'a', secret: 'b' } }, /already bound to its project/);
  });

  it("map tenants to projects of their own, by Maestro's upper-case name, each with one way in", () => {
    const config = parseOpenStackConfig({
      ...passwordConfig,
      tenants: { 'acme-b': { project: { name: 'b' } }, 'ACME-C': { applicationCredential: { id: 'c', secret: 'shh' } } },
    });
    assert.deepEqual(tenantLogin(config, 'Acme-B'), { authUrl: passwordConfig.authUrl, user: config.user, project: { name: 'b', domain: { name: 'Default' } } });
    assert.deepEqual(tenantLogin(config, 'acme-c'), { authUrl: passwordConfig.authUrl, applicationCredential: { id: 'c', secret: 'shh' } });
    assert.equal(tenantLogin(config, 'ACME-D'), null, "an unmapped tenant works in the region's project");
    assert.deepEqual(tokenRequest(tenantLogin(config, 'ACME-B')!), {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'secret' } } },
        scope: { project: { name: 'b', domain: { name: 'Default' } } },
      },
    });
    const fails = (input: unknown, pattern: RegExp) => assert.throws(() => parseOpenStackConfig(input), pattern);
    fails({ ...passwordConfig, tenants: { a: { project: { name: 'x' } }, A: { project: { name: 'y' } } } }, /tenants\.A: tenant A is mapped twice/);
    fails({ ...passwordConfig, tenants: { a: {} } }, /tenants\.a: give the tenant/);
    fails(
      { authUrl: passwordConfig.authUrl, region: 'R', applicationCredential: { id: 'a', secret: 'b' }, tenants: { a: { project: { name: 'x' } } } },
      /tenants\.A\.project: a tenant's project is entered with the region's user and password/,
    );
  });

  it('become Keystone token requests: a scoped password login, or an unscoped application credential', () => {
    assert.deepEqual(tokenRequest(parseOpenStackConfig(passwordConfig)), {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'secret' } } },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    });
    assert.deepEqual(tokenRequest(parseOpenStackConfig({ authUrl: passwordConfig.authUrl, region: 'R', applicationCredential: { id: 'a', secret: 'b' } })), {
      auth: { identity: { methods: ['application_credential'], application_credential: { id: 'a', secret: 'b' } } },
    });
  });
});

describe('the Keystone session', () => {
  it('reuses its token, and renews it after three quarters of its lifetime on the injected clock', async () => {
    const clock = new ManualClock();
    const cloud = fakeCloud();
    const session = new IdentitySession(parseOpenStackConfig(passwordConfig), cloud.http, clock);
    const [a, b] = await Promise.all([session.token(), session.token()]);
    assert.equal(cloud.tokensIssued(), 1, 'concurrent callers share one login');
    assert.equal(a, b);
    clock.advance(44 * 60_000);
    assert.equal((await session.token()).value, 'token-1');
    clock.advance(60_000);
    assert.equal((await session.token()).value, 'token-2', 'renewed at 45 of its 60 minutes');
  });

  it('a 401 renews the token once; a second 401 is the caller\'s', async () => {
    const clock = new ManualClock();
    const cloud = fakeCloud({ computeAnswers: [[401, ''], [200, '{"ok": true}'], [401, ''], [401, '']] });
    const config = parseOpenStackConfig(passwordConfig);
    const client = new OpenStackClient(config, cloud.http, new IdentitySession(config, cloud.http, clock));
    assert.equal((await client.request('compute', 'GET', '/flavors')).text, '{"ok": true}');
    assert.equal(cloud.tokensIssued(), 2);
    await assert.rejects(client.request('compute', 'GET', '/flavors'), (error) => error instanceof CloudError && error.reason === 'unauthorized');
    assert.equal(cloud.tokensIssued(), 3);
    const sent = cloud.requests.filter((r) => r.service === 'compute');
    assert.deepEqual(sent.map((r) => r.headers?.['x-auth-token']), ['token-1', 'token-2', 'token-2', 'token-3']);
  });

  it('sends the negotiated compute microversion to compute only, to the catalog\'s public endpoint', async () => {
    const cloud = fakeCloud();
    const config = parseOpenStackConfig(passwordConfig);
    const client = new OpenStackClient(config, cloud.http, new IdentitySession(config, cloud.http, new ManualClock()));
    client.useComputeVersion('2.90');
    await client.request('compute', 'GET', '/flavors/detail');
    await client.request('network', 'GET', '/v2.0/networks');
    const [compute, network] = cloud.requests.filter((r) => r.service !== 'identity');
    assert.equal(compute?.headers?.['openstack-api-version'], 'compute 2.90');
    assert.equal(network?.headers?.['openstack-api-version'], undefined);
    assert.match(compute!.url, /^http:\/\/127\.0\.0\.1:8774\/v2\.1\/flavors\/detail$/);
  });
});

describe('small rules of the OpenStack driver', () => {
  it('microversions: the highest both speak; an older cloud is refused with what it would need', () => {
    assert.equal(negotiate({ min: '2.1', max: '2.93' }), '2.90');
    assert.equal(negotiate({ min: '2.1', max: '2.60' }), '2.60');
    assert.equal(negotiate({ min: '2.1', max: '2.100' }, { min: '2.47', max: '2.99' }), '2.99');
    assert.throws(() => negotiate({ min: '2.1', max: '2.38' }), (error) => error instanceof CloudError && error.reason === 'unsupported' && /2\.47/.test(error.message));
  });

  it('a run without a named shape gets the smallest flavor that fits', () => {
    const shapes = [
      { nativeId: 'l', name: 'large', cpu: 4, ramMb: 8192, diskGb: 80 },
      { nativeId: 's', name: 'small', cpu: 1, ramMb: 2048, diskGb: 20 },
      { nativeId: 't', name: 'tiny', cpu: 1, ramMb: 512, diskGb: 1 },
      { nativeId: 'v', name: 'volume-booted', cpu: 2, ramMb: 4096, diskGb: 0 },
    ];
    assert.equal(smallestFitting(shapes, { cpu: 1, ramMb: 512, diskGb: 1 })?.name, 'tiny');
    assert.equal(smallestFitting(shapes, { cpu: 1, ramMb: 1024, diskGb: 10 })?.name, 'small');
    assert.equal(smallestFitting(shapes, { cpu: 2, ramMb: 1024, diskGb: 500 })?.name, 'volume-booted');
    assert.equal(smallestFitting(shapes, { cpu: 8, ramMb: 1024, diskGb: 1 }), null);
  });

  it('a key is imported under a name derived from the key alone, not its comment', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdN2m4ixPfu3J6eJY8qcSrlVVhbzo44pxEUsV+b/3Fw';
    assert.match(keyPairName(key), /^maestro-[0-9a-f]{24}$/);
    assert.equal(keyPairName(`${key} alice@laptop`), keyPairName(`  ${key} bob  `));
    assert.notEqual(keyPairName(key), keyPairName(key.replace('3Fw', '3Fx')));
    assert.throws(() => keyPairName('not a key'), (error) => error instanceof CloudError && error.reason === 'invalid');
  });

  it('next pages are asked of the catalog\'s address with the link\'s marker, whatever host the link names', () => {
    const first = 'https://cloud.example.com:8774/v2.1/servers/detail?limit=2';
    assert.equal(nextPageUrl(first, 'http://internal:8774/v2.1/servers/detail?limit=2&marker=abc'), 'https://cloud.example.com:8774/v2.1/servers/detail?limit=2&marker=abc');
    assert.equal(nextPageUrl('https://glance.example.com/v2/images?limit=2', '/v2/images?limit=2&marker=x'), 'https://glance.example.com/v2/images?limit=2&marker=x');
    assert.equal(withQuery('/ports', { device_id: 'd', limit: undefined, fields: ['id', 'name'] }), '/ports?device_id=d&fields=id&fields=name');
  });
});
