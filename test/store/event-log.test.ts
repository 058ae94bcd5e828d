import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RecordedEvent } from '../../src/protocol/events.js';
import type { Database } from '../../src/store/database.js';
import { appendEvents, headSeq, readEvents } from '../../src/store/event-log.js';
import { openPostgres } from '../../src/store/postgres.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { makeEvent } from '../support/store-helpers.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function allSeqs(db: Database, after = 0): Promise<number[]> {
  return (await readEvents(db, after, 1_000_000)).map((event) => event.seq);
}

class Rollback extends Error {}

for (const flavour of flavours) {
  describe(`event log (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await flavour.open();
    });
    after(() => t?.close());

    it('starts empty', async () => {
      assert.equal(await headSeq(t.db), 0);
      assert.deepEqual(await readEvents(t.db, 0, 10), []);
      assert.deepEqual(await t.db.transaction((tx) => appendEvents(tx, [])), []);
      assert.equal(await headSeq(t.db), 0);
    });

    it('assigns consecutive sequence numbers across batches, with no gaps', async () => {
      const start = await headSeq(t.db);
      const sizes = [1, 3, 1, 7, 2, 50, 1];
      const returned: number[] = [];
      for (const size of sizes) {
        const recorded = await t.db.transaction((tx) =>
          appendEvents(tx, Array.from({ length: size }, (_, i) => makeEvent({ data: { i } }))),
        );
        assert.equal(recorded.length, size);
        returned.push(...recorded.map((event) => event.seq));
      }
      const total = sizes.reduce((a, b) => a + b, 0);
      assert.deepEqual(returned, range(start + 1, start + total));
      assert.deepEqual(await allSeqs(t.db, start), returned);
      assert.equal(await headSeq(t.db), start + total);
      // Paging by afterSeq and limit walks the same sequence.
      const paged: number[] = [];
      for (let after = start; ; ) {
        const page = await readEvents(t.db, after, 4);
        if (page.length === 0) break;
        assert.ok(page.length <= 4);
        paged.push(...page.map((event) => event.seq));
        after = page.at(-1)!.seq;
      }
      assert.deepEqual(paged, returned);
    });

    it('leaves no hole when a transaction that appended rolls back', async () => {
      const start = await headSeq(t.db);
      await assert.rejects(
        t.db.transaction(async (tx) => {
          const recorded = await appendEvents(tx, [makeEvent(), makeEvent(), makeEvent()]);
          assert.deepEqual(recorded.map((e) => e.seq), range(start + 1, start + 3));
          throw new Rollback('changed my mind');
        }),
        Rollback,
      );
      assert.equal(await headSeq(t.db), start);
      // A statement failing inside the append (duplicate event id) rolls the head back too.
      const [existing] = await readEvents(t.db, 0, 1);
      await assert.rejects(
        t.db.transaction((tx) => appendEvents(tx, [makeEvent(), makeEvent({ id: existing!.id })])),
        (error: { code?: string }) => error.code === '23505',
      );
      assert.equal(await headSeq(t.db), start);
      const [next] = await t.db.transaction((tx) => appendEvents(tx, [makeEvent()]));
      assert.equal(next!.seq, start + 1);
      assert.deepEqual(await allSeqs(t.db, start), [start + 1]);
      assert.deepEqual(await allSeqs(t.db), range(1, start + 1));
    });

    it('round-trips every field: ISO times in UTC, jsonb data, nulls', async () => {
      const customerId = '0190a6c1-7d2e-7c4b-9a3e-1f2d3c4b5a69';
      const tenantId = '0190a6c1-7d2e-7c4b-9a3e-1f2d3c4b5a70';
      const full = makeEvent({
        type: 'tenant.updated',
        time: '2026-03-04T05:06:07.089Z',
        eventType: 'control',
        action: 'update',
        outcome: 'failure',
        initiator: { id: 'user-1', name: 'Zoë', typeURI: 'data/security/account/user', address: '203.0.113.9', agent: 'maestro-cli/1.0' },
        target: { typeURI: 'data/tenant', id: tenantId, name: 'ACME-DEV' },
        observer: { typeURI: 'service/maestro', id: 'node-a' },
        customerId,
        tenantId,
        region: 'SIM-EAST',
        requestId: 'req-42',
        reason: { reasonType: 'maestro/error', reasonCode: 'conflict' },
        data: {
          text: 'quotes \' " backslash \\ emoji 🚀 and ünïcode',
          nested: { list: [1, 2.5, -3, true, false, null, 'x'], empty: {}, none: null },
          big: 9_007_199_254_740_991,
          tiny: 1e-7,
          emptyList: [],
        },
      });
      const bare = makeEvent({ time: '2026-12-31T23:59:59.999Z', data: {} });
      // A time written with an offset comes back as the same instant in UTC.
      const offset = makeEvent({ time: '2026-06-01T12:00:00.000+02:00' });

      const recorded = await t.db.transaction((tx) => appendEvents(tx, [full, bare, offset]));
      const read = await readEvents(t.db, recorded[0]!.seq - 1, 3);
      assert.deepEqual(read[0], recorded[0]);
      assert.deepEqual(read[1], recorded[1]);
      assert.equal(read[1]!.target.name, undefined);
      assert.ok(!('name' in read[1]!.target), 'a target without a name has no name key');
      assert.deepEqual(read[2], { ...recorded[2]!, time: '2026-06-01T10:00:00.000Z' });
      for (const event of read) assert.match(event.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(typeof read[0]!.seq, 'number');
    });

    it('keeps concurrent appenders gap-free, and readers never see seq N+1 before N', async () => {
      const start = await headSeq(t.db);
      // PostgreSQL: separate pools, so these are truly concurrent sessions. PGlite has one session
      // and serialises transactions; it still must hand out the same sequence.
      const postgres = flavour.name === 'postgres';
      const writers: Database[] = postgres
        ? await Promise.all([0, 1, 2, 3].map(() => openPostgres({ url: t.url!, poolSize: 1 })))
        : [t.db, t.db, t.db, t.db];
      const transactionsPerWriter = postgres ? 200 : 25;
      let committed = 0;
      let done = false;
      let writing: Promise<unknown> = Promise.resolve();
      try {
        writing = Promise.all(
          writers.map(async (db, w) => {
            for (let i = 0; i < transactionsPerWriter; i++) {
              const size = 1 + ((w + i) % 3);
              const abort = (w * 31 + i) % 11 === 0;
              try {
                await db.transaction(async (tx) => {
                  await appendEvents(tx, Array.from({ length: size }, () => makeEvent({ data: { w, i } })));
                  if (abort) throw new Rollback();
                });
                committed += size;
              } catch (error) {
                if (!(error instanceof Rollback)) throw error;
              }
            }
          }),
        ).finally(() => {
          done = true;
        });

        // The reader polls while the writers run: every read must continue exactly where the
        // last one stopped. A batch starting past last+1 is a gap a consumer would skip for ever.
        const reader = postgres ? await openPostgres({ url: t.url!, poolSize: 1 }) : t.db;
        let last = start;
        let reads = 0;
        try {
          for (;;) {
            const finished = done;
            const batch = await readEvents(reader, last, 97);
            reads += 1;
            for (const event of batch) {
              assert.equal(event.seq, last + 1, `after seq ${last} the reader saw ${event.seq}`);
              last = event.seq;
            }
            if (finished && batch.length === 0) break;
            if (batch.length === 0) await new Promise((resolve) => setImmediate(resolve));
          }
        } finally {
          if (reader !== t.db) await reader.close();
        }
        await writing;
        assert.ok(reads > 1);
        assert.equal(last, start + committed);
        assert.equal(await headSeq(t.db), start + committed);
        const seqs = await allSeqs(t.db, start);
        assert.deepEqual(seqs, range(start + 1, start + committed));
        const { rows } = await t.db.query<{ n: number; distinct_ids: number }>(
          'SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids FROM event_log WHERE seq > $1',
          [start],
        );
        assert.deepEqual(rows[0], { n: committed, distinct_ids: committed });
      } finally {
        done = true;
        await writing.catch(() => undefined);
        if (postgres) await Promise.all(writers.map((db) => db.close()));
      }
    });

    it('orders each batch by seq as it was appended', async () => {
      const start = await headSeq(t.db);
      const events = Array.from({ length: 5 }, (_, i) => makeEvent({ data: { i } }));
      await t.db.transaction((tx) => appendEvents(tx, events));
      const read: RecordedEvent[] = await readEvents(t.db, start, 10);
      assert.deepEqual(read.map((e) => e.id), events.map((e) => e.id));
      assert.deepEqual(read.map((e) => e.data.i), [0, 1, 2, 3, 4]);
    });
  });
}
