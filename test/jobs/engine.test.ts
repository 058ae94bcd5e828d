import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { ManualClock } from '../../src/domain/clock.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startNode, type TestNode } from '../support/store-helpers.js';
import { jobRow, jobsOfType, waitFor } from './support/helpers.js';

const quiet = { systemJobs: false, jobPollMs: 20 } as const;

for (const flavour of flavours) {
  describe(`the job engine (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    let node: TestNode;
    before(async () => {
      t = await flavour.open();
      node = await startNode(t.db, { config: { ...quiet, jobLeaseMs: 300 } });
    });
    after(async () => {
      await node?.close();
      await t?.close();
    });

    const finished = (id: string) =>
      waitFor(async () => {
        const row = await jobRow(t.db, id);
        return ['success', 'failed'].includes(row.status) && row;
      }, `job ${id} to finish`);

    it('runs an enqueued job once and keeps its result', async () => {
      let runs = 0;
      node.maestro.jobs.register('test.echo', async (payload: unknown) => {
        runs += 1;
        return { echoed: payload };
      });
      const { id } = await node.maestro.jobs.enqueue({ type: 'test.echo', payload: { hello: 'world' } });
      const row = await finished(id);
      assert.deepEqual([row.status, row.attempts, row.result, runs], ['success', 1, { echoed: { hello: 'world' } }, 1]);
      assert.equal(row.nodeId, node.maestro.jobs.nodeId);
    });

    it('retries a handler that throws, with back-off, then fails the job with the error and stack and records job.failed', async () => {
      const attempts: number[] = [];
      node.maestro.jobs.register(
        'test.broken',
        async function alwaysBroken(_payload, ctx) {
          attempts.push(ctx.job.attempts);
          throw new Error('the cloud said no');
        },
        { maxAttempts: 3, backoffMs: 20 },
      );
      const { id } = await node.maestro.jobs.enqueue({ type: 'test.broken', tenantId: null });
      const row = await finished(id);
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual([row.status, row.attempts, row.error], ['failed', 3, 'the cloud said no']);
      assert.match(row.errorStack!, /alwaysBroken/);
      const { rows } = await t.db.query<{ outcome: string; data: Record<string, unknown> }>(
        `SELECT outcome, data FROM event_log WHERE type = 'job.failed' AND target_id = $1`,
        [id],
      );
      assert.equal(rows.length, 1, 'one event, when it failed for good');
      assert.equal(rows[0]!.outcome, 'failure');
      assert.deepEqual(rows[0]!.data, { id, type: 'test.broken', attempts: 3, error: 'the cloud said no', recurring: null, node: 'test-node' });
    });

    it('fails a job whose payload cannot be valid at once, without retrying', async () => {
      let runs = 0;
      node.maestro.jobs.register('test.typed', async () => void (runs += 1), { payload: z.object({ tenant: z.string() }), maxAttempts: 5 });
      const { id } = await node.maestro.jobs.enqueue({ type: 'test.typed', payload: { tenant: 42 } });
      const row = await finished(id);
      assert.deepEqual([row.status, row.attempts, runs], ['failed', 1, 0]);
      assert.match(row.error!, /invalid payload for test.typed: tenant/);
    });

    it('runs a postponed job again later, without counting the postponement as an attempt', async () => {
      const seen: string[] = [];
      node.maestro.jobs.register(
        'test.patient',
        async (_payload, ctx) => {
          const { rows } = await t.db.query<{ status: string }>('SELECT status FROM jobs WHERE id = $1', [ctx.job.id]);
          seen.push(rows[0]!.status);
          return seen.length === 1 ? ctx.postpone(50) : 'ready now';
        },
        { maxAttempts: 1 },
      );
      const { id } = await node.maestro.jobs.enqueue({ type: 'test.patient' });
      const row = await finished(id);
      assert.deepEqual([row.status, row.attempts, row.result, seen], ['success', 1, 'ready now', ['processing', 'processing']]);
    });

    it('registers this node with a heartbeat', async () => {
      const { rows } = await t.db.query<{ name: string; status: string; load: { jobConcurrency: number } }>(
        'SELECT name, status, load FROM nodes WHERE id = $1',
        [node.maestro.jobs.nodeId],
      );
      assert.deepEqual(rows.map((row) => [row.name, row.status, row.load.jobConcurrency]), [['test-node', 'running', 4]]);
    });
  });

  describe(`job leases (${flavour.name})`, { skip: await flavour.skip() }, () => {
    const LEASE_MS = 300;
    const clock = new ManualClock('2026-03-01T12:00:00.000Z');
    let t: TestDatabase;
    let node: TestNode;
    before(async () => {
      t = await flavour.open();
      node = await startNode(t.db, { clock, config: { ...quiet, jobLeaseMs: LEASE_MS } });
    });
    after(async () => {
      await node?.close();
      await t?.close();
    });

    it('renews the lease of a job that runs longer than the lease, so it runs once', async () => {
      let runs = 0;
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      node.maestro.jobs.register('test.long', async () => {
        runs += 1;
        started();
        await released;
        return 'done';
      });
      const { id } = await node.maestro.jobs.enqueue({ type: 'test.long' });
      await running;
      // Four leases go by, renewed every two thirds of one; each poll would take back a lapsed lease
      // (queue.test.ts shows that it does).
      for (let step = 0; step < 6; step++) {
        clock.advance((LEASE_MS * 2) / 3);
        await node.maestro.jobs.renewLeases();
        await node.maestro.jobs.tick();
        const row = await jobRow(t.db, id);
        assert.deepEqual([row.status, row.attempts, row.nodeId], ['processing', 1, node.maestro.jobs.nodeId], `after step ${step}`);
      }
      release();
      const row = await waitFor(async () => {
        const current = await jobRow(t.db, id);
        return current.status === 'success' && current;
      }, `job ${id} to finish`);
      assert.deepEqual([row.attempts, runs], [1, 1]);
    });
  });

  describe(`recurring jobs on two nodes (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    let second: Database;
    const nodes: TestNode[] = [];
    const clock = new ManualClock('2026-03-01T12:00:00.500Z');
    const runs: Array<{ node: string; key: string | null }> = [];
    let gate: Promise<void> | null = null;

    before(async () => {
      t = await flavour.open();
      // Another pool on the same database where there is a server; PGlite has one connection to share.
      second = t.url ? await openPostgres({ url: t.url, poolSize: 5 }) : t.db;
      for (const [db, name] of [
        [t.db, 'node-a'],
        [second, 'node-b'],
      ] as const) {
        const started = await startNode(db, { clock, nodeName: name, config: quiet });
        started.maestro.jobs.register('test.tick', async (_payload, ctx) => {
          const { rows } = await db.query<{ key: string | null }>('SELECT idempotency_key AS key FROM jobs WHERE id = $1', [ctx.job.id]);
          runs.push({ node: name, key: rows[0]!.key });
          await gate;
        });
        await started.maestro.jobs.defineRecurring({ name: 'test.tick', type: 'test.tick', schedule: { everyMs: 1000 } });
        nodes.push(started);
      }
    });
    after(async () => {
      for (const started of nodes) await started.close();
      if (second && second !== t.db) await second.close();
      await t?.close();
    });

    /** Both nodes look for due recurring jobs, twice each, at the same time. */
    const tickEverywhere = () => Promise.all(nodes.flatMap((started) => [started.maestro.jobs.tick(), started.maestro.jobs.tick()]));
    const allFinished = () =>
      waitFor(async () => (await jobsOfType(t.db, 'test.tick')).every((job) => job.status === 'success'), 'the recurring jobs to finish');

    it('enqueues one job per due time across nodes, and only the latest of the due times missed', async () => {
      await tickEverywhere();
      assert.deepEqual(await jobsOfType(t.db, 'test.tick'), [], 'nothing is due before the first due time');

      clock.set('2026-03-01T12:00:01.000Z');
      await tickEverywhere();
      await allFinished();
      assert.deepEqual(
        (await jobsOfType(t.db, 'test.tick')).map((job) => job.idempotencyKey),
        ['recurring:test.tick:2026-03-01T12:00:01.000Z'],
      );

      // Every node down for ten due times: one job, for the latest.
      clock.set('2026-03-01T12:00:11.300Z');
      await tickEverywhere();
      await allFinished();
      assert.deepEqual(
        (await jobsOfType(t.db, 'test.tick')).map((job) => job.idempotencyKey),
        ['recurring:test.tick:2026-03-01T12:00:01.000Z', 'recurring:test.tick:2026-03-01T12:00:11.000Z'],
      );
      assert.deepEqual(runs.map((run) => run.key), ['recurring:test.tick:2026-03-01T12:00:01.000Z', 'recurring:test.tick:2026-03-01T12:00:11.000Z']);
    });

    it('skips a due time while the previous run has not finished', async () => {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      clock.set('2026-03-01T12:00:12.000Z');
      await tickEverywhere();
      await waitFor(async () => runs.length === 3, 'the third run to start');
      clock.set('2026-03-01T12:00:13.000Z');
      await tickEverywhere();
      open();
      gate = null;
      await allFinished();
      clock.set('2026-03-01T12:00:14.000Z');
      await tickEverywhere();
      await allFinished();
      assert.deepEqual(
        (await jobsOfType(t.db, 'test.tick')).map((job) => job.idempotencyKey!.slice(-13)),
        ['12:00:01.000Z', '12:00:11.000Z', '12:00:12.000Z', '12:00:14.000Z'],
      );
      const { rows } = await t.db.query<{ last: string; next: string }>(
        `SELECT last_scheduled_for AS last, next_run_at AS next FROM recurring_jobs WHERE name = 'test.tick'`,
      );
      assert.deepEqual(rows, [{ last: '2026-03-01T12:00:14.000Z', next: '2026-03-01T12:00:15.000Z' }]);
    });
  });
}
