/**
 * Records real answers of an OpenStack cloud as the fixtures the OpenStack driver's Parser is
 * tested with (test/clouds/openstack/fixtures/). Everything it creates is named `record-<time>`
 * and removed again, also when a step fails.
 *
 *   node --import tsx scripts/openstack-record.ts          (the test cloud: OS_AUTH_URL, OS_USERNAME …)
 *
 * A fixture is { "request": "GET /servers/detail?limit=1", "status": 200, "body": <JSON> }, or
 * "text" instead of "body" when the service did not answer JSON (Glance's errors).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DirectOpenStack, testCloud } from '../test/clouds/openstack-direct.js';

const out = path.resolve('test/clouds/openstack/fixtures');
mkdirSync(out, { recursive: true });
const prefix = `record-${Date.now()}`;
const os = await DirectOpenStack.login();

type Service = Parameters<DirectOpenStack['call']>[0];

function save(name: string, request: string, status: number, content: { body: unknown } | { text: string }): void {
  writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify({ request, status, ...content }, null, 2)}\n`);
  console.log(`${status} ${name}`);
}

/** Sends a request and saves the answer under `name`. */
async function record(name: string, service: Service, method: string, requestPath: string, body?: unknown): Promise<any> {
  const answer = await os.call(service, method, requestPath, body);
  save(name, `${method} ${requestPath}`, answer.status, typeof answer.json === 'string' ? { text: answer.json } : { body: answer.json });
  return answer.json;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverUntil(id: string, done: (server: any) => boolean, also?: (server: any) => Promise<void>): Promise<any> {
  for (let i = 0; i < 600; i += 1) {
    const { server } = await os.ok('compute', 'GET', `/servers/${id}`);
    await also?.(server);
    if (done(server)) return server;
    await sleep(100);
  }
  throw new Error(`server ${id} did not get there`);
}

/** Everything else is found by its name (the prefix) when cleaning up. */
const floatingIps: string[] = [];
try {
  // Keystone: a token (the token itself travels in a header and is not recorded) and a refusal.
  const tokenAnswer = await fetch(`${testCloud.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: testCloud.user, password: testCloud.password, domain: { name: 'Default' } } } },
        scope: { project: { name: testCloud.project, domain: { name: 'Default' } } },
      },
    }),
  });
  writeFileSync(path.join(out, 'identity-token.json'), `${JSON.stringify({ request: 'POST /auth/tokens', status: tokenAnswer.status, body: await tokenAnswer.json() }, null, 2)}\n`);
  const refused = await fetch(`${testCloud.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: testCloud.user, password: 'wrong', domain: { name: 'Default' } } } } } }),
  });
  writeFileSync(path.join(out, 'identity-refused.json'), `${JSON.stringify({ request: 'POST /auth/tokens', status: refused.status, body: await refused.json() }, null, 2)}\n`);

  await record('compute-versions', 'compute', 'GET', '');
  await record('compute-flavors-page', 'compute', 'GET', '/flavors/detail?limit=1');
  const flavors = (await os.ok('compute', 'GET', '/flavors/detail')).flavors as Array<{ id: string; name: string }>;
  const tiny = flavors.find((f) => f.name === 'm1.tiny')!;
  const small = flavors.find((f) => f.name === 'm1.small')!;
  await record('image-images-page', 'image', 'GET', '/v2/images?limit=1');
  const image = ((await os.ok('image', 'GET', '/v2/images?visibility=public&status=active')).images as Array<{ id: string }>)[0]!;
  await record('image-not-found', 'image', 'GET', '/v2/images/00000000-0000-0000-0000-000000000000');

  const network = (await os.ok('network', 'POST', '/v2.0/networks', { network: { name: prefix } })).network;
  const subnet = (await os.ok('network', 'POST', '/v2.0/subnets', { subnet: { network_id: network.id, ip_version: 4, cidr: '10.97.0.0/24', name: prefix } })).subnet;
  const external = (await os.ok('network', 'GET', '/v2.0/networks?router:external=true')).networks[0];
  const router = (await os.ok('network', 'POST', '/v2.0/routers', { router: { name: prefix, external_gateway_info: { network_id: external.id } } })).router;
  await os.ok('network', 'PUT', `/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
  await record('network-networks-page', 'network', 'GET', '/v2.0/networks?limit=1');
  await record('network-subnets', 'network', 'GET', '/v2.0/subnets');
  await record('network-security-groups', 'network', 'GET', '/v2.0/security-groups');
  await record('network-not-found', 'network', 'GET', '/v2.0/networks/00000000-0000-0000-0000-000000000000');

  await record('compute-create-bad-image', 'compute', 'POST', '/servers', {
    server: { name: `${prefix}-bad`, flavorRef: tiny.id, imageRef: '00000000-0000-0000-0000-000000000000', networks: [{ uuid: network.id }] },
  });
  await record('compute-server-not-found', 'compute', 'GET', '/servers/00000000-0000-0000-0000-000000000000');

  const created: string[] = [];
  for (const n of [1, 2]) {
    const { server } = await os.ok('compute', 'POST', '/servers', {
      server: { name: `${prefix}-${n}`, flavorRef: tiny.id, imageRef: image.id, networks: [{ uuid: network.id }], metadata: { tenant: 'ACME', env: 'test' } },
    });
    created.push(server.id);
  }
  const id = created[0]!;
  await record('compute-server-building', 'compute', 'GET', `/servers/${id}`);
  for (const other of created) await serverUntil(other, (s) => s.status === 'ACTIVE');
  await record('compute-server-active', 'compute', 'GET', `/servers/${id}`);
  await record('compute-servers-page', 'compute', 'GET', '/servers/detail?limit=1');

  await os.ok('compute', 'POST', `/servers/${id}/action`, { 'os-stop': null });
  let sawTask = false;
  await serverUntil(id, (s) => s.status === 'SHUTOFF', async (s) => {
    // The answer seen mid-task is kept as it came: asking again could find the task over.
    if (!sawTask && s['OS-EXT-STS:task_state'] === 'powering-off') {
      sawTask = true;
      save('compute-server-powering-off', `GET /servers/${id}`, 200, { body: { server: s } });
    }
  });
  await record('compute-server-stopped', 'compute', 'GET', `/servers/${id}`);
  await os.ok('compute', 'POST', `/servers/${id}/action`, { 'os-start': null });
  await serverUntil(id, (s) => s.status === 'ACTIVE');
  await record('compute-stop-conflict', 'compute', 'POST', `/servers/${id}/action`, { 'os-start': null });

  await os.ok('compute', 'POST', `/servers/${id}/action`, { resize: { flavorRef: small.id } });
  await serverUntil(id, (s) => s.status === 'VERIFY_RESIZE');
  await record('compute-server-verify-resize', 'compute', 'GET', `/servers/${id}`);
  await os.ok('compute', 'POST', `/servers/${id}/action`, { confirmResize: null });
  await serverUntil(id, (s) => s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state']);

  const ports = await record('network-ports', 'network', 'GET', `/v2.0/ports?device_id=${id}`);
  const fip = (await os.ok('network', 'POST', '/v2.0/floatingips', { floatingip: { floating_network_id: external.id } })).floatingip;
  floatingIps.push(fip.id);
  await record('network-floating-ip-associated', 'network', 'PUT', `/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: ports.ports[0].id } });
  await record('network-floating-ips-page', 'network', 'GET', '/v2.0/floatingips?limit=1');

  const key = await record('compute-keypair-imported', 'compute', 'POST', '/os-keypairs', {
    keypair: { name: `${prefix}-key`, public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdN2m4ixPfu3J6eJY8qcSrlVVhbzo44pxEUsV+b/3Fw recorder', type: 'ssh' },
  });

  const capture = await record('compute-create-image', 'compute', 'POST', `/servers/${id}/action`, { createImage: { name: `${prefix}-image`, metadata: { maestro_catalog: 'tenant:x' } } });
  await serverUntil(id, (s) => !s['OS-EXT-STS:task_state']);
  await record('image-captured', 'image', 'GET', `/v2/images/${capture.image_id}`);

  if (os.has('block-storage') || os.has('volumev3')) {
    const service = os.has('block-storage') ? 'block-storage' : 'volumev3';
    const volume = (await record('block-storage-volume-created', service, 'POST', '/volumes', { volume: { name: `${prefix}-volume`, size: 1 } })).volume;
    for (let i = 0; i < 300 && (await os.ok(service, 'GET', `/volumes/${volume.id}`)).volume.status !== 'available'; i += 1) await sleep(200);
    await record('block-storage-volume-available', service, 'GET', `/volumes/${volume.id}`);
    const attached = await record('compute-volume-attached', 'compute', 'POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: volume.id } });
    if (attached?.volumeAttachment) {
      for (let i = 0; i < 300 && (await os.ok(service, 'GET', `/volumes/${volume.id}`)).volume.status !== 'in-use'; i += 1) await sleep(200);
      await record('block-storage-volumes-page', service, 'GET', '/volumes/detail?limit=1');
      await os.ok('compute', 'DELETE', `/servers/${id}/os-volume_attachments/${volume.id}`);
      for (let i = 0; i < 300 && (await os.ok(service, 'GET', `/volumes/${volume.id}`)).volume.status !== 'available'; i += 1) await sleep(200);
    } else {
      console.log('attaching a volume failed: the cloud\'s compute service cannot reach its block storage (see compute-volume-attached.json)');
      await record('block-storage-volumes-page', service, 'GET', '/volumes/detail?limit=1');
    }
  } else {
    console.log('no block-storage service in the catalog: volume fixtures not recorded');
  }

  await os.deleteServer(created[1]!);
  await record('compute-servers-changes-since', 'compute', 'GET', `/servers/detail?changes-since=${encodeURIComponent(new Date(Date.now() - 600_000).toISOString())}`);
} finally {
  const left = await os.purge(prefix, floatingIps);
  for (const problem of left) console.error(`cleanup: ${problem}`);
}
