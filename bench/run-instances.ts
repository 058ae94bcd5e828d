// 5. Running 1,000 instances through the signed JSON-RPC API (`instances.run`, simulator at zero
// latency), against inserting the same rows (simulator VMs, instance rows, log events) into bare
// tables in the same batches.
import type { Database } from '../src/store/database.js';
import type { MaestroClient } from '../src/sdk/client.js';
import { percentile, round2, simulatedTenants, startBenchServer } from './support/compute.js';
import { flavourName, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const TENANT = 'RUNNER';
const REGION = 'SIM-RUN';
const ROUNDS = 4;

interface Scenario {
  calls: number;
  /** Instances per call (the API allows at most 500). */
  count: number;
  clients: number;
  /** Whether the 500 instances/s target applies (realistic batches); the others are for information. */
  target: boolean;
}

const scenarios: Scenario[] = [
  { calls: 10, count: 100, clients: 1, target: true },
  { calls: 10, count: 100, clients: 4, target: true },
  { calls: 2, count: 500, clients: 1, target: false },
  { calls: 100, count: 1, clients: 4, target: false },
];

const label = (s: Scenario) => `${s.calls} × ${s.count}, ${s.clients} client${s.clients > 1 ? 's' : ''}`;

/** Runs `jobs` with `workers` in parallel, each taking the next job when done. */
async function inParallel<T>(jobs: number, workers: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(jobs);
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < jobs) {
        const index = next++;
        results[index] = await job(index);
      }
    }),
  );
  return results;
}

interface ApiRun {
  seconds: number;
  /** Until the state sync has recorded every instance as running. */
  runningSeconds: number;
  callMs: number[];
  /** Instance ids, per call. */
  batches: string[][];
}

async function runThroughApi(client: MaestroClient, db: Database, scenario: Scenario, round: number): Promise<ApiRun> {
  const callMs: number[] = [];
  const started = performance.now();
  const batches = await inParallel(scenario.calls, scenario.clients, async (index) => {
    const sent = performance.now();
    const { instances } = await client.instances.run({
      tenant: TENANT,
      region: REGION,
      image: 'ubuntu-24.04',
      shape: 'SMALL',
      count: scenario.count,
      tags: { env: 'bench', round: String(round), call: String(index) },
    });
    callMs.push(performance.now() - sent);
    if (instances.length !== scenario.count) throw new Error(`asked for ${scenario.count} instances, got ${instances.length}`);
    return instances.map((instance) => instance.id);
  });
  const seconds = (performance.now() - started) / 1000;
  const ids = batches.flat();
  for (;;) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM instances WHERE id = ANY($1::uuid[]) AND state = 'running'`, [ids]);
    if (rows[0]!.n === ids.length) break;
    if (performance.now() - started > 120_000) throw new Error(`only ${rows[0]!.n} of ${ids.length} instances became running`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { seconds, runningSeconds: (performance.now() - started) / 1000, callMs, batches };
}

interface CallRows {
  sim: string;
  instances: string;
  events: string;
}

/** What one call wrote, as JSON, read back after the run (untimed). */
async function rowsOf(db: Database, ids: readonly string[]): Promise<CallRows> {
  const { rows } = await db.query<CallRows>(
    `SELECT (SELECT jsonb_agg(v)::text FROM sim_vms v JOIN instances i ON i.native_id = v.native_id WHERE i.id = ANY($1::uuid[])) AS sim,
            (SELECT jsonb_agg(i)::text FROM instances i WHERE i.id = ANY($1::uuid[])) AS instances,
            (SELECT jsonb_agg(e)::text FROM event_log e WHERE e.type = 'instance.launched' AND e.target_id = ANY($2::text[])) AS events`,
    [ids, ids],
  );
  return rows[0]!;
}

/** The same rows inserted into plain tables (no keys, no indexes), one transaction per call. */
async function insertBare(db: Database, batches: readonly CallRows[], clients: number): Promise<number> {
  const started = performance.now();
  await inParallel(batches.length, clients, (index) =>
    db.transaction(async (tx) => {
      const rows = batches[index]!;
      await tx.query('INSERT INTO bench_sim_vms SELECT * FROM jsonb_populate_recordset(null::bench_sim_vms, $1::jsonb)', [rows.sim]);
      await tx.query('INSERT INTO bench_instances SELECT * FROM jsonb_populate_recordset(null::bench_instances, $1::jsonb)', [rows.instances]);
      await tx.query('INSERT INTO bench_event_log SELECT * FROM jsonb_populate_recordset(null::bench_event_log, $1::jsonb)', [rows.events]);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function measureScenario(client: MaestroClient, db: Database, scenario: Scenario, flavour: Flavour): Promise<Figure> {
  const instances = scenario.calls * scenario.count;
  const api: ApiRun[] = [];
  const bare: number[] = [];
  // A B B A …: a burst of load elsewhere hits both sides alike. Every bare round inserts the rows
  // the first API round wrote.
  const rows: CallRows[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const apiFirst = round % 2 === 0;
    if (apiFirst) api.push(await runThroughApi(client, db, scenario, round));
    if (rows.length === 0) {
      for (const ids of api[0]!.batches) rows.push(await rowsOf(db, ids));
      if (rows.some((r) => !r.sim || !r.instances || !r.events)) throw new Error('the rows of a run could not be read back');
    }
    bare.push(await insertBare(db, rows, scenario.clients));
    if (!apiFirst) api.push(await runThroughApi(client, db, scenario, round));
  }

  const seconds = api.reduce((sum, run) => sum + run.seconds, 0);
  const bareSeconds = bare.reduce((sum, s) => sum + s, 0);
  const callMs = api.flatMap((run) => run.callMs).sort((a, b) => a - b);
  return {
    benchmark: 'run-instances',
    name: `instances.run ${label(scenario)}, ${flavourName[flavour]}`,
    value: (instances * api.length) / seconds,
    unit: 'instances/s',
    baseline: { name: 'bare INSERT, same rows', value: (instances * bare.length) / bareSeconds },
    ...(scenario.target ? { target: { kind: 'at-least' as const, value: 500 } } : {}),
    details: {
      instances,
      rounds: api.length,
      secondsPerRound: api.map((run) => round2(run.seconds)),
      untilRunningSeconds: api.map((run) => round2(run.runningSeconds)),
      callP50Ms: round2(percentile(callMs, 50)),
      callMaxMs: round2(callMs.at(-1)!),
      bareSecondsPerRound: bare.map(round2),
    },
  };
}

async function measureFlavour(flavour: Flavour): Promise<Figure[]> {
  const server = await startBenchServer(flavour);
  try {
    const { client, maestro } = server;
    await simulatedTenants(client, { customer: 'BENCH', region: REGION, tenants: [TENANT] });
    // Room for every round: the default capacity of a simulated region holds about 4,000 SMALL VMs.
    await client.simulator.configure({ region: REGION, cpu: 1_000_000, ramGb: 100_000_000, diskGb: 1_000_000_000 });
    for (const table of ['sim_vms', 'instances', 'event_log']) await maestro.db.exec(`CREATE TABLE bench_${table} (LIKE ${table})`);
    // Warm-up: plans cached, handlers and schemas compiled.
    await runThroughApi(client, maestro.db, { calls: 4, count: 100, clients: 2, target: false }, -1);

    const figures: Figure[] = [];
    for (const scenario of scenarios) figures.push(await measureScenario(client, maestro.db, scenario, flavour));
    return figures;
  } finally {
    await server.close();
  }
}

export async function runInstances(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of flavours) figures.push(...(await measureFlavour(flavour)));
  return figures;
}
