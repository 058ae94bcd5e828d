// 1. A signed, authorised JSON-RPC read (`tenants.describe`, limit 100, 100 tenants) as the
// bootstrap administrator, against the physical reference: a bare fastify route on the same
// database that returns a 100-row page of the same table from one indexed SELECT. A third side
// runs the exact SQL `tenants.describe` runs, to tell the query's cost from the API's.
import Fastify from 'fastify';
import { createClient } from '../src/sdk/client.js';
import { loadConfig } from '../src/server/config.js';
import { listTenants } from '../src/server/queries/organisation.js';
import { pageOf } from '../src/server/queries/paging.js';
import { startMaestro, type Maestro } from '../src/server/runtime.js';
import type { Queryable } from '../src/store/database.js';
import { createBenchPostgresDatabase, flavourName, tempDir, type Flavour } from './support/databases.js';
import { latencyDetails, measureAlternately, withLoadGenerator, type LoadGenerator, type LoadRequest } from './support/load.js';
import type { Figure } from './support/report.js';

const TENANTS = 100;
const LIMIT = 100;
const CONCURRENCY = 16;
const WARM_UP_MS = 1000;
/** Each side is measured for ROUNDS × SEGMENT_MS, alternating A B B A so drift hits both alike. */
const ROUNDS = 2;
const SEGMENT_MS = 2500;

/** The physical reference: one indexed SELECT (tenants_name_unique) of a 100-row page, no joins. */
const indexedPage = {
  sql: `SELECT id, name, display_name AS "displayName", description, status, contacts, created_at AS "createdAt", updated_at AS "updatedAt"
          FROM tenants ORDER BY name LIMIT $1`,
  params: [LIMIT + 1],
};

/** The statement `tenants.describe` runs for the administrator, captured rather than copied. */
async function tenantsListStatement(): Promise<{ sql: string; params: unknown[] }> {
  let captured: { sql: string; params: unknown[] } | undefined;
  const recorder: Queryable = {
    async query<R>(sql: string, params?: readonly unknown[]) {
      captured = { sql, params: [...(params ?? [])] };
      return { rows: [] as R[], rowCount: 0 };
    },
  };
  await listTenants(recorder, { limit: LIMIT, tenantIds: null });
  return captured!;
}

async function measureFlavour(flavour: Flavour, load: LoadGenerator): Promise<Figure> {
  const temp = tempDir('rpc');
  const postgres = flavour === 'postgres' ? await createBenchPostgresDatabase() : null;
  const config = loadConfig(
    {},
    { port: 0, dataDir: temp.dir, logLevel: 'silent', ...(postgres ? { databaseUrl: postgres.url } : {}) },
  );
  const bare = Fastify({ logger: false });
  let maestro: Maestro | undefined;
  try {
    maestro = await startMaestro({ config });
    const credentials = { accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey };
    const client = createClient({ url: maestro.url, ...credentials });

    // 100 tenants of one customer, each active in one of two regions (so the regions sub-select has work).
    await client.customers.create({ name: 'bench' });
    for (const name of ['sim-1', 'sim-2']) {
      await client.regions.create({ name, cloud: 'SIMULATED', kind: 'private', nativeName: name });
    }
    const names = Array.from({ length: TENANTS }, (_, i) => `tenant-${String(i).padStart(3, '0')}`);
    const calls = [
      ...names.map((name) => ({
        method: 'tenants.create',
        params: { customer: 'bench', name, description: `benchmark tenant ${name}`, contacts: [`ops@${name}.example`] },
      })),
      ...names.map((name, i) => ({ method: 'tenants.activateRegion', params: { tenant: name, region: `sim-${(i % 2) + 1}` } })),
    ];
    for (let i = 0; i < calls.length; i += 100) {
      const failed = (await client.batch(calls.slice(i, i + 100))).find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
    const page = await client.tenants.describe({ limit: LIMIT });
    if (page.items.length !== TENANTS) throw new Error(`expected ${TENANTS} tenants, got ${page.items.length}`);

    const sameSql = await tenantsListStatement();
    const db = maestro.db;
    for (const [path, { sql, params }] of [['/indexed', indexedPage], ['/same-sql', sameSql]] as const) {
      bare.get(path, async () => {
        const { rows } = await db.query<{ name: string }>(sql, params);
        return pageOf(rows, LIMIT, (t) => t.name);
      });
    }
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

    const rpc: LoadRequest['target'] = {
      kind: 'rpc',
      url: `${maestro.url}/api/v1/rpc`,
      credentials,
      method: 'tenants.describe',
      params: { limit: LIMIT },
    };
    const {
      rpc: measured,
      bare: baseline,
      sameSql: sameSqlResult,
    } = await measureAlternately(
      load,
      { bare: { target: { kind: 'get', url: `${bareUrl}/indexed` } }, rpc: { target: rpc }, sameSql: { target: { kind: 'get', url: `${bareUrl}/same-sql` } } },
      { concurrency: CONCURRENCY, warmUpMs: WARM_UP_MS, rounds: ROUNDS, segmentMs: SEGMENT_MS },
    );
    return {
      benchmark: 'rpc-read',
      name: `signed tenants.describe, ${flavourName[flavour]}`,
      value: measured.perSecond,
      unit: 'req/s',
      baseline: { name: 'bare fastify, one indexed 100-row SELECT', value: baseline.perSecond },
      target: { kind: 'ratio-at-least', value: 0.6 },
      details: {
        concurrency: CONCURRENCY,
        sameSqlPerSecond: Number(sameSqlResult.perSecond.toFixed(1)),
        seconds: Number(measured.seconds.toFixed(1)),
        ...latencyDetails(measured, baseline),
      },
    };
  } finally {
    await bare.close();
    await maestro?.close();
    await postgres?.drop();
    temp.remove();
  }
}

export const rpcRead = (flavours: readonly Flavour[]): Promise<Figure[]> => withLoadGenerator(flavours, measureFlavour);
