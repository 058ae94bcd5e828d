import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../src/domain/clock.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { loadConfig, type ConfigInput } from '../../src/server/config.js';
import { startMaestro, type Maestro } from '../../src/server/runtime.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { ServerTransport } from '../../src/agent/transport/transport.js';

export interface TestServer {
  maestro: Maestro;
  url: string;
  /** Signed in as the bootstrap administrator. */
  admin: MaestroClient;
  credentials: { accessKey: string; secretKey: string };
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A Maestro node on a random port, with a throw-away data directory. Without the default simulated
 * region (tests build the organisation they need); `config: { defaultSimulatedRegion: true }` adds it.
 */
export async function startTestServer(
  options: { db?: Database; clock?: Clock; config?: ConfigInput; agentTransport?: ServerTransport } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-test-'));
  const config = loadConfig({}, { port: 0, dataDir, logLevel: 'silent', validateOutputs: true, defaultSimulatedRegion: false, ...options.config });
  const maestro = await startMaestro({
    config,
    ...(options.db ? { db: options.db } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.agentTransport ? { agentTransport: options.agentTransport } : {}),
  });
  if (!maestro.bootstrap) throw new Error('the test server was expected to create its administrator');
  const credentials = { accessKey: maestro.bootstrap.accessKey, secretKey: maestro.bootstrap.secretKey };
  return {
    maestro,
    url: maestro.url,
    admin: createClient({ url: maestro.url, ...credentials }),
    credentials,
    dataDir,
    async close() {
      await maestro.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The master key a test server made in its data directory: another node of its cluster starts with it. */
export const masterKeyOf = (server: Pick<TestServer, 'dataDir'>): string => readFileSync(path.join(server.dataDir, 'master.key'), 'utf8').trim();

/**
 * Another node of a test server's cluster on one PostgreSQL: the same data directory (so the
 * same master key, which seals secret keys), its own pool and node name. The caller closes it.
 */
export async function startSecondNode(first: Pick<TestServer, 'dataDir'>, databaseUrl: string, nodeName = 'node-2'): Promise<Maestro> {
  return startMaestro({
    config: loadConfig({}, { port: 0, dataDir: first.dataDir, logLevel: 'silent', nodeName, defaultSimulatedRegion: false }),
    db: await openPostgres({ url: databaseUrl, poolSize: 3 }),
  });
}
