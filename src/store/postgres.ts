import pg from 'pg';
import { toIsoTimestamp, type Database, type QueryResult, type Queryable } from './database.js';

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;

const typeParsers: Record<number, (value: string) => unknown> = {
  [INT8]: Number,
  [TIMESTAMPTZ]: toIsoTimestamp,
  [TIMESTAMP]: (value: string) => toIsoTimestamp(`${value}Z`),
};

const types = {
  getTypeParser(oid: number, format?: string) {
    return typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text');
  },
};

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}

export interface PostgresOptions {
  url: string;
  poolSize?: number;
}

/** A real PostgreSQL server through a connection pool; every session runs in UTC. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    options: '-c TimeZone=UTC',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const root = wrap(pool);
  const listeners: pg.PoolClient[] = [];

  return {
    kind: 'postgres',
    query: root.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async listen(channel, onPayload) {
      const client = await pool.connect();
      listeners.push(client);
      const handler = (message: pg.Notification) => {
        if (message.channel === channel) onPayload(message.payload ?? '');
      };
      client.on('notification', handler);
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        client.off('notification', handler);
        await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
        listeners.splice(listeners.indexOf(client), 1);
        client.release();
      };
    },
    async close() {
      for (const client of listeners.splice(0)) client.release();
      await pool.end();
    },
  };
}
