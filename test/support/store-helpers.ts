import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../src/domain/clock.js';
import { uuidv7 } from '../../src/protocol/ids.js';
import type { Actor } from '../../src/server/actor.js';
import { loadConfig, type ConfigInput } from '../../src/server/config.js';
import { startMaestro, type Maestro } from '../../src/server/runtime.js';
import type { Database, Queryable } from '../../src/store/database.js';
import type { NewEvent } from '../../src/store/event-log.js';

/** A throw-away directory, removed by the returned function. */
export function tempDir(prefix = 'maestro-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** mulberry32: a small seeded generator, so a failing random run can be replayed exactly. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (below: number): number => Math.floor(next() * below),
    chance: (p: number): boolean => next() < p,
    pick<T>(items: readonly T[]): T | undefined {
      return items.length === 0 ? undefined : items[Math.floor(next() * items.length)];
    },
  };
}

/** A log record with every field filled in; `overrides` replaces any of them. */
export function makeEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  const id = uuidv7();
  return {
    id,
    type: 'test.happened',
    time: new Date().toISOString(),
    eventType: 'activity',
    action: 'create',
    outcome: 'success',
    initiator: { id: 'system:test', name: 'test', typeURI: 'service/security' },
    target: { typeURI: 'data/test', id },
    observer: { typeURI: 'service/maestro', id: 'test-node' },
    customerId: null,
    tenantId: null,
    region: null,
    requestId: null,
    reason: null,
    data: {},
    ...overrides,
  };
}

const primaryKeys = new Map<string, string[]>();

/** The primary key columns of a table, in key order (remembered: schemas do not change under a test). */
export async function primaryKeyOf(db: Queryable, table: string): Promise<string[]> {
  const known = primaryKeys.get(table);
  if (known) return known;
  const { rows } = await db.query<{ column: string }>(
    `SELECT a.attname AS column
       FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [`"${table}"`],
  );
  if (rows.length === 0) throw new Error(`table ${table} has no primary key`);
  const key = rows.map((row) => row.column);
  primaryKeys.set(table, key);
  return key;
}

/**
 * Every row of every table as JSON, ordered by primary key, in one statement (one snapshot of
 * the database, and cheap enough to take around every call of a long run).
 */
export async function snapshotTables(db: Queryable, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  if (tables.length === 0) return {};
  const parts: string[] = [];
  for (const [index, table] of tables.entries()) {
    const key = (await primaryKeyOf(db, table)).map((column) => `t."${column}"`).join(', ');
    parts.push(`(SELECT coalesce(json_agg(t ORDER BY ${key}), '[]') FROM "${table}" t) AS t${index}`);
  }
  const { rows } = await db.query<Record<string, unknown[]>>(`SELECT ${parts.join(', ')}`);
  return Object.fromEntries(tables.map((table, index) => [table, rows[0]![`t${index}`]!]));
}

export interface TestNode {
  maestro: Maestro;
  /** The bootstrap administrator as a user actor (its failed calls are audited in the log). */
  adminActor: Actor | null;
  close(): Promise<void>;
}

/** One master key for every node a test starts, as a cluster would share it. */
const sharedMasterKey = Buffer.alloc(32, 7).toString('base64');

/**
 * A Maestro node around a given database, without HTTP and with a slow relay timer (tests wake it
 * themselves). The database stays open when the node closes.
 */
export async function startNode(db: Database, options: { clock?: Clock; nodeName?: string; config?: ConfigInput } = {}): Promise<TestNode> {
  const data = tempDir('maestro-node-');
  const config = loadConfig(
    {},
    {
      dataDir: data.dir,
      logLevel: 'silent',
      validateOutputs: true,
      relayIntervalMs: 60_000,
      masterKey: sharedMasterKey,
      nodeName: options.nodeName ?? 'test-node',
      defaultSimulatedRegion: false,
      ...options.config,
    },
  );
  let maestro: Maestro;
  try {
    maestro = await startMaestro({ config, db, listen: false, ...(options.clock ? { clock: options.clock } : {}) });
  } catch (error) {
    data.remove();
    throw error;
  }
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM users WHERE name = 'admin'`);
  const adminId = rows[0]?.id ?? null;
  return {
    maestro,
    adminActor: adminId
      ? { kind: 'user', userId: adminId, name: 'admin', systemAdmin: true, customerId: null, accessKey: maestro.bootstrap?.accessKey ?? null }
      : null,
    async close() {
      await maestro.close();
      data.remove();
    },
  };
}
