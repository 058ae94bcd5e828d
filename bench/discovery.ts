// 6. Discovery of a simulated region holding 100,000 instances, of which 10,000 were created
// outside Maestro and 10,000 known ones were destroyed outside it: the real reconcile
// (`discoverRegion`, as the periodic run does it) against reading the same two lists.
import type { Maestro } from '../src/server/runtime.js';
import { regionRef } from '../src/server/queries/compute.js';
import { bulkInstances, round2, simulatedTenants, startBenchServer } from './support/compute.js';
import { flavourName, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const REGION = 'SIM-DISCO';
const INSTANCES = 100_000;
const UNKNOWN = 10_000;
const VANISHED = 10_000;
const TENANTS = Array.from({ length: 10 }, (_, i) => `T-${String(i).padStart(2, '0')}`);
const CHUNK = 5000;

/** The region as Maestro and as the driver know it. */
async function regionOf(maestro: Maestro) {
  const region = await regionRef(maestro.db, REGION);
  return { region, target: { name: region.name, nativeName: region.nativeName } };
}

/** Changes behind Maestro's back, through the simulator's own methods (what `simulator.*` calls). */
async function changeOutside(maestro: Maestro, known: ReadonlyArray<{ nativeId: string }>): Promise<void> {
  const { target: region } = await regionOf(maestro);
  const simulator = maestro.services.simulator;
  const victims = known.filter((_, i) => i % (INSTANCES / VANISHED) === 0).map((vm) => vm.nativeId);
  for (let at = 0; at < victims.length; at += CHUNK) {
    await simulator.destroyOutsideMaestro(maestro.db, region, victims.slice(at, at + CHUNK));
  }
  for (let at = 0; at < UNKNOWN; at += CHUNK) {
    // Half name their tenant in a tag, half fall to the region's first tenant.
    const vms = Array.from({ length: Math.min(CHUNK, UNKNOWN - at) }, (_, k) => {
      const i = at + k;
      const tags: Record<string, string> = i % 2 === 0 ? { tenant: TENANTS[i % TENANTS.length]!.toLowerCase(), origin: 'console' } : { origin: 'console' };
      return { name: `rogue-${i}`, cpu: 2, ramMb: 4096, tags };
    });
    await simulator.createOutsideMaestro(maestro.db, region, vms, maestro.services.clock.now());
  }
}

/** The baseline: the cloud's listing and Maestro's instances of the region, read and nothing else. */
async function readBothLists(maestro: Maestro): Promise<{ seconds: number; cloud: number; known: number }> {
  const { region, target: regionTarget } = await regionOf(maestro);
  const started = performance.now();
  const counts = await maestro.db.transaction(async (tx) => {
    const cloud = await maestro.services.simulator.listInstances(regionTarget, { db: tx, now: new Date(), signal: AbortSignal.timeout(120_000) });
    const { rows } = await tx.query(
      `SELECT i.id, i.native_id AS "nativeId", i.name, i.state, i.tenant_id AS "tenantId", t.customer_id AS "customerId"
         FROM instances i JOIN tenants t ON t.id = i.tenant_id WHERE i.region_id = $1`,
      [region.id],
    );
    return { cloud: cloud.length, known: rows.length };
  });
  return { seconds: (performance.now() - started) / 1000, ...counts };
}

async function eventsAfter(maestro: Maestro, seq: number): Promise<Record<string, number>> {
  const { rows } = await maestro.db.query<{ type: string; n: number }>(
    'SELECT type, count(*)::int AS n FROM event_log WHERE seq > $1 GROUP BY type ORDER BY type',
    [seq],
  );
  return Object.fromEntries(rows.map((row) => [row.type, row.n]));
}

const headOf = async (maestro: Maestro) =>
  (await maestro.db.query<{ seq: number }>('SELECT seq::int AS seq FROM event_log_head')).rows[0]!.seq;

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`discovery: ${message}`);
}

async function measureFlavour(flavour: Flavour): Promise<Figure[]> {
  const server = await startBenchServer(flavour);
  try {
    const { maestro, client } = server;
    const settingUp = performance.now();
    await simulatedTenants(client, { customer: 'DISCO', region: REGION, tenants: TENANTS });
    const known = await bulkInstances(maestro, {
      region: REGION,
      tenants: TENANTS,
      count: INSTANCES,
      tags: (i) => ({ tenant: TENANTS[i % TENANTS.length]!.toLowerCase(), app: `app-${i % 100}` }),
    });
    await changeOutside(maestro, known);
    if (maestro.db.kind === 'postgres') await maestro.db.exec('ANALYZE');
    const setUpSeconds = (performance.now() - settingUp) / 1000;

    await readBothLists(maestro); // warm-up: both tables in the cache
    const before = await readBothLists(maestro);
    check(before.cloud === INSTANCES && before.known === INSTANCES, `set-up left ${before.cloud} VMs and ${before.known} instances`);

    let head = await headOf(maestro);
    let started = performance.now();
    const report = await maestro.services.discover(REGION);
    const seconds = (performance.now() - started) / 1000;
    const recorded = await eventsAfter(maestro, head);
    check(report.discovered === UNKNOWN && report.vanished === VANISHED && report.unassigned === 0, `report ${JSON.stringify(report)}`);
    check(
      Object.keys(recorded).length === 2 && recorded['instance.discovered'] === UNKNOWN && recorded['instance.vanished'] === VANISHED,
      `recorded ${JSON.stringify(recorded)} for ${UNKNOWN + VANISHED} changes`,
    );
    const { rows: states } = await maestro.db.query<{ unmanaged: number; vanished: number }>(
      `SELECT count(*) FILTER (WHERE NOT managed)::int AS unmanaged,
              count(*) FILTER (WHERE state = 'terminated' AND state_reason = 'no longer exists in the cloud')::int AS vanished
         FROM instances`,
    );
    check(states[0]!.unmanaged === UNKNOWN && states[0]!.vanished === VANISHED, `projections hold ${JSON.stringify(states[0])}`);
    const after = await readBothLists(maestro);

    // The periodic run that finds nothing new: the steady state.
    head = await headOf(maestro);
    started = performance.now();
    const again = await maestro.services.discover(REGION);
    const quietSeconds = (performance.now() - started) / 1000;
    check(again.discovered + again.vanished === 0 && (await headOf(maestro)) === head, `a second run changed ${JSON.stringify(again)}`);

    const baseline = { name: 'bare read of both lists', value: (before.seconds + after.seconds) / 2 };
    const name = `discovery ${INSTANCES / 1000}k instances`;
    return [
      {
        benchmark: 'discovery',
        name: `${name}, ${UNKNOWN / 1000}k new + ${VANISHED / 1000}k vanished, ${flavourName[flavour]}`,
        value: seconds,
        unit: 's',
        baseline,
        ...(flavour === 'postgres' ? { target: { kind: 'at-most' as const, value: 10 } } : {}),
        details: {
          events: recorded,
          reportMs: report.milliseconds,
          baselineSeconds: [round2(before.seconds), round2(after.seconds)],
          setUpSeconds: round2(setUpSeconds),
        },
      },
      {
        benchmark: 'discovery',
        name: `${name}, no changes, ${flavourName[flavour]}`,
        value: quietSeconds,
        unit: 's',
        baseline,
        details: { unchanged: again.unchanged },
      },
    ];
  } finally {
    await server.close();
  }
}

export async function discovery(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  // PostgreSQL carries the target; PGlite is shown for information.
  for (const flavour of [...flavours].reverse()) figures.push(...(await measureFlavour(flavour)));
  return figures;
}
