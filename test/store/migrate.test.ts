import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations, type Migration } from '../../src/store/migrations/index.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { createPostgresDatabase, postgresSkip } from '../support/databases.js';

const latest = Math.max(...migrations.map((m) => m.version));

/** Not idempotent on purpose: applied twice, its CREATE TABLE fails and its row count shows it. */
const probe: Migration = {
  version: latest + 1000,
  name: 'probe',
  sql: `CREATE TABLE migration_probe (n integer NOT NULL);
        -- a comment; with a semicolon
        INSERT INTO migration_probe VALUES (1);
        CREATE FUNCTION migration_probe_fn() RETURNS integer LANGUAGE sql AS $$ SELECT 1; $$;`,
};

const failing: Migration = {
  version: latest + 2000,
  name: 'failing',
  sql: `CREATE TABLE created_before_failure (n integer); SELECT 1 / 0;`,
};

async function appliedVersions(db: Database): Promise<number[]> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((row) => row.version);
}

async function tableExists(db: Database, table: string): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  return rows[0]!.found !== null;
}

/** The checks both flavours share, on a database no migration has touched. */
function sequentialChecks(open: () => Promise<{ db: Database; close: () => Promise<void> }>) {
  let db: Database;
  let close: () => Promise<void>;
  before(async () => {
    ({ db, close } = await open());
  });
  after(() => close?.());

  it('applies every migration on an empty database, then nothing the second time', async () => {
    const first = await migrate(db);
    assert.deepEqual(
      first.applied,
      migrations.map(({ version, name }) => ({ version, name })),
    );
    assert.equal(first.current, latest);
    const second = await migrate(db);
    assert.deepEqual(second.applied, []);
    assert.equal(second.current, latest);
    assert.deepEqual(await appliedVersions(db), migrations.map((m) => m.version));
  });

  it('applies a new migration exactly once, statements split around comments and $$ bodies', async () => {
    const once = await migrate(db, [...migrations, probe]);
    assert.deepEqual(once.applied, [{ version: probe.version, name: 'probe' }]);
    const twice = await migrate(db, [...migrations, probe]);
    assert.deepEqual(twice.applied, []);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM migration_probe');
    assert.equal(rows[0]!.n, 1);
    const fn = await db.query<{ v: number }>('SELECT migration_probe_fn() AS v');
    assert.equal(fn.rows[0]!.v, 1);
  });

  it('refuses to run when the database knows a newer migration', async () => {
    await assert.rejects(migrate(db), /migrations this Maestro does not know \(\d+\)/);
  });

  it('rolls a failing migration back completely and records nothing', async () => {
    const before = await appliedVersions(db);
    await assert.rejects(migrate(db, [...migrations, probe, failing]), /division by zero/);
    assert.deepEqual(await appliedVersions(db), before);
    assert.equal(await tableExists(db, 'created_before_failure'), false);
    assert.deepEqual((await migrate(db, [...migrations, probe])).applied, []);
  });

  it('serialises concurrent migrate() calls through one Database', async () => {
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    // All three know the probe: one without it would rightly refuse if it ran last.
    const known = [...migrations, probe];
    const reports = await Promise.all([migrate(db, known), migrate(db, known), migrate(db, known)]);
    const applied = reports.flatMap((report) => report.applied.map((a) => a.version)).sort((a, b) => a - b);
    assert.deepEqual(applied, [...migrations.map((m) => m.version), probe.version]);
    assert.deepEqual(await appliedVersions(db), applied);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM migration_probe');
    assert.equal(rows[0]!.n, 1);
  });
}

describe('migrations (pglite)', () => {
  sequentialChecks(async () => {
    const db = await openPglite();
    return { db, close: () => db.close() };
  });
});

describe('migrations (postgres)', { skip: await postgresSkip() }, () => {
  sequentialChecks(async () => {
    const created = await createPostgresDatabase();
    const db = await openPostgres({ url: created.url, poolSize: 2 });
    return {
      db,
      async close() {
        await db.close();
        await created.drop();
      },
    };
  });

  it('applies each migration once when several nodes migrate the same database at once', async () => {
    // A few rounds: the race on the bookkeeping table used to fail (pg_type_typname_nsp_index) every time.
    for (let round = 0; round < 3; round++) {
      const created = await createPostgresDatabase();
      const nodes = await Promise.all([0, 1, 2, 3].map(() => openPostgres({ url: created.url, poolSize: 1 })));
      try {
        const reports = await Promise.all(nodes.map((node) => migrate(node, [...migrations, probe])));
        const applied = reports.flatMap((report) => report.applied.map((a) => a.version)).sort((a, b) => a - b);
        assert.deepEqual(applied, [...migrations.map((m) => m.version), probe.version], `round ${round}`);
        // Exactly one node did the work; the others found it done.
        assert.equal(reports.filter((report) => report.applied.length > 0).length, 1);
        assert.deepEqual(await appliedVersions(nodes[0]!), applied);
        const { rows } = await nodes[1]!.query<{ n: number }>('SELECT count(*)::int AS n FROM migration_probe');
        assert.equal(rows[0]!.n, 1);
      } finally {
        await Promise.all(nodes.map((node) => node.close()));
        await created.drop();
      }
    }
  });
});
