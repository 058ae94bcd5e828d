import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPostgresDatabase } from '../../test/support/databases.js';
import type { Database } from '../../src/store/database.js';
import { migrate, migratedTemplate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';

export { postgresProblem, postgresUrl } from '../../test/support/databases.js';

export type Flavour = 'pglite' | 'postgres';
export const flavourName = { pglite: 'PGlite', postgres: 'PostgreSQL' } as const;

/** A fresh, empty database on the PostgreSQL server, dropped by the returned function. */
export const createBenchPostgresDatabase = () => createPostgresDatabase('maestro_bench');

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `maestro-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh migrated database of either kind (PGlite on disk, as the embedded default runs). */
export async function openBenchDatabase(flavour: Flavour): Promise<{ db: Database; close: () => Promise<void> }> {
  if (flavour === 'postgres') {
    const created = await createBenchPostgresDatabase();
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

