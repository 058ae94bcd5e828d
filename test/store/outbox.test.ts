import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RecordedEvent } from '../../src/protocol/events.js';
import { createLogger } from '../../src/server/logger.js';
import { OutboxRelay } from '../../src/server/outbox/relay.js';
import type { Database, Queryable } from '../../src/store/database.js';
import { appendEvents, headSeq } from '../../src/store/event-log.js';
import { migrate } from '../../src/store/migrate.js';
import { checkpointOf, deliverNext, registerConsumer, type Consumer } from '../../src/store/outbox.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { flavours } from '../support/databases.js';
import { makeEvent, tempDir } from '../support/store-helpers.js';

const logger = createLogger('silent');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

class Crash extends Error {}

/** Appends `count` events in transactions of 1–4 events each; returns the new head. */
async function appendSome(db: Database, count: number): Promise<number> {
  let left = count;
  let i = 0;
  while (left > 0) {
    const size = Math.min(left, 1 + (i++ % 4));
    await db.transaction((tx) => appendEvents(tx, Array.from({ length: size }, () => makeEvent())));
    left -= size;
  }
  return headSeq(db);
}

/** The seqs a recording consumer wrote, in order, duplicates included. */
async function seenBy(db: Queryable, consumer: string): Promise<number[]> {
  const { rows } = await db.query<{ seq: number }>('SELECT seq FROM outbox_seen WHERE consumer = $1 ORDER BY seq', [consumer]);
  return rows.map((row) => row.seq);
}

/**
 * A transactional consumer that records every seq it handles in `outbox_seen`, in its own
 * transaction. `crashAt(seq)` decides whether to fail mid-batch, after writing part of it.
 */
