// 11. The job engine: jobs with a no-op handler claimed and completed by two nodes sharing one
// PostgreSQL (one node on PGlite), against a bare UPDATE … RETURNING loop over the same rows.
import { loadConfig } from '../src/server/config.js';
import { JOBS_CHANNEL } from '../src/server/jobs/engine.js';
import { startMaestro, type Maestro } from '../src/server/runtime.js';
import type { Database } from '../src/store/database.js';
import { openPostgres } from '../src/store/postgres.js';
import { createBenchPostgresDatabase, flavourName, openBenchDatabase, tempDir, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const TYPE = 'bench.noop';

interface Setup {
  db: Database;
  nodes: Maestro[];
  /** Resolves when the handlers of all nodes together have run `count` more jobs. */
  runs(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Nodes as `npm start` starts them (no HTTP), with the no-op job type, on a fresh database. */
async function setUp(flavour: Flavour, nodeCount: number, concurrency: number): Promise<Setup> {
  const temp = tempDir('jobs');
  const postgres = flavour === 'postgres' ? await createBenchPostgresDatabase() : null;
  // PGlite is one embedded connection: its node and the bench share it.
  const shared = postgres ? null : await openBenchDatabase('pglite');
  const nodes: Maestro[] = [];
  let ran = 0;
  let waiting: { until: number; resolve: () => void } | null = null;
  for (let i = 0; i < nodeCount; i++) {
    const maestro = await startMaestro({
      config: loadConfig({}, {
        dataDir: `${temp.dir}/${i}`,
        logLevel: 'silent',
        nodeName: `bench-${i}`,
        systemJobs: false,
        defaultSimulatedRegion: false,
        jobConcurrency: concurrency,
        ...(postgres ? { databaseUrl: postgres.url } : {}),
      }),
      listen: false,
      ...(shared ? { db: shared.db } : {}),
    });
    maestro.jobs.register(TYPE, async () => {
      ran += 1;
      if (waiting && ran >= waiting.until) waiting.resolve();
    });
    nodes.push(maestro);
  }
  const db = shared?.db ?? (await openPostgres({ url: postgres!.url, poolSize: 4 }));
  return {
    db,
    nodes,
    runs: (count) => new Promise((resolve) => (waiting = { until: ran + count, resolve })),
    async close() {
      for (const node of nodes) await node.close();
      if (shared) await shared.close();
      else await db.close();
      await postgres?.drop();
      temp.remove();
    },
  };
}

/** `count` pending jobs (or plain rows) in bulk, not due until released. */
async function insertJobs(db: Database, table: string, count: number): Promise<void> {
  await db.query(
    `INSERT INTO ${table} (id, type, payload, status, priority, run_at, attempts, max_attempts, backoff_ms, created_at, updated_at)
     SELECT gen_random_uuid(), $1, '{}'::jsonb, 'pending', 0, 'infinity', 0, 5, 10000, now(), now() FROM generate_series(1, $2)`,
    [TYPE, count],
  );
}

async function allSucceeded(db: Database, table: string, count: number): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE status = 'success'`);
    if (rows[0]!.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Seconds for the nodes to claim and complete `count` jobs, from the moment they become due. */
async function engineRound(setup: Setup, count: number): Promise<number> {
  await setup.db.query(`DELETE FROM jobs`);
  await insertJobs(setup.db, 'jobs', count);
  const ran = setup.runs(count);
  const started = performance.now();
  await setup.db.query(`UPDATE jobs SET run_at = '-infinity'`);
  if (setup.db.kind === 'postgres') await setup.db.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, TYPE]);
  for (const node of setup.nodes) node.jobs.wake();
  await ran;
  await allSucceeded(setup.db, 'jobs', count);
  return (performance.now() - started) / 1000;
}

/**
 * The baseline: the least a SKIP LOCKED queue does per job, one statement taking the most urgent
 * due row and marking it done, with as many connections as there are nodes.
 */
async function baselineRound(setup: Setup, connections: readonly Database[], count: number): Promise<number> {
  await setup.db.query(`DELETE FROM bench_plain_jobs`);
  await insertJobs(setup.db, 'bench_plain_jobs', count);
  await setup.db.query(`UPDATE bench_plain_jobs SET run_at = '-infinity'`);
  const started = performance.now();
  await Promise.all(
    connections.map(async (db) => {
      for (;;) {
        const { rows } = await db.query(
          `UPDATE bench_plain_jobs SET status = 'success', attempts = attempts + 1, finished_at = now(), updated_at = now()
            WHERE id = (SELECT id FROM bench_plain_jobs WHERE status IN ('pending', 'postponed') AND run_at <= now()
                         ORDER BY priority DESC, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id`,
        );
        if (rows.length === 0) return;
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function measure(flavour: Flavour, nodeCount: number, concurrency: number, count: number, target?: number): Promise<Figure> {
  const setup = await setUp(flavour, nodeCount, concurrency);
  // Concurrent loops on the pool each get a connection of their own (PGlite has one for all).
  const connections = Array.from({ length: nodeCount }, () => setup.db);
  try {
    await setup.db.exec('CREATE TABLE bench_plain_jobs (LIKE jobs INCLUDING ALL)');
    // Warm-up: plans cached, tables in memory.
    await engineRound(setup, 1000);
    await baselineRound(setup, connections, 1000);
    // A B B A: a burst of load elsewhere hits both sides alike.
    const baseline = [await baselineRound(setup, connections, count)];
    const engine = [await engineRound(setup, count), await engineRound(setup, count)];
    baseline.push(await baselineRound(setup, connections, count));
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    return {
      benchmark: 'jobs',
      name: `jobs claimed and completed, ${nodeCount} node${nodeCount > 1 ? 's' : ''} × ${concurrency}, no-op handler, ${flavourName[flavour]}`,
      value: count / mean(engine),
      unit: 'jobs/s',
      baseline: { name: `bare UPDATE … RETURNING, one job a statement, ${nodeCount} connection${nodeCount > 1 ? 's' : ''}`, value: count / mean(baseline) },
      ...(target !== undefined ? { target: { kind: 'at-least' as const, value: target } } : {}),
      details: { jobs: count, engineSeconds: engine.map((s) => Number(s.toFixed(2))), baselineSeconds: baseline.map((s) => Number(s.toFixed(2))) },
    };
  } finally {
    await setup.close();
  }
}

export async function jobs(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  if (flavours.includes('postgres')) {
    figures.push(await measure('postgres', 2, 4, 10_000, 1000));
    figures.push(await measure('postgres', 2, 32, 10_000));
  }
  if (flavours.includes('pglite')) figures.push(await measure('pglite', 1, 4, 5_000));
  return figures;
}
