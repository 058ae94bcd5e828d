import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../../src/store/database.js';
import { migrate, migratedTemplate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';

export const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Flavour = 'pglite' | 'postgres';
export const flavourName = { pglite: 'PGlite', postgres: 'PostgreSQL' } as const;

/** null when PostgreSQL answers; otherwise why not. */
export async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh, empty database on the PostgreSQL server, dropped by the returned function. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `maestro_bench_${randomBytes(6).toString('hex')}`;
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

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `maestro-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh migrated database of either kind (PGlite on disk, as the embedded default runs). */
export async function openBenchDatabase(flavour: Flavour): Promise<{ db: Database; close: () => Promise<void> }> {
  if (flavour === 'postgres') {
    const created = await createPostgresDatabase();
    const db = await openPostgres({ url: created.url, poolSize: 4 });
    await migrate(db);
    return {
      db,
      async close() {
        await db.close();
        await created.drop();
      },
    };
  }
  const temp = tempDir('pglite');
  const db = await openPglite({
    dataDir: path.join(temp.dir, 'pglite'),
    template: migratedTemplate(),
  });
  await migrate(db);
  return {
    db,
    async close() {
      await db.close();
      temp.remove();
    },
  };
}