function recorder(name: string, options: { batchSize?: number; node?: string; crashAt?: (seq: number) => boolean; slow?: boolean } = {}) {
  const consumer: Consumer & { handled: number; crashes: number } = {
    name,
    mode: 'transactional',
    batchSize: options.batchSize ?? 10,
    handled: 0,
    crashes: 0,
    async handle(events, tx) {
      for (const event of events) {
        await tx.query('INSERT INTO outbox_seen (consumer, seq, node) VALUES ($1, $2, $3)', [name, event.seq, options.node ?? null]);
        if (options.crashAt?.(event.seq)) {
          consumer.crashes += 1;
          throw new Crash(`crashed at seq ${event.seq}`);
        }
        if (options.slow) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      consumer.handled += events.length;
    },
  };
  return consumer;
}

async function drainWith(relay: OutboxRelay): Promise<void> {
  relay.wake();
  await relay.idle();
}

for (const flavour of flavours) {
  describe(`outbox (${flavour.name})`, { skip: await flavour.skip() }, () => {
    // PGlite runs on a data directory here, so that one test can close it and open it again.
    let t: { db: Database; url: string | null; close: () => Promise<void> };
    const pgliteDir = tempDir('maestro-outbox-');
    const pgliteDataDir = path.join(pgliteDir.dir, 'pglite');
    const openPgliteDir = async (): Promise<Database> => {
      const db = await openPglite({ dataDir: pgliteDataDir });
      await migrate(db);
      return db;
    };
    before(async () => {
      if (flavour.name === 'pglite') {
        t = { db: await openPgliteDir(), url: null, close: async () => t.db.close() };
      } else {
        t = await flavour.open();
      }
      // No unique constraint on purpose: a duplicate delivery must show up, not fail.
      await t.db.exec('CREATE TABLE outbox_seen (consumer text NOT NULL, seq bigint NOT NULL, node text)');
      await appendSome(t.db, 45);
    });
    after(async () => {
      await t?.close();
      pgliteDir.remove();
    });

    it('a transactional consumer sees each event exactly once; a crash in handle() moves nothing', async () => {
      const once = { done: false };
      const consumer = recorder('tx-crash', {
        crashAt: (seq) => seq === 27 && !once.done && (once.done = true),
      });
      assert.equal(await checkpointOf(t.db, consumer.name), null);
      assert.equal(await deliverNext(t.db, consumer), 10);
      assert.equal(await deliverNext(t.db, consumer), 10);
      assert.equal(await checkpointOf(t.db, consumer.name), 20);
      // The third batch (21..30) fails at 27, after writing 21..27 in its transaction.
      await assert.rejects(deliverNext(t.db, consumer), Crash);
      assert.equal(await checkpointOf(t.db, consumer.name), 20, 'the checkpoint moved past a failed batch');
      assert.deepEqual(await seenBy(t.db, consumer.name), range(1, 20), 'the failed batch left rows behind');
      // Redelivered from 21, then on to the end.
      while ((await deliverNext(t.db, consumer)) > 0);
      const head = await headSeq(t.db);
      assert.deepEqual(await seenBy(t.db, consumer.name), range(1, head));
      assert.equal(await checkpointOf(t.db, consumer.name), head);
      assert.equal(await deliverNext(t.db, consumer), 0);
    });

    it('the relay retries a failed batch on its next wake-up, losing and doubling nothing', async () => {
      let crashes = 2;
      const consumer = recorder('tx-relay', { batchSize: 7, crashAt: (seq) => seq === 33 && crashes-- > 0 });
      const relay = new OutboxRelay(t.db, logger, 60_000);
      try {
        relay.add(consumer);
        await relay.idle();
        assert.equal(await checkpointOf(t.db, consumer.name), 28);
        await drainWith(relay); // fails again at 33
        assert.equal(await checkpointOf(t.db, consumer.name), 28);
        assert.equal(consumer.crashes, 2);
        await drainWith(relay);
        let head = await headSeq(t.db);
        assert.equal(await checkpointOf(t.db, consumer.name), head);
        assert.deepEqual(await seenBy(t.db, consumer.name), range(1, head));
        head = await appendSome(t.db, 12);
        await drainWith(relay);
        assert.deepEqual(await seenBy(t.db, consumer.name), range(1, head));
      } finally {
        await relay.stop();
      }
    });

    it('a consumer registered at the head sees only what comes next', async () => {
      const start = await headSeq(t.db);
      await registerConsumer(t.db, 'from-now', start);
      await registerConsumer(t.db, 'from-now', 0); // already registered: keeps its position
      assert.equal(await checkpointOf(t.db, 'from-now'), start);
      const head = await appendSome(t.db, 5);
      const consumer = recorder('from-now');
      while ((await deliverNext(t.db, consumer)) > 0);
      assert.deepEqual(await seenBy(t.db, 'from-now'), range(start + 1, head));
    });

    it('after a restart (database closed and reopened) it continues from the checkpoint', async () => {
      // PGlite: the data directory is closed and opened again. PostgreSQL: the crashed node's own
      // Database (its pool) is closed and a new one opened on the same database.
      const postgres = flavour.name === 'postgres';
      const reopen = () => (postgres ? openPostgres({ url: t.url!, poolSize: 2 }) : openPgliteDir());
      let db = postgres ? await reopen() : t.db;
      const crashAt = (await headSeq(db)) + 20;
      await appendSome(db, 30);
      const first = recorder('restart', { batchSize: 8, crashAt: (seq) => seq === crashAt });
      const relay = new OutboxRelay(db, logger, 60_000);
      relay.add(first);
      await relay.idle();
      await relay.stop();
      const checkpoint = (await checkpointOf(db, 'restart'))!;
      assert.ok(checkpoint < crashAt && checkpoint >= crashAt - 8, `checkpoint ${checkpoint}, crash at ${crashAt}`);
      assert.deepEqual(await seenBy(db, 'restart'), range(1, checkpoint));
      await db.close();

      // The "process" comes back: new Database, new relay, new consumer object.
      db = await reopen();
      if (!postgres) t.db = db;
      try {
        assert.deepEqual((await migrate(db)).applied, []);
        assert.equal(await checkpointOf(db, 'restart'), checkpoint);
        assert.deepEqual(await seenBy(db, 'restart'), range(1, checkpoint));
        const second = recorder('restart', { batchSize: 8 });
        const restarted = new OutboxRelay(db, logger, 60_000);
        restarted.add(second);
        await restarted.idle();
        let head = await headSeq(db);
        assert.equal(second.handled, head - checkpoint, 'the restarted consumer began somewhere else than its checkpoint');
        assert.deepEqual(await seenBy(db, 'restart'), range(1, head));
        head = await appendSome(db, 9);
        await drainWith(restarted);
        await restarted.stop();
        assert.deepEqual(await seenBy(db, 'restart'), range(1, head));
        assert.equal(await checkpointOf(db, 'restart'), head);
      } finally {
        if (postgres) await db.close();
      }
    });

    it('an external consumer is at least once: a failed batch is delivered again', async () => {
      const delivered: number[] = [];
      let failed = false;
      const external: Consumer = {
        name: 'mailer',
        mode: 'external',
        batchSize: 6,
        async handle(events: readonly RecordedEvent[]) {
          // The side effect happens first (a mail went out), then the call fails.
          delivered.push(...events.map((event) => event.seq));
          if (!failed && events.some((event) => event.seq === 16)) {
            failed = true;
            throw new Crash('the broker timed out after taking the batch');
          }
        },
      };
      const relay = new OutboxRelay(t.db, logger, 60_000);
      try {
        relay.add(external);
        await relay.idle();
        assert.equal(await checkpointOf(t.db, 'mailer'), 12);
        await drainWith(relay);
      } finally {
        await relay.stop();
      }
      const head = await headSeq(t.db);
      assert.equal(await checkpointOf(t.db, 'mailer'), head);
      // 13..18 went out twice; deduplicating by event (seq or id) gives every event once.
      assert.deepEqual(delivered, [...range(1, 18), ...range(13, head)]);
      assert.deepEqual([...new Set(delivered)], range(1, head));
    });

    if (flavour.name === 'postgres') {
      it('a connection killed in the middle of a batch rolls it back; the pool recovers', async () => {
        const db = await openPostgres({ url: t.url!, poolSize: 2 });
        let killed = false;
        try {
          const consumer: Consumer = {
            name: 'killed',
            mode: 'transactional',
            batchSize: 10,
            async handle(events, tx) {
              for (const event of events) await tx.query('INSERT INTO outbox_seen (consumer, seq) VALUES ($1, $2)', ['killed', event.seq]);
              if (events[0]!.seq === 11 && !killed) {
                killed = true;
                // The server loses this session (crash, failover, admin) before the checkpoint moves.
                const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
                await t.db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
              }
            },
          };
          assert.equal(await deliverNext(db, consumer), 10);
          await assert.rejects(deliverNext(db, consumer));
          assert.equal(await checkpointOf(t.db, 'killed'), 10);
          assert.deepEqual(await seenBy(t.db, 'killed'), range(1, 10));
          while ((await deliverNext(db, consumer)) > 0);
          const head = await headSeq(t.db);
          assert.deepEqual(await seenBy(t.db, 'killed'), range(1, head));
        } finally {
          await db.close();
        }
      });

      it('two nodes relaying the same consumer deliver each event exactly once between them', async (ctx) => {
        const nodes = await Promise.all([0, 1].map(() => openPostgres({ url: t.url!, poolSize: 3 })));
        const relays = nodes.map((db) => new OutboxRelay(db, logger, 60_000));
        const consumers = ['a', 'b'].map((node) => recorder('shared', { batchSize: 5, node, slow: true }));
        try {
          relays.forEach((relay, i) => relay.add(consumers[i]!));
          // Commits arrive while both relays run; each commit wakes both (bus on one, NOTIFY on the other).
          for (let i = 0; i < 60; i++) {
            await t.db.transaction((tx) => appendEvents(tx, [makeEvent(), makeEvent()]));
            for (const relay of relays) relay.wake();
            if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
          }
          const head = await headSeq(t.db);
          for (let round = 0; (await checkpointOf(t.db, 'shared')) !== head; round++) {
            assert.ok(round < 50, 'the relays never caught up');
            await Promise.all(relays.map((relay) => drainWith(relay)));
          }
          assert.deepEqual(await seenBy(t.db, 'shared'), range(1, head));
          const { rows } = await t.db.query<{ node: string; n: number }>(
            `SELECT node, count(*)::int AS n FROM outbox_seen WHERE consumer = 'shared' GROUP BY node ORDER BY node`,
          );
          assert.equal(rows.reduce((sum, row) => sum + row.n, 0), head);
          ctx.diagnostic(`deliveries per node: ${rows.map((row) => `${row.node}=${row.n}`).join(', ')}`);
          assert.equal(consumers[0]!.handled + consumers[1]!.handled, head);
        } finally {
          await Promise.all(relays.map((relay) => relay.stop()));
          await Promise.all(nodes.map((db) => db.close()));
        }
      });
    }
  });
}
