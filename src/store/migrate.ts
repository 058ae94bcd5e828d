import { createHash } from 'node:crypto';
import type { Database } from './database.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import type { PgliteTemplate } from './pglite.js';

// Any constant works; it only has to be the same on every node.
const MIGRATION_LOCK = 7_316_001;

export interface MigrationReport {
  applied: Array<{ version: number; name: string }>;
  current: number;
}

/**
 * Brings the schema up to date. Nodes starting together serialise on an advisory lock, so each
 * migration runs exactly once. All pending migrations run in one transaction with their
 * bookkeeping rows, so a failing one leaves the schema as it was.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = allMigrations,
): Promise<MigrationReport> {
  return db.transaction(async (tx) => {
    // The lock comes first: two nodes racing on CREATE TABLE IF NOT EXISTS both see no table and
    // the loser fails on a catalog unique index (pg_type_typname_nsp_index) instead of waiting.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...done].filter((version) => !known.has(version));
    if (unknown.length > 0) {
      throw new Error(
        `the database has migrations this Maestro does not know (${unknown.join(', ')}); ` +
          'it was upgraded by a newer version — run that version instead',
      );
    }
    const applied: MigrationReport['applied'] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push({ version: migration.version, name: migration.name });
    }
    const current = Math.max(0, ...migrations.map((m) => m.version));
    return { applied, current };
  });
}

/**
 * Identifies a set of migrations by content: a cached schema template (the embedded store's)
 * made from one set is never used for another.
 */
export function migrationsFingerprint(migrations: readonly Migration[] = allMigrations): string {
  const hash = createHash('sha256');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    hash.update(`${m.version}\u0000${m.name}\u0000${m.sql}\u0000`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The embedded store's template: a cluster with every migration applied, cached per set of
 * migrations, so a new data directory starts from a copy and migrate() then finds nothing to do.
 */
export function migratedTemplate(migrations: readonly Migration[] = allMigrations): PgliteTemplate {
  return {
    key: migrationsFingerprint(migrations),
    async prepare(db) {
      await migrate(db, migrations);
    },
  };
}

/**
 * Splits a migration script at top-level semicolons (outside quotes and comments), so each
 * statement runs through the transaction's ordinary query path on both PGlite and pg.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      current += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end === -1 ? sql.length : end + tag[0].length;
        current += sql.slice(i, stop);
        i = stop;
        continue;
      }
    }
    if (ch === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
