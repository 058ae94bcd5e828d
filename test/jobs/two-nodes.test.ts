import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JOBS_CHANNEL } from '../../src/server/jobs/engine.js';
import { enqueue } from '../../src/server/jobs/queue.js';
import { defineRecurring, removeRecurring } from '../../src/server/jobs/recurring.js';
import { listNodes } from '../../src/server/queries/jobs.js';
import type { Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { openPostgres } from '../../src/store/postgres.js';
import { createPostgresDatabase, postgresSkip } from '../support/databases.js';
import { waitFor } from './support/helpers.js';

// Long enough that a child starved of CPU on a loaded machine still renews in time; the kill test
// waits about this long for the re-run.
const LEASE_MS = 4000;
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'job-node.ts');

interface Child {
  name: string;
  process: ChildProcess;
}

/** Starts a node process and waits until it is ready. */
async function startChild(name: string, url: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, DATABASE_URL: url, NODE_NAME: name, LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => line === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`node ${name} exited with ${code} before it was ready`)));
  });
  await ready;
  return { name, process: child };
}

async function stopChild(child: Child, signal: NodeJS.Signals): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = once(child.process, 'exit');
  child.process.kill(signal);
  await exited;
}

interface Run {
  jobId: string;
  node: string;
  attempt: number;
}

describe('two server processes sharing one PostgreSQL', { skip: await postgresSkip() }, () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Database;
  const children: Child[] = [];

  before(async () => {
    database = await createPostgresDatabase();
    db = await openPostgres({ url: database.url, poolSize: 4 });
    await migrate(db);
    await db.exec('CREATE TABLE job_runs (job_id uuid NOT NULL, node text NOT NULL, attempt integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    // One after the other: the first creates the administrator.
    children.push(await startChild('node-a', database.url));
    children.push(await startChild('node-b', database.url));
  });
  after(async () => {
    for (const child of children) await stopChild(child, 'SIGTERM');
    await db?.close();
    await database?.drop();
  });

  const add = async (payload: Record<string, unknown>) => {
    // This process is no node: it says what a node would take from the type's registration.
    const job = await enqueue(db, { type: 'test.record', payload, backoffMs: 100 }, new Date());
    await db.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, 'test.record']);
    return job.id;
  };
  const runsOf = async (ids: readonly string[]) =>
    (
      await db.query<Run>('SELECT job_id AS "jobId", node, attempt FROM job_runs WHERE job_id = ANY($1::uuid[]) ORDER BY at', [[...ids]])
    ).rows;
  const allSucceeded = (ids: readonly string[]) =>
    waitFor(
      async () => {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1::uuid[]) AND status = 'success'`, [[...ids]]);
        return rows[0]!.n === ids.length;
      },
      'the jobs to succeed',
    );

  it('runs each job once, on whichever node claims it first', async () => {
    const ids: string[] = [];
    // Each job holds its slot until both nodes have run one: neither node can take them all.
    for (let i = 0; i < 40; i++) ids.push(await add({ sleepMs: 20, untilNodes: 2 }));
    await allSucceeded(ids);
    const runs = await runsOf(ids);
    assert.equal(runs.length, 40, 'one run per job');
    assert.equal(new Set(runs.map((run) => run.jobId)).size, 40);
    assert.deepEqual(new Set(runs.map((run) => run.node)), new Set(['node-a', 'node-b']), 'both nodes took part');
  });

  it('enqueues a recurring job once per due time, whichever node sees it', async () => {
    const everyMs = 250;
    await defineRecurring(db, { name: 'test.beat', type: 'test.record', schedule: { everyMs } }, new Date());
    const enqueued = async () =>
      (await db.query<{ id: string; key: string }>(`SELECT id, idempotency_key AS key FROM jobs WHERE recurring = 'test.beat' ORDER BY key`)).rows;
    // However slow the machine, both nodes poll until several due times have come.
    await waitFor(async () => (await enqueued()).length >= 4, 'four due times of test.beat');
    await removeRecurring(db, 'test.beat');
    const rows = await enqueued();
    await allSucceeded(rows.map((row) => row.id));
    const dueTimes = rows.map((row) => Date.parse(row.key.slice('recurring:test.beat:'.length)));
    // Each on the schedule's grid and none twice: every node polled, one of them enqueued each.
    // (A node that falls behind enqueues only the latest due time it missed, so gaps may occur.)
    assert.deepEqual(dueTimes.filter((time) => time % everyMs !== 0), []);
    assert.equal(new Set(dueTimes).size, dueTimes.length);
    const runs = await runsOf(rows.map((row) => row.id));
    assert.equal(runs.length, rows.length, 'each ran once');
  });

  it('runs the job of a node killed mid-job again on the other node, once its lease has expired', async () => {
    const id = await add({ firstAttemptMs: 60_000 });
    const [first] = await waitFor(async () => {
      const runs = await runsOf([id]);
      return runs.length > 0 && runs;
    }, 'the first attempt to start');
    const victim = children.find((child) => child.name === first!.node)!;
    const killedAt = Date.now();
    await stopChild(victim, 'SIGKILL');
    await allSucceeded([id]);
    const rerunAfter = Date.now() - killedAt;
    const runs = await runsOf([id]);
    const survivor = children.find((child) => child !== victim)!.name;
    assert.deepEqual(
      runs.map((run) => [run.node, run.attempt]),
      [
        [victim.name, 1],
        [survivor, 2],
      ],
    );
    // Not before the lease (renewed every third of it) could have run out.
    assert.ok(rerunAfter >= LEASE_MS / 2, `re-run ${rerunAfter} ms after the kill`);
    const { rows } = await db.query<{ attempts: number; error: string | null }>('SELECT attempts, error FROM jobs WHERE id = $1', [id]);
    assert.deepEqual(rows, [{ attempts: 2, error: null }]);
    // A node is lost when its last beat is older than the limit: the killed one never beats again,
    // the survivor beats every 200 ms, so with the kill as the limit the survivor soon counts as running.
    const statuses = await waitFor(async () => {
      const nodes = await listNodes(db, { lostBefore: new Date(killedAt) }, { limit: 10 });
      const byName = Object.fromEntries(nodes.items.map((node) => [node.name, node.status]));
      return byName[survivor] === 'running' && byName;
    }, 'the surviving node to beat after the kill');
    assert.deepEqual(statuses, { [victim.name]: 'lost', [survivor]: 'running' }, 'the killed node could not say it stopped: it is lost');
  });
});
