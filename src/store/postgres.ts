import pg from 'pg';
import { defaultConnectPolicy, waitForPostgres, type ConnectPolicy } from './postgres-connect.js';
import { PostgresListener } from './postgres-listener.js';
import { toIsoTimestamp, type Database, type QueryResult, type Queryable } from './database.js';

const INT8 = 20;
const INT8_ARRAY: number = 1016;
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;

const parseInt8Array = (value: string): unknown =>
  (pg.types.getTypeParser(INT8_ARRAY, 'text')(value) as Array<string | null>).map((item) =>
    item === null ? null : Number(item),
  );

const typeParsers: Record<number, (value: string) => unknown> = {
  [INT8]: Number,
  // As PGlite does (its array parser applies the element parser): bigint[] as numbers too.
  [INT8_ARRAY]: parseInt8Array,
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
  /** How long to wait for the server at first (default: 10 s, retrying with back-off). */
  connect?: ConnectPolicy;
}

/** A real PostgreSQL server through a connection pool; every session runs in UTC. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  // Throws a PostgresConnectError saying what is wrong with the URL, the login or the server.
  await waitForPostgres(options.url, options.connect ?? defaultConnectPolicy);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    options: '-c TimeZone=UTC',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const root = wrap(pool);

  const listener = new PostgresListener(pool);

  return {
    kind: 'postgres',
    query: root.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // A checked-out client whose connection drops (server restart, pg_terminate_backend, network)
      // emits 'error'; without a listener that is an uncaught exception that ends the process. The
      // pool's own listener covers idle clients only.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken ??= error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          // A session that cannot roll back is in an unknown state: never hand it out again.
          broken ??= rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onError);
        // Released with an error, the pool destroys the connection instead of reusing it.
        client.release(broken);
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    listen: (channel, onPayload, onGap) => listener.listen(channel, { onPayload, ...(onGap ? { onGap } : {}) }),
    async close() {
      listener.close();
      await pool.end();
    },
  };
}
