import type { Clock } from '../../../src/domain/clock.js';
import type { Instance } from '../../../src/protocol/commands/compute-schemas.js';
import { createClient, type MaestroClient } from '../../../src/sdk/client.js';
import type { ConfigInput } from '../../../src/server/config.js';
import type { Database } from '../../../src/store/database.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { m3Client, type M3Client, type M3Credentials } from './m3-client.js';

/**
 * A node with a small organisation, reached through the Maestro protocol: customer ACME with
 * tenant ACME-DEV on the simulated private region SIM-A, and the user alice (role `user` there).
 * `admin` / `alice` speak JSON-RPC (to arrange and check), `m3Admin` / `m3Alice` the Maestro protocol.
 */
export interface CompatWorld {
  server: TestServer;
  admin: MaestroClient;
  alice: MaestroClient;
  m3Admin: M3Client;
  m3Alice: M3Client;
  aliceKey: M3Credentials;
  /** A Maestro protocol client for another user of ACME, made on demand. */
  m3User(name: string, role: 'admin' | 'user' | 'billing' | 'readonly' | null): Promise<M3Client>;
  close(): Promise<void>;
}

export async function compatWorld(options: { db: Database; clock?: Clock; config?: ConfigInput }): Promise<CompatWorld> {
  const server = await startTestServer({ db: options.db, ...(options.clock ? { clock: options.clock } : {}), config: { simLatencyMs: 0, ...options.config } });
  const now = options.clock ? () => options.clock!.now().getTime() : undefined;
  // Everyone signs with the server's clock, so a test may move it anywhere.
  const admin = now ? createClient({ url: server.url, ...server.credentials, now }) : server.admin;
  await admin.customers.create({ name: 'acme' });
  await admin.tenants.create({ customer: 'acme', name: 'acme-dev', contacts: ['ops@acme.example'] });
  await admin.regions.create({ name: 'sim-a', cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-a-native' });
  await admin.tenants.activateRegion({ tenant: 'acme-dev', region: 'sim-a' });

  const userKey = async (name: string, role: 'admin' | 'user' | 'billing' | 'readonly' | null): Promise<M3Credentials> => {
    await admin.users.create({ name, customer: 'acme', email: `${name}@acme.example` });
    if (role !== null) await admin.users.addRole({ name, tenant: 'acme-dev', role });
    const key = await admin.keys.create({ user: name });
    return { accessKey: key.accessKey, secretKey: key.secretKey };
  };
  const m3For = (credentials: M3Credentials) => m3Client({ url: server.url, ...credentials, ...(now ? { now } : {}) });

  const aliceKey = await userKey('alice', 'user');
  return {
    server,
    admin,
    alice: createClient({ url: server.url, ...aliceKey, ...(now ? { now } : {}) }),
    m3Admin: m3For(server.credentials),
    m3Alice: m3For(aliceKey),
    aliceKey,
    m3User: async (name, role) => m3For(await userKey(name, role)),
    close: () => server.close(),
  };
}

export interface WorldWithInstances {
  world: CompatWorld;
  /** A read-only user of ACME-DEV, through the Maestro protocol. */
  reader: M3Client;
  web: Instance;
  spare: Instance;
}

/** compatWorld with a read-only user and two of alice's MICRO instances in SIM-A. */
export async function compatWorldWithInstances(db: Database): Promise<WorldWithInstances> {
  const world = await compatWorld({ db });
  const reader = await world.m3User('reader', 'readonly');
  const run = await world.alice.instances.run({ tenant: 'ACME-DEV', region: 'SIM-A', image: 'ubuntu-24.04', shape: 'MICRO', count: 2 });
  const [web, spare] = run.instances as [Instance, Instance];
  return { world, reader, web, spare };
}
