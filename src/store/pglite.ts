import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
      // PGlite reports affectedRows 0 for a SELECT; pg's rowCount counts the rows it returned.
      return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
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
 * An empty initialised cluster, made once per PGlite version and kept as an uncompressed tarball:
 * running initdb inside WASM takes several seconds, loading the tarball about a second (gzip
 * saved disk space but cost another half second of decompression on every load). In-memory
 * databases (the tests) start from it.
 */
export async function pgliteSeed(cacheDir: string): Promise<Blob> {
  const file = path.join(cacheDir, `pglite-seed-${pgliteVersion()}.tar`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
    renameSync(temp, file);
  }
  return new Blob([readFileSync(file)]);
}

export const defaultSeedCache = (): string => path.join(packageRoot(), 'node_modules/.cache/maestro');

/**
 * What every new data directory must hold before use (the schema): prepared once into a cached
 * template cluster, so that a new data directory is a plain file copy of it. `key` must change
 * whenever `prepare` would do something else (a hash of the migrations).
 */
export interface PgliteTemplate {
  key: string;
  prepare(db: Database): Promise<void>;
}

/** Bump when the way a template is made changes, so older cached templates are not used. */
const TEMPLATE_FORMAT = 1;

/**
 * The cached template cluster for `template`, built on first use: the seed is loaded into a
 * scratch directory, prepared, reduced to the one database PGlite uses (template0 and template1
 * only serve CREATE DATABASE, which the embedded store never runs, and hold two thirds of the
 * cluster's files), closed cleanly, and renamed into place, so that no reader ever sees half a
 * template.
 */
export async function pgliteTemplate(cacheDir: string, template: PgliteTemplate): Promise<string> {
  const dir = path.join(cacheDir, `pglite-template-${pgliteVersion()}-${TEMPLATE_FORMAT}-${template.key}`);
  if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const seed = await pgliteSeed(cacheDir);
  const scratch = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(scratch, { recursive: true });
    const pg = await PGlite.create({ dataDir: scratch, loadDataDir: seed, parsers });
    const db = wrapDatabase(pg);
    try {
      await db.query(`SET TIME ZONE 'UTC'`);
      await template.prepare(db);
      await db.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
      await db.exec('DROP DATABASE template0');
      await db.exec('DROP DATABASE template1');
      await db.exec('CHECKPOINT');
    } finally {
      await db.close();
    }
    try {
      renameSync(scratch, dir);
    } catch (error) {
      // Another process built the same template at the same time: theirs is as good as ours.
      if (!existsSync(path.join(dir, 'PG_VERSION'))) throw error;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return dir;
}

/**
 * The template of `template` as a tarball, for in-memory databases (the tests): loading it takes
 * about as long as loading the empty seed, where running every migration in WASM took seconds
 * more for each database a test opens. Made once per set of migrations, like the template.
 */
export async function pgliteTemplateDump(cacheDir: string, template: PgliteTemplate): Promise<Blob> {
  const file = path.join(cacheDir, `pglite-template-${pgliteVersion()}-${TEMPLATE_FORMAT}-${template.key}.tar`);
  if (!existsSync(file)) {
    const pg = await PGlite.create({ loadDataDir: await pgliteSeed(cacheDir), parsers });
    const db = wrapDatabase(pg);
    try {
      await db.query(`SET TIME ZONE 'UTC'`);
      await template.prepare(db);
      await db.exec('CHECKPOINT');
      const dump = await pg.dumpDataDir('none');
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
      renameSync(temp, file);
    } finally {
      await db.close();
    }
  }
  return new Blob([readFileSync(file)]);
}

function copyTree(from: string, to: string): void {
  mkdirSync(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else copyFileSync(source, target);
  }
}

/**
 * Makes `dataDir` a copy of the template. The copy is made beside it and renamed into place, so
 * a crash half-way leaves no data directory that looks initialised but is not.
 */
function copyTemplate(templateDir: string, dataDir: string): void {
  if (existsSync(dataDir)) {
    if (readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} is not empty but holds no database (no PG_VERSION); move it away and start again`);
    }
    rmdirSync(dataDir);
  }
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const temp = `${dataDir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    copyTree(templateDir, temp);
    renameSync(temp, dataDir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export interface PgliteOptions {
  /** Directory of the database files; omitted means in memory (tests). */
  dataDir?: string;
  seedCacheDir?: string;
  /**
   * How a new database is prepared (the migrations). A new data directory starts as a copy of a
   * cached, already prepared cluster, an in-memory database from its tarball, so opening either
   * leaves `prepare` nothing to do.
   */
  template?: PgliteTemplate;
  /** Receives how long each step of opening took (debug logging). */
  onTiming?: (timings: Record<string, number | string>) => void;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const started = performance.now();
  const timings: Record<string, number | string> = {};
  const lap = (name: string) => {
    timings[name] = Math.round(performance.now() - started);
  };
  const seedCacheDir = options.seedCacheDir ?? defaultSeedCache();
  const needsSeed = !options.dataDir || !existsSync(path.join(options.dataDir, 'PG_VERSION'));
  let loadDataDir: Blob | undefined;
  let templateDir: string | undefined;
  if (needsSeed && options.dataDir && options.template) {
    try {
      templateDir = await pgliteTemplate(seedCacheDir, options.template);
    } catch (error) {
      // A cache that cannot be written (read-only install) must not stop a start: the caller's
      // migrations do the same work on the new data directory, only slower.
      timings.templateError = (error as Error).message;
    }
  }
  if (templateDir && options.dataDir) {
    timings.from = 'template';
    lap('templateReadyMs');
    copyTemplate(templateDir, options.dataDir);
    lap('copiedMs');
  } else if (!options.dataDir && options.template) {
    timings.from = 'template dump';
    loadDataDir = await pgliteTemplateDump(seedCacheDir, options.template);
    lap('templateReadMs');
  } else if (needsSeed) {
    timings.from = 'seed';
    loadDataDir = await pgliteSeed(seedCacheDir);
    lap('seedReadMs');
  } else {
    timings.from = 'existing';
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pg = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers,
  });
  lap('pgliteMs');
  const db = wrapDatabase(pg);
  await db.query(`SET TIME ZONE 'UTC'`);
  options.onTiming?.(timings);
  return db;
}

function wrapDatabase(db: PGlite): Database {
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
