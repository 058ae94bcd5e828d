import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { packageRoot } from '../paths.js';
import { toIsoTimestamp, type Database, type QueryResult, type Queryable } from './database.js';

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;

const parsers = {
  [INT8]: (value: string) => Number(value),
  [TIMESTAMPTZ]: (value: string) => toIsoTimestamp(value),
  [TIMESTAMP]: (value: string) => toIsoTimestamp(`${value}Z`),
};

function wrap(target: { query: PGlite['query'] }): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await target.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  };
}

/** The installed PGlite version (its package.json is not exported, so find it beside the entry point). */
function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * An empty initialised cluster, made once per PGlite version and kept as a tarball: running
 * initdb inside WASM takes several seconds, loading the tarball well under two. Start-up speed
 * of the embedded default (and of every test) rests on this.
 */
export async function pgliteSeed(cacheDir: string): Promise<Blob> {
  const file = path.join(cacheDir, `pglite-seed-${pgliteVersion()}.tar.gz`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('gzip');
    await fresh.close();
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
    renameSync(temp, file);
  }
  return new Blob([readFileSync(file)]);
}

export const defaultSeedCache = (): string => path.join(packageRoot(), 'node_modules/.cache/maestro');

export interface PgliteOptions {
  /** Directory of the database files; omitted means in memory (tests). */
  dataDir?: string;
  seedCacheDir?: string;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const seedCacheDir = options.seedCacheDir ?? defaultSeedCache();
  const needsSeed = !options.dataDir || !existsSync(path.join(options.dataDir, 'PG_VERSION'));
  const loadDataDir = needsSeed ? await pgliteSeed(seedCacheDir) : undefined;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers,
  });
  await db.query(`SET TIME ZONE 'UTC'`);
  const root = wrap(db);

  return {
    kind: 'pglite',
    query: root.query,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async listen(channel, onPayload) {
      const unsubscribe = await db.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async close() {
      await db.close();
    },
  };
}
