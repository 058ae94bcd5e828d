import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../src/domain/clock.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import type { Actor } from '../../src/server/actor.js';
import { loadConfig, type ConfigInput } from '../../src/server/config.js';
import type { LiveOptions, Ticker } from '../../src/server/live/options.js';
import { LIVE_STREAM_PATH } from '../../src/server/live/route.js';
import { startMaestro, type Maestro } from '../../src/server/runtime.js';
import type { Database, Queryable } from '../../src/store/database.js';

/** The header the tests' actor resolver reads: the name of the user opening the stream. */
export const TEST_USER_HEADER = 'x-test-user';

/** Keepalive ticks by hand: each `tick()` is one interval passing. */
export class ManualTicker implements Ticker {
  readonly #ticks = new Set<() => void>();
  every(_ms: number, tick: () => void): () => void {
    this.#ticks.add(tick);
    return () => this.#ticks.delete(tick);
  }
  tick(): void {
    for (const tick of this.#ticks) tick();
  }
}

/**
 * Who a stream belongs to in these tests, standing in for the console session: the user the
 * header names, read from the users table as authentication would give them.
 */
export function headerActor(db: Queryable) {
  return async (request: FastifyRequest): Promise<Actor | null> => {
    const name = request.headers[TEST_USER_HEADER];
    if (typeof name !== 'string') return null;
    const { rows } = await db.query<{ id: string; customerId: string | null; systemAdmin: boolean }>(
      'SELECT id, customer_id AS "customerId", system_admin AS "systemAdmin" FROM users WHERE name = $1',
      [name],
    );
    const user = rows[0];
    return user ? { kind: 'user', userId: user.id, name, systemAdmin: user.systemAdmin, customerId: user.customerId, accessKey: null } : null;
  };
}

export interface LiveTestServer {
  maestro: Maestro;
  url: string;
  admin: MaestroClient;
  credentials: { accessKey: string; secretKey: string };
  dataDir: string;
  ticker: ManualTicker;
  /** Opens the stream as this user (no header: as nobody). */
  streamUrl(query?: string): string;
  close(): Promise<void>;
}

/** A node whose live streams belong to the user named in TEST_USER_HEADER, with keepalives ticked by hand. */
export async function startLiveServer(
  options: {
    db?: Database;
    config?: ConfigInput;
    dataDir?: string;
    live?: Partial<LiveOptions>;
    clock?: Clock;
    /** Streams belong to whoever the node would find for real (session cookie, signed request), not the test header. */
    realResolver?: boolean;
  } = {},
): Promise<LiveTestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'maestro-live-'));
  const ticker = new ManualTicker();
  const config = loadConfig({}, { port: 0, dataDir, logLevel: 'silent', validateOutputs: true, defaultSimulatedRegion: false, ...options.config });
  let db: Queryable | null = null;
  const maestro = await startMaestro({
    config,
    ...(options.db ? { db: options.db } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    live: { ticker, ...options.live, ...(options.realResolver ? {} : { resolveActor: (request: FastifyRequest) => headerActor(db!)(request) }) },
  });
  db = maestro.db;
  const credentials = maestro.bootstrap ? { accessKey: maestro.bootstrap.accessKey, secretKey: maestro.bootstrap.secretKey } : { accessKey: '', secretKey: '' };
  return {
    maestro,
    url: maestro.url,
    admin: createClient({ url: maestro.url, ...credentials }),
    credentials,
    dataDir,
    ticker,
    streamUrl: (query) => `${maestro.url}${LIVE_STREAM_PATH}${query ? `?${query}` : ''}`,
    async close() {
      await maestro.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The open live streams the node reports on /metrics. */
export async function openStreams(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('maestro_live_streams '));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}
