#!/usr/bin/env node
// Is the test OpenStack of scripts/backends/openstack.sh up, with what the driver tests rely on?
// One line per service, exit 0 when every one answers (well under a second when up):
//
//   keystone       tokens for demo (password and application credential) and admin
//   compute        flavors m1.tiny and m1.small, nova-compute up on the fake host
//   image          fake-image active
//   network        external network "public" with 203.0.113.0/24
//   block-storage  (when installed) volume types listed, cinder-volume up, a pool the scheduler knows
//
// Usage: node scripts/backends/openstack-check.mjs [--wait SECONDS] [--quiet]
//   --wait   try again every second until everything passes or the time is up
//   --quiet  print nothing when everything passes
// The settings are read from $MAESTRO_OPENSTACK_TEST_CONFIG, else /etc/openstack/maestro-test.json
// (written by openstack.sh). Node.js >= 20, no dependencies.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: { wait: { type: 'string', default: '0' }, quiet: { type: 'boolean', default: false } },
});
const configPath = process.env.MAESTRO_OPENSTACK_TEST_CONFIG ?? '/etc/openstack/maestro-test.json';
// Generous: on a 2-core machine busy with a test run, a cold API can take seconds to answer.
const REQUEST_TIMEOUT_MS = 15_000;

let config;
try {
  config = JSON.parse(readFileSync(configPath, 'utf8'));
} catch (err) {
  console.log(`FAIL config         ${configPath}: ${err.code === 'ENOENT' ? 'missing' : err.message} (run scripts/backends/openstack.sh)`);
  process.exit(1);
}

async function call(method, url, { token, body } = {}) {
  const res = await fetch(url, {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...(token ? { 'X-Auth-Token': token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return { json: text ? JSON.parse(text) : null, headers: res.headers };
}

/** A token and catalog for one of the region settings of maestro-test.json. */
async function login(region) {
  const identity = region.applicationCredential
    ? { methods: ['application_credential'], application_credential: region.applicationCredential }
    : { methods: ['password'], password: { user: region.user } };
  const scope = region.project ? { project: region.project } : undefined;
  const { json, headers } = await call('POST', `${region.authUrl}/auth/tokens`, { body: { auth: { identity, scope } } });
  const endpoint = (type) => {
    const service = json.token.catalog.find((s) => s.type === type);
    const found = service?.endpoints.find((e) => e.interface === 'public' && e.region_id === region.region);
    if (!found) throw new Error(`no public ${type} endpoint in ${region.region}`);
    return found.url.replace(/\/$/, '');
  };
  return { token: headers.get('x-subject-token'), endpoint, project: json.token.project };
}

async function checkAll() {
  const loginStart = Date.now();
  const [demo, appCredential, admin] = await Promise.all([
    login(config.password),
    login(config.applicationCredential),
    login(config.admin),
  ]);
  const loginMs = Date.now() - loginStart;
  if (appCredential.project.id !== demo.project.id) throw new Error('the application credential is not scoped to project demo');
  const { resources } = config;
  const checks = {
    keystone: async () => `${config.password.authUrl}: tokens for demo (password, application credential) and admin in ${loginMs} ms`,
    compute: async () => {
      const url = demo.endpoint('compute');
      const [{ json: flavors }, { json: services }] = await Promise.all([
        call('GET', `${url}/flavors`, demo),
        call('GET', `${admin.endpoint('compute')}/os-services?binary=nova-compute`, admin),
      ]);
      const missing = resources.flavors.filter((name) => !flavors.flavors.some((f) => f.name === name));
      if (missing.length) throw new Error(`flavors missing: ${missing.join(', ')}`);
      const compute = services.services.find((s) => s.host === resources.computeHost);
      if (compute?.state !== 'up' || compute.status !== 'enabled') {
        throw new Error(`nova-compute on ${resources.computeHost} is ${compute ? `${compute.state}, ${compute.status}` : 'not registered'}`);
      }
      return `${url}: flavors ${resources.flavors.join(', ')}; nova-compute up on ${compute.host}`;
    },
    image: async () => {
      const url = demo.endpoint('image');
      const { json } = await call('GET', `${url}/v2/images?name=${encodeURIComponent(resources.image)}`, demo);
      const image = json.images.find((i) => i.status === 'active');
      if (!image) throw new Error(`no active image named ${resources.image}`);
      return `${url}: ${image.name} ${image.status} (${image.visibility})`;
    },
    network: async () => {
      const url = demo.endpoint('network');
      const { json } = await call('GET', `${url}/v2.0/networks?name=${resources.externalNetwork}&router:external=true`, demo);
      const network = json.networks[0];
      if (!network) throw new Error(`no external network named ${resources.externalNetwork}`);
      // an external network's subnets are visible to administrators only
      const { json: subnets } = await call('GET', `${admin.endpoint('network')}/v2.0/subnets?network_id=${network.id}`, admin);
      if (!subnets.subnets.some((s) => s.cidr === resources.externalSubnet)) throw new Error(`no subnet ${resources.externalSubnet} on ${network.name}`);
      return `${url}: external network ${network.name} with ${resources.externalSubnet}`;
    },
  };
  if (config.blockStorage) {
    checks['block-storage'] = async () => {
      const url = demo.endpoint('volumev3');
      const adminUrl = admin.endpoint('volumev3');
      const [{ json: types }, { json: services }, { json: pools }] = await Promise.all([
        call('GET', `${url}/types`, demo),
        call('GET', `${adminUrl}/os-services?binary=cinder-volume`, admin),
        call('GET', `${adminUrl}/scheduler-stats/get_pools`, admin),
      ]);
      const down = services.services.filter((s) => s.state !== 'up');
      if (!services.services.length || down.length) throw new Error(`cinder-volume not up: ${JSON.stringify(services.services)}`);
      // The scheduler knows a pool only after cinder-volume reported its capacity; until then
      // every volume create fails with "No valid backend".
      if (!pools.pools.length) throw new Error('the scheduler knows no pool yet');
      return `${url}: types ${types.volume_types.map((t) => t.name).join(', ')}; pools ${pools.pools.map((p) => p.name).join(', ')}`;
    };
  }
  const names = Object.keys(checks);
  const timed = async (fn) => {
    const start = Date.now();
    const detail = await fn();
    return `${detail} (${Date.now() - start} ms)`;
  };
  const results = await Promise.allSettled(names.map((name) => timed(checks[name])));
  return names.map((name, i) => ({ name, ...results[i] }));
}

const started = Date.now();
const deadline = started + Number(options.wait) * 1000;
let lines;
for (;;) {
  try {
    lines = await checkAll();
  } catch (err) {
    lines = [{ name: 'keystone', status: 'rejected', reason: err }];
  }
  if (lines.every((l) => l.status === 'fulfilled') || Date.now() >= deadline) break;
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

const ok = lines.every((l) => l.status === 'fulfilled');
if (!ok || !options.quiet) {
  for (const l of lines) {
    const cause = l.reason?.cause;
    const detail = l.status === 'fulfilled' ? l.value : `${l.reason?.message ?? l.reason}${cause ? ` (${cause.message ?? cause.code})` : ''}`;
    console.log(`${l.status === 'fulfilled' ? 'ok  ' : 'FAIL'} ${l.name.padEnd(14)} ${detail}`);
  }
  console.log(`openstack check: ${ok ? 'up' : 'NOT up'} (${Date.now() - started} ms)`);
}
process.exit(ok ? 0 : 1);
