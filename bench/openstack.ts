// 16. The real OpenStack through a private agent (scripts/backends/openstack.sh, the real
// RabbitMQ, `maestro agent` in a process of its own following Nova's notifications):
//  a) 20 servers run through the API, time until Maestro shows all of them running, against the
//     physical reference: the same 20 servers booted directly through Nova's API, time until
//     Nova shows all of them ACTIVE;
//  b) the delay from a change made directly in OpenStack (a server stopped through Nova) to
//     Maestro showing it, p50 and p95 over the 20, against the delay until Nova's own API shows it.
import type { MaestroClient } from '../src/sdk/client.js';
import { DirectOpenStack } from '../test/clouds/openstack-direct.js';
import { testCloudAgentRegion, testCloudNotifications, testCloudProblem, testCloudSettings } from '../test/clouds/openstack/test-cloud.js';
import { startAgentProcess } from '../test/support/agent-process.js';
import { removeTopology } from '../test/support/amqp-topology.js';
import { percentile, round2, startBenchServer } from './support/compute.js';
import type { Figure } from './support/report.js';

const SERVERS = 20;
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Asks `check` every 50 ms until it holds; returns the seconds it took. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 300_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`openstack bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (performance.now() - started) / 1000;
}

const statesOf = async (client: MaestroClient, tenant: string, ids: readonly string[]) =>
  new Map((await client.instances.describe({ tenant, ids: [...ids], limit: 100 })).items.map((vm) => [vm.id, vm]));

/** The reference: servers booted directly through Nova, as Maestro's driver boots them. */
async function bootDirectly(direct: DirectOpenStack, prefix: string, networkId: string): Promise<{ seconds: number; ids: string[] }> {
  const flavor = (await direct.ok('compute', 'GET', '/flavors')).flavors.find((f: { name: string }) => f.name === 'm1.small');
  const image = (await direct.ok('image', 'GET', '/v2/images?name=fake-image')).images[0];
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < SERVERS; i++) {
    const { server } = await direct.ok('compute', 'POST', '/servers', { server: { name: `${prefix}-direct-${i}`, flavorRef: flavor.id, imageRef: image.id, networks: [{ uuid: networkId }] } });
    ids.push(server.id);
  }
  await until(async () => {
    const { servers } = await direct.ok('compute', 'GET', `/servers/detail?name=${prefix}-direct-`);
    return servers.filter((s: { status: string }) => s.status === 'ACTIVE').length === SERVERS;
  }, 'the directly booted servers');
  return { seconds: (performance.now() - started) / 1000, ids };
}

export async function openstack(): Promise<Figure[]> {
  const problem = await testCloudProblem();
  if (problem) {
    console.error(`openstack: left out, ${problem}`);
    return [];
  }
  const suffix = Date.now().toString(36);
  const prefix = `bench${suffix}`;
  const region = `OS-${suffix}`.toUpperCase();
  const tenant = `BENCH-${suffix}`.toUpperCase();
  const settings = testCloudSettings().password;
  const notifications = testCloudNotifications();
  const direct = await DirectOpenStack.login();
  const server = await startBenchServer('postgres', { amqpUrl: AMQP_URL, amqpPrefix: prefix });
  const agent = await startAgentProcess(server.client, {
    name: `bench-${suffix}`,
    amqpUrl: AMQP_URL,
    prefix,
    pollSeconds: 60,
    regions: [testCloudAgentRegion(region)],
  });
  const cleanup: string[] = [];
  try {
    const { client } = server;
    await client.regions.create({ name: region, cloud: 'OPEN_STACK', kind: 'private', nativeName: settings.region, agent: `bench-${suffix}` });
    await client.customers.create({ name: `bench-${suffix}` });
    await client.tenants.create({ customer: `bench-${suffix}`, name: tenant });
    await client.tenants.activateRegion({ tenant, region });

    // A network of the run's own: both boot on it (a Neutron port each), so that both pay for the ports.
    const network = (await direct.ok('network', 'POST', '/v2.0/networks', { network: { name: prefix } })).network;
    await direct.ok('network', 'POST', '/v2.0/subnets', { subnet: { network_id: network.id, ip_version: 4, cidr: '10.97.0.0/24', name: prefix } });
    const reference = await bootDirectly(direct, `bench-${suffix}`, network.id);
    cleanup.push(...reference.ids);

    const started = performance.now();
    const { instances } = await client.instances.run({ tenant, region, image: 'fake-image', shape: 'SMALL', name: `bench-${suffix}-web`, count: SERVERS, network: prefix });
    const runCallSeconds = (performance.now() - started) / 1000;
    const ids = instances.map((vm) => vm.id);
    // When Nova itself shows them all ACTIVE, to tell the cloud's time from Maestro's.
    let novaActiveSeconds = 0;
    await until(async () => {
      if (!novaActiveSeconds) {
        const { servers } = await direct.ok('compute', 'GET', `/servers/detail?name=bench-${suffix}-web`);
        if (servers.filter((s: { status: string }) => s.status === 'ACTIVE').length === SERVERS) novaActiveSeconds = (performance.now() - started) / 1000;
      }
      return [...(await statesOf(client, tenant, ids)).values()].every((vm) => vm.state === 'running');
    }, 'the servers run through Maestro');
    const runSeconds = (performance.now() - started) / 1000;
    const byId = await statesOf(client, tenant, ids);
    cleanup.push(...[...byId.values()].map((vm) => vm.nativeId));

    // One change at a time, made in Nova directly: how long until Nova shows it, and Maestro.
    const novaDelays: number[] = [];
    const maestroDelays: number[] = [];
    for (const id of ids) {
      const nativeId = byId.get(id)!.nativeId;
      const changed = performance.now();
      await direct.ok('compute', 'POST', `/servers/${nativeId}/action`, { 'os-stop': null });
      const seen = { nova: 0, maestro: 0 };
      await until(async () => {
        const now = (performance.now() - changed) / 1000;
        if (!seen.nova && (await direct.ok('compute', 'GET', `/servers/${nativeId}`)).server.status === 'SHUTOFF') seen.nova = now;
        if (!seen.maestro && (await client.instances.describe({ tenant, ids: [id] })).items[0]!.state === 'stopped') seen.maestro = now;
        return seen.nova > 0 && seen.maestro > 0;
      }, `server ${nativeId} to show stopped`);
      novaDelays.push(seen.nova);
      maestroDelays.push(seen.maestro);
    }
    novaDelays.sort((a, b) => a - b);
    maestroDelays.sort((a, b) => a - b);
    return [
      {
        benchmark: 'openstack',
        name: `${SERVERS} servers run through the API on the real OpenStack until all running`,
        value: runSeconds,
        unit: 's',
        baseline: { name: `the same ${SERVERS} booted directly through Nova until ACTIVE`, value: reference.seconds },
        details: { notifications: notifications !== null, runCallSeconds: round2(runCallSeconds), novaActiveSeconds: round2(novaActiveSeconds) },
      },
      {
        benchmark: 'openstack',
        name: 'a server stopped directly in OpenStack, until Maestro shows it (p50)',
        value: percentile(maestroDelays, 50),
        unit: 's',
        baseline: { name: "until Nova's own API shows it (p50)", value: percentile(novaDelays, 50) },
        details: {
          p95: round2(percentile(maestroDelays, 95)),
          novaP95: round2(percentile(novaDelays, 95)),
          target: 'p95 under 5 s',
          changes: SERVERS,
        },
      },
      {
        benchmark: 'openstack',
        name: 'a server stopped directly in OpenStack, until Maestro shows it (p95)',
        value: percentile(maestroDelays, 95),
        unit: 's',
        baseline: { name: "until Nova's own API shows it (p95)", value: percentile(novaDelays, 95) },
        target: { kind: 'at-most', value: 5 },
      },
    ];
  } finally {
    await agent.stop();
    await server.close();
    await removeTopology(AMQP_URL, prefix, [region]);
    for (const id of cleanup) await direct.deleteServer(id).catch(() => undefined);
    // Whatever else carries the run's name (a run that failed half-way, a timeout).
    await direct.purge(`bench-${suffix}`);
    await direct.purge(prefix);
  }
}
