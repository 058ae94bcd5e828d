import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDatabaseError, sqlState } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { Database } from '../../src/store/database.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/eventually.js';

class Rollback extends Error {}

const until = (check: () => boolean, what: string) => eventually(check, what);

/**
 * Proves a notification did not come: notifications reach a listening connection in the order
 * they were sent, so once one sent afterwards on another channel has arrived, the first never will.
 */
async function afterwardsNothingOn(db: Database, send: () => Promise<unknown>): Promise<void> {
  let arrived = false;
  const stop = await db.listen('contract_sentinel', () => (arrived = true));
  try {
    await send();
    await db.query(`SELECT pg_notify('contract_sentinel', 'sent afterwards')`);
    await until(() => arrived, 'the notification sent afterwards');
  } finally {
    await stop();
  }
}

/** The Database contract: both flavours return the same JavaScript for the same SQL. */
for (const flavour of flavours) {
  describe(`database contract (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await flavour.open();
      await t.db.exec(`
        CREATE TABLE contract (id int PRIMARY KEY, n numeric, b bigint, ts timestamptz, t timestamp, j jsonb, bs bigint[]);
        CREATE TABLE contract_unique (name text, CONSTRAINT contract_unique_name UNIQUE (name));
      `);
    });
    after(() => t?.close());

    it('maps int8 (and int8[]) to number, numeric to string, timestamps to ISO UTC, jsonb parsed', async () => {
      await t.db.query(
        `INSERT INTO contract VALUES
           (1, 1.50, 9007199254740991, '2026-01-01T10:00:00.123+02:00', '2026-01-01 10:00:00.5', '{"a":[1,null,"x"],"b":{}}', '{1,2,null}'),
           (2, NULL, NULL, NULL, NULL, NULL, NULL)`,
      );
      const { rows } = await t.db.query('SELECT * FROM contract ORDER BY id');
      assert.deepEqual(rows, [
        {
          id: 1,
          n: '1.50',
          b: 9007199254740991,
          ts: '2026-01-01T08:00:00.123Z',
          t: '2026-01-01T10:00:00.500Z',
          j: { a: [1, null, 'x'], b: {} },
          bs: [1, 2, null],
        },
        { id: 2, n: null, b: null, ts: null, t: null, j: null, bs: null },
      ]);
      const params = await t.db.query<{ v: unknown; s: string }>('SELECT $1::jsonb AS v, $2::text AS s', [
        JSON.stringify({ k: [1, 'two'] }),
        'ü',
      ]);
      assert.deepEqual(params.rows, [{ v: { k: [1, 'two'] }, s: 'ü' }]);
    });

    it('counts rows the same way: returned rows for a SELECT, affected rows for DML', async () => {
      assert.equal((await t.db.query('SELECT * FROM contract')).rowCount, 2);
      assert.equal((await t.db.query('SELECT * FROM contract WHERE id = 99')).rowCount, 0);
      assert.equal((await t.db.query('UPDATE contract SET n = 2')).rowCount, 2);
      assert.equal((await t.db.query('UPDATE contract SET n = 3 WHERE id = 1 RETURNING id')).rowCount, 1);
      assert.equal((await t.db.query('DELETE FROM contract WHERE id = 99')).rowCount, 0);
      assert.equal((await t.db.query('INSERT INTO contract (id) VALUES (3), (4)')).rowCount, 2);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      const value = await t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract (id) VALUES (10)');
        return 'done';
      });
      assert.equal(value, 'done');
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await tx.query('INSERT INTO contract (id) VALUES (11)');
          throw new Rollback();
        }),
        Rollback,
      );
      const { rows } = await t.db.query<{ id: number }>('SELECT id FROM contract WHERE id >= 10 ORDER BY id');
      assert.deepEqual(rows, [{ id: 10 }]);
      // The database keeps working after a failed statement inside a transaction.
      await assert.rejects(t.db.transaction((tx) => tx.query('INSERT INTO contract (id) VALUES (10)')));
      assert.equal((await t.db.query('SELECT 1 AS one')).rows.length, 1);
    });

    it('reports SQLSTATE and the constraint of a unique violation, also when deferred to commit', async () => {
      await t.db.query(`INSERT INTO contract_unique VALUES ('a')`);
      await assert.rejects(t.db.query(`INSERT INTO contract_unique VALUES ('a')`), (error: unknown) => {
        assert.ok(isDatabaseError(error));
        assert.equal(error.code, sqlState.uniqueViolation);
        assert.equal(error.constraint, 'contract_unique_name');
        return true;
      });
      // The projections' name constraints are DEFERRABLE INITIALLY DEFERRED: the error comes at COMMIT.
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await tx.query(`INSERT INTO customers (id, name, display_name, status, created_at, updated_at)
            VALUES (gen_random_uuid(), 'SAME', 'x', 'active', now(), now()), (gen_random_uuid(), 'SAME', 'y', 'active', now(), now())`);
        }),
        (error: unknown) => {
          assert.ok(isDatabaseError(error));
          assert.equal(error.code, sqlState.uniqueViolation);
          assert.equal(error.constraint, 'customers_name_unique');
          return true;
        },
      );
      assert.equal((await t.db.query(`SELECT 1 FROM customers WHERE name = 'SAME'`)).rowCount, 0);
    });

    it('delivers NOTIFY to a listener after commit, never for a rolled-back transaction', async () => {
      const got: string[] = [];
      const unlisten = await t.db.listen('contract_channel', (payload) => got.push(payload));
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await tx.query(`SELECT pg_notify('contract_channel', 'rolled back')`);
          throw new Rollback();
        }),
        Rollback,
      );
      await t.db.transaction((tx) => tx.query(`SELECT pg_notify('contract_channel', 'committed')`));
      await until(() => got.length > 0, 'the notification');
      assert.deepEqual(got, ['committed']);
      await unlisten();
      await afterwardsNothingOn(t.db, () => t.db.query(`SELECT pg_notify('contract_channel', 'after unlisten')`));
      assert.deepEqual(got, ['committed']);
    });

    if (flavour.name === 'postgres') {
      it('survives a server-side kill of a connection in a transaction, and of a listening one, listening again', async () => {
        const db = await openPostgres({ url: t.url!, poolSize: 2 });
        try {
          // Before the fix, the checked-out client's 'error' event had no listener: the process died.
          await assert.rejects(
            db.transaction(async (tx) => {
              const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
              await t.db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
              await new Promise((resolve) => setTimeout(resolve, 50)); // the 'error' arrives while idle in the transaction
              await tx.query('SELECT 1');
            }),
          );
          for (let i = 0; i < 4; i++) {
            assert.equal(await db.transaction(async (tx) => (await tx.query('SELECT 1 AS one')).rows.length), 1);
          }

          const got: string[] = [];
          let gaps = 0;
          const unlisten = await db.listen('contract_kill', (payload) => got.push(payload), () => (gaps += 1));
          const killListener = () =>
            t.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
          await killListener();
          // Listening resumes on a new connection, and the subscriber hears that it may have missed some.
          await until(() => gaps === 1, 'listening to resume');
          await t.db.query(`SELECT pg_notify('contract_kill', 'after the kill')`);
          await until(() => got.length > 0, 'a notification after the kill');
          assert.deepEqual(got, ['after the kill']);
          await killListener();
          await unlisten(); // must not throw, whether the connection is lost or back
          // Listening again (a new connection if the old one is gone) must not take up the channel dropped.
          await afterwardsNothingOn(db, () => t.db.query(`SELECT pg_notify('contract_kill', 'after unlisten')`));
          assert.deepEqual(got, ['after the kill']);
          assert.equal((await db.query('SELECT 1 AS one')).rowCount, 1);
        } finally {
          await db.close();
        }
      });
    }
  });
}
