import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { afterFailure } from '../../src/server/jobs/backoff.js';
import { expireLeases, renewLeases } from '../../src/server/jobs/leases.js';
import { claim, deleteFinished, enqueue, fail, postpone, retryFailed, succeed } from '../../src/server/jobs/queue.js';
import { openPostgres } from '../../src/store/postgres.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { jobRow } from './support/helpers.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const LEASE = 1000;
const nodeA = randomUUID();
const nodeB = randomUUID();
const types = ['test.work'];

for (const flavour of flavours) {
  describe(`the job queue (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await flavour.open();
    });
    after(() => t?.close());
    beforeEach(() => t.db.query('DELETE FROM jobs'));

    const add = (job: Partial<Parameters<typeof enqueue>[1]> = {}, now = T0) => enqueue(t.db, { type: 'test.work', ...job }, now);
    const claimOne = (nodeId: string, now = T0) => claim(t.db, { nodeId, types, limit: 1, now, leaseMs: LEASE });

    it('claims the most urgent due job first: priority, then not-before time, and nothing before its time', async () => {
      const low = await add({ payload: { n: 'low' } });
      const high = await add({ payload: { n: 'high' }, priority: 10 });
      const early = await add({ payload: { n: 'early' }, priority: 10, runAt: later(-60_000) });
      const future = await add({ payload: { n: 'future' }, priority: 100, runAt: later(60_000) });
      await add({ type: 'test.other', priority: 1000 });
      const order: string[] = [];
      for (let i = 0; i < 4; i++) order.push(...(await claimOne(nodeA)).map((job) => job.id));
      assert.deepEqual(order, [early.id, high.id, low.id], 'the future job and the unknown type stay');
      assert.deepEqual((await claimOne(nodeA, later(60_000))).map((job) => job.id), [future.id]);
    });

    it('gives each job to one claimer, however many claim at once', async () => {
      for (let i = 0; i < 60; i++) await add({ payload: { i } });
      // A second connection to the same database where there is one (another node's pool).
      const other = t.url ? await openPostgres({ url: t.url, poolSize: 4 }) : t.db;
      try {
        const claims = await Promise.all(
          Array.from({ length: 12 }, (_, i) => claim(i % 2 ? other : t.db, { nodeId: i % 2 ? nodeB : nodeA, types, limit: 7, now: T0, leaseMs: LEASE })),
        );
        const ids = claims.flat().map((job) => job.id);
        assert.equal(ids.length, 60);
        assert.equal(new Set(ids).size, 60, 'no job claimed twice');
        assert.ok(claims.flat().every((job) => job.attempts === 1));
      } finally {
        if (other !== t.db) await other.close();
      }
    });

    it('enqueues one job per idempotency key', async () => {
      const first = await add({ idempotencyKey: 'nightly:2026-03-01', payload: { n: 1 } });
      const again = await add({ idempotencyKey: 'nightly:2026-03-01', payload: { n: 2 } });
      assert.deepEqual(again, { id: first.id, created: false });
      assert.equal(first.created, true);
      const { rows } = await t.db.query<{ payload: unknown }>('SELECT payload FROM jobs');
      assert.deepEqual(rows, [{ payload: { n: 1 } }]);
    });

    it('records success with the result, only for the node that still holds the lease', async () => {
      const { id } = await add();
      const [job] = await claimOne(nodeA);
      assert.deepEqual(await succeed(t.db, nodeB, [{ id, attempt: 1, result: 'not mine' }], T0), new Set());
      assert.deepEqual(await succeed(t.db, nodeA, [{ id, attempt: job!.attempts, result: { billed: 3 } }], later(10)), new Set([id]));
      const row = await jobRow(t.db, id);
      assert.equal(row.status, 'success');
      assert.deepEqual(row.result, { billed: 3 });
      assert.equal(row.finishedAt, later(10).toISOString());
    });

    it('returns a job whose lease expired to the queue, counting the attempt, and fences the late node out', async () => {
      const { id } = await add({ maxAttempts: 3, backoffMs: 500 });
      await claimOne(nodeA);
      assert.equal((await t.db.transaction((tx) => expireLeases(tx, later(LEASE - 1)))).expired, 0, 'not before the lease ends');
      // Renewed in time, the lease lasts.
      assert.deepEqual(await renewLeases(t.db, nodeA, [{ id, attempt: 1 }], later(2 * LEASE), later(LEASE - 1)), new Set([id]));
      assert.equal((await t.db.transaction((tx) => expireLeases(tx, later(LEASE + 1)))).expired, 0);

      const expired = await t.db.transaction((tx) => expireLeases(tx, later(2 * LEASE + 1)));
      assert.deepEqual(expired, { expired: 1, failed: [] });
      const requeued = await jobRow(t.db, id);
      assert.equal(requeued.status, 'pending');
      assert.equal(requeued.attempts, 1);
      assert.equal(requeued.runAt, later(2 * LEASE + 1 + 500).toISOString(), 'after its back-off');
      assert.match(requeued.error!, /lease expired/);

      assert.deepEqual(await claimOne(nodeB, later(2 * LEASE + 100)), [], 'not during its back-off');
      const [again] = await claimOne(nodeB, later(3 * LEASE));
      assert.equal(again!.attempts, 2);
      // Node A comes back from its pause: nothing it reports counts.
      assert.deepEqual(await renewLeases(t.db, nodeA, [{ id, attempt: 1 }], later(5 * LEASE), later(3 * LEASE)), new Set());
      assert.deepEqual(await succeed(t.db, nodeA, [{ id, attempt: 1, result: null }], later(3 * LEASE)), new Set());
      assert.equal(await fail(t.db, nodeA, { id, attempt: 1 }, { status: 'failed' }, { message: 'late', stack: null }, later(3 * LEASE)), null);
      assert.equal((await jobRow(t.db, id)).status, 'processing');
    });

    it('fails a job for good when its last lease expires', async () => {
      const { id } = await add({ maxAttempts: 1 });
      await claimOne(nodeA);
      const { failed } = await t.db.transaction((tx) => expireLeases(tx, later(LEASE + 1)));
      assert.deepEqual(failed.map((job) => [job.id, job.attempts]), [[id, 1]]);
      const row = await jobRow(t.db, id);
      assert.equal(row.status, 'failed');
      assert.ok(row.finishedAt);
    });

    it('retries a failed attempt after its back-off, then fails the job with the error and its stack', async () => {
      const { id } = await add({ maxAttempts: 2, backoffMs: 1000 });
      const error = new Error('cloud unavailable');
      const [first] = await claimOne(nodeA);
      const retrying = await fail(t.db, nodeA, { id, attempt: 1 }, afterFailure(first!, T0), { message: error.message, stack: error.stack! }, T0);
      assert.equal(retrying!.status, 'pending');
      assert.equal((await jobRow(t.db, id)).runAt, later(1000).toISOString());

      const [second] = await claimOne(nodeB, later(1000));
      assert.equal(second!.attempts, 2);
      const failed = await fail(t.db, nodeB, { id, attempt: 2 }, afterFailure(second!, later(1000)), { message: error.message, stack: error.stack! }, later(1000));
      assert.equal(failed!.status, 'failed');
      const row = await jobRow(t.db, id);
      assert.equal(row.status, 'failed');
      assert.equal(row.error, 'cloud unavailable');
      assert.match(row.errorStack!, /queue\.test\.ts/);
      assert.deepEqual(await claimOne(nodeA, later(10_000)), [], 'a failed job is never claimed again');

      // An administrator's retry: back to the queue with all its attempts.
      assert.deepEqual(await retryFailed(t.db, id, later(20_000)), { id, type: 'test.work', error: 'cloud unavailable' });
      assert.equal(await retryFailed(t.db, id, later(20_000)), null, 'only a failed job');
      const [retried] = await claimOne(nodeA, later(20_000));
      assert.equal(retried!.attempts, 1);
    });

    it('postpones a job at its handler\'s request without counting the attempt', async () => {
      const { id } = await add({ maxAttempts: 1 });
      await claimOne(nodeA);
      assert.equal(await postpone(t.db, nodeB, { id, attempt: 1 }, later(5000), T0), false, 'not by another node');
      assert.equal(await postpone(t.db, nodeA, { id, attempt: 1 }, later(5000), T0), true);
      const row = await jobRow(t.db, id);
      assert.deepEqual([row.status, row.attempts, row.runAt], ['postponed', 0, later(5000).toISOString()]);
      assert.deepEqual(await claimOne(nodeB, later(4999)), []);
      const [again] = await claimOne(nodeB, later(5000));
      assert.equal(again!.attempts, 1, 'its one attempt is still there');
    });

    it('deletes finished jobs older than the retention, and nothing else', async () => {
      const old = await add();
      const recent = await add();
      const waiting = await add({ runAt: later(10 * 86_400_000) });
      for (const [job, at] of [
        [old, T0],
        [recent, later(2 * 86_400_000)],
      ] as const) {
        await t.db.query(`UPDATE jobs SET status = 'success', finished_at = $2 WHERE id = $1`, [job.id, at.toISOString()]);
      }
      assert.equal(await deleteFinished(t.db, later(86_400_000), 1), 1);
      const { rows } = await t.db.query<{ id: string }>('SELECT id FROM jobs ORDER BY id');
      assert.deepEqual(rows.map((row) => row.id), [recent.id, waiting.id]);
    });
  });
}
