import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/store/database.js';
import { migrate, migratedTemplate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { connectErrorMessage, PostgresConnectError, waitForPostgres } from '../../src/store/postgres-connect.js';

export const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<string | null> | undefined;

/**
 * null when PostgreSQL answers; otherwise why not, in one line. Test files run in parallel and a
 * loaded server answers late ("timeout expired"), so connecting is retried for a while before a
 * suite is skipped; only a port nobody listens on is given up at once, and only outside CI.
 * MAESTRO_TEST_POSTGRES_WAIT_MS changes how long (ms) it waits.
 */
export function postgresProblem(): Promise<string | null> {
  reachable ??= (async () => {
    try {
      const timeoutMs = Number(process.env.MAESTRO_TEST_POSTGRES_WAIT_MS ?? 30_000);
      await waitForPostgres(postgresUrl, { timeoutMs, waitForListener: process.env.CI === 'true' });
      return null;
    } catch (error) {
      return error instanceof PostgresConnectError ? error.message : connectErrorMessage(error);
    }
  })();
  return reachable;
}

/**
 * `skip` for a node:test suite when PostgreSQL is absent on a developer machine: one line for the
 * suite, not one per test. In CI (CI=true) an absent server is a failure, never a silent skip.
 */
export async function postgresSkip(): Promise<string | false> {
  const problem = await postgresProblem();
  if (!problem) return false;
  if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI: ${problem}`);
  return `skipped without PostgreSQL: ${problem}`;
}

/** A fresh, empty database on the PostgreSQL server, dropped by the returned function. */
export async function createPostgresDatabase(prefix = 'maestro_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestDatabase {
  db: Database;
  /** For a second connection to the same database (a second node). */
  url: string | null;
  close(): Promise<void>;
}

export interface DatabaseFlavour {
  name: 'pglite' | 'postgres';
  skip(): Promise<string | false>;
  /** A fresh migrated database. */
  open(): Promise<TestDatabase>;
}

export const flavours: DatabaseFlavour[] = [
  {
    name: 'pglite',
    skip: async () => false,
    async open() {
      // From the cached tarball of a migrated database; migrate() then finds nothing to do.
      const db = await openPglite({ template: migratedTemplate() });
      await migrate(db);
      return { db, url: null, close: () => db.close() };
    },
  },
  {
    name: 'postgres',
    skip: postgresSkip,
    async open() {
      const created = await createPostgresDatabase();
      const db = await openPostgres({ url: created.url, poolSize: 5 });
      await migrate(db);
      return {
        db,
        url: created.url,
        async close() {
          await db.close();
          await created.drop();
        },
      };
    },
  },
];
