// 15. Reconciling a region of 100,000 servers from an agent's listing: 100 LISTING_PAGE messages of
// 1,000 servers (10,000 Maestro does not know, 10,000 it knows missing), handed to the server's
// message handling one after the other as the events consumer does, until the last page has been
// reconciled. Against the bare cost of receiving them: the same pages stored and read back, and
// the listing compared with Maestro's instances of the region. Target: under 3 s and under 512 MB.
import { randomUUID } from 'node:crypto';
import type { ReceivedAgentMessage } from '../src/agent/client/event-consumer.js';
import type { CloudInstance } from '../src/clouds/driver.js';
import { initiatorOf, systemActor } from '../src/server/actor.js';
import { applyAgentMessage, type AgentMessageDeps } from '../src/server/agents/agent-messages.js';
import { EventWriter } from '../src/server/event-writer.js';
import { createLogger } from '../src/server/logger.js';
import { eventDefinitions, projections } from '../src/server/projections/index.js';
import type { Maestro } from '../src/server/runtime.js';
import { bulkInstances, round2, simulatedTenants, startBenchServer } from './support/compute.js';
import { flavourName, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const REGION = 'SIM-AGENT';
const INSTANCES = 100_000;
const NEW = 10_000;
const MISSING = 10_000;
const PAGE = 1000;
const TENANTS = Array.from({ length: 10 }, (_, i) => `T-${String(i).padStart(2, '0')}`);

const listed = (nativeId: string, i: number): CloudInstance => ({
  nativeId,
  name: `vm-${i}`,
  state: 'running',
  cpu: 1,
  ramMb: 2048,
  diskGb: 10,
  imageNativeId: null,
  tags: {},
  launchedAt: '2026-12-01T00:00:00.000Z',
});

/** The listing's pages: every known server but the missing, then the new ones. */
function pagesOf(known: ReadonlyArray<{ nativeId: string }>, agent: string): ReceivedAgentMessage[] {
  const servers = [
    ...known.filter((_, i) => i % (INSTANCES / MISSING) !== 0).map((vm, i) => listed(vm.nativeId, i)),
    ...Array.from({ length: NEW }, (_, i) => listed(`new-${i}`, INSTANCES + i)),
  ];
  const listingId = randomUUID();
  const at = new Date().toISOString();
  const count = Math.ceil(servers.length / PAGE);
  return Array.from({ length: count }, (_, page) => ({
    type: 'LISTING_PAGE',
    agent,
    keyId: 'MA0',
    messageId: randomUUID(),
    body: { agent, region: REGION, listingId, page, last: page === count - 1, complete: true, at, instances: servers.slice(page * PAGE, (page + 1) * PAGE), error: null },
  }));
}

/**
 * The bare cost of receiving a listing: its pages stored and read back as the server keeps them
 * (JSON text, parsed), and the listing compared with the region's instances in the database as
 * the reconcile does, only the ids that differ returned.
 */
async function receiveOnly(maestro: Maestro, pages: readonly ReceivedAgentMessage[]): Promise<number> {
  const started = performance.now();
  await maestro.db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS bench_pages (page integer, instances text); ALTER TABLE bench_pages ALTER COLUMN instances SET STORAGE EXTERNAL',
  );
  await maestro.db.transaction(async (tx) => {
    for (const [index, page] of pages.entries()) {
      await tx.query('INSERT INTO bench_pages (page, instances) VALUES ($1, $2)', [index, JSON.stringify((page.body as { instances: unknown }).instances)]);
    }
    const { rows } = await tx.query<{ instances: string }>('DELETE FROM bench_pages RETURNING instances');
    const listed = rows.flatMap((row) => JSON.parse(row.instances) as CloudInstance[]);
    await tx.query(
      `SELECT l.native_id, k.id
         FROM (SELECT i.id, i.native_id FROM instances i JOIN regions r ON r.id = i.region_id WHERE r.name = $1) k
         FULL JOIN json_array_elements_text($2::json) l(native_id) ON l.native_id = k.native_id
        WHERE k.id IS NULL OR l.native_id IS NULL`,
      [REGION, JSON.stringify(listed.map((vm) => vm.nativeId))],
    );
  });
  return (performance.now() - started) / 1000;
}

async function measureFlavour(flavour: Flavour): Promise<Figure> {
  const server = await startBenchServer(flavour);
  try {
    const { maestro, client } = server;
    await simulatedTenants(client, { customer: 'AGENTS', region: REGION, tenants: TENANTS });
    const known = await bulkInstances(maestro, { region: REGION, tenants: TENANTS, count: INSTANCES, tags: () => ({}) });
    const created = await client.agents.create({ name: 'bench-agent' });
    await client.regions.update({ name: REGION, agent: created.name });
    if (maestro.db.kind === 'postgres') await maestro.db.exec('ANALYZE');
    const deps: AgentMessageDeps = {
      db: maestro.db,
      writer: new EventWriter(maestro.db, projections, maestro.bus, maestro.services.clock, eventDefinitions),
      clock: maestro.services.clock,
      logger: createLogger('silent'),
      defaultHeartbeatMs: 5000,
      origin: (agent) => ({ initiator: initiatorOf(systemActor('cloud')), requestId: null, observer: { typeURI: 'service/agent', id: agent } }),
    };
    const pages = pagesOf(known, created.name);

    const bare = [await receiveOnly(maestro, pages)];
    global.gc?.();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    for (const page of pages.slice(0, -1)) await applyAgentMessage(deps, page);
    const gatheredSeconds = (performance.now() - started) / 1000;
    await applyAgentMessage(deps, pages[pages.length - 1]!);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    bare.push(await receiveOnly(maestro, pages));

    const { rows } = await maestro.db.query<{ discovered: number; absent: number }>(
      `SELECT (SELECT count(*)::int FROM instances WHERE NOT managed) AS discovered, (SELECT count(*)::int FROM instance_absences) AS absent`,
    );
    if (rows[0]!.discovered !== NEW || rows[0]!.absent !== MISSING) throw new Error(`agent-reconcile: the listing left ${JSON.stringify(rows[0])}`);
    return {
      benchmark: 'agent-reconcile',
      name: `reconcile ${INSTANCES / 1000}k servers from an agent's listing (${NEW / 1000}k new, ${MISSING / 1000}k missing), ${flavourName[flavour]}`,
      value: seconds,
      unit: 's',
      baseline: { name: 'pages stored and read back, compared with the region', value: (bare[0]! + bare[1]!) / 2 },
      target: { kind: 'at-most', value: 3 },
      details: {
        pages: pages.length,
        /** The pages before the last: received and kept. The rest is the last page and the reconcile. */
        gatheredSeconds: round2(gatheredSeconds),
        peakRssMb: Math.round(peakRss / 1_048_576),
        rssGrowthMb: Math.round((peakRss - rssBefore) / 1_048_576),
        memoryTargetMb: 512,
        baselineSeconds: bare.map(round2),
      },
    };
  } finally {
    await server.close();
  }
}

export async function agentReconcile(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of flavours) figures.push(await measureFlavour(flavour));
  return figures;
}
