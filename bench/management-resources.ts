// 20. The Management page's data for a 10,000-instance tenant (issue 17): the first page of
// resources.describe (default order, by name, by a tag) and resources.facets, dispatched in-process
// through the real dispatcher (validation, authorisation, handler, output check), against a bare
// `SELECT … LIMIT 50` on the instances table, alternating A B B A.
import type { Actor } from '../src/server/actor.js';
import { foldTags } from '../src/server/queries/compute.js';
import { regionRef } from '../src/server/queries/compute.js';
import { bulkInstances, percentile, round2, simulatedTenants, startBenchServer, type BenchServer } from './support/compute.js';
import type { Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const TENANT = 'MGMT-BIG';
/** A second tenant as big, so that every query has to keep to its own tenant's rows. */
const NEIGHBOUR = 'MGMT-NEIGHBOUR';
const REGION = 'SIM-MGMT';
const INSTANCES = 10_000;
const VOLUMES = 2_000;
const IMAGES = 200;
const LIMIT = 50;
/** Calls per side and case, in BLOCKS blocks alternating A B B A. */
const CALLS = 120;
const BLOCKS = 4;
const TARGET_MS = 200;

/** Five tags per resource: common, middling and rare values; one key in mixed case. */
function tagsOf(i: number): Record<string, string> {
  return {
    env: ['prod', 'prod', 'prod', 'staging', 'dev'][i % 5]!,
    team: `team-${(i * 7) % 20}`,
    app: `app-${(i * 13) % 500}`,
    CostCentre: `CC-${(i * 31) % 200}`,
    owner: `user-${(i * 17) % 1000}`,
  };
}

interface Case {
  label: string;
  method: 'resources.describe' | 'resources.facets';
  params: Record<string, unknown>;
}

const cases: Case[] = [
  { label: 'describe, first page, default order', method: 'resources.describe', params: {} },
  { label: 'describe, first page, sorted by name', method: 'resources.describe', params: { sort: 'name' } },
  { label: 'describe, first page, newest first', method: 'resources.describe', params: { sort: '-createdAt' } },
  { label: 'describe, tag env=prod (60 %), sorted by name', method: 'resources.describe', params: { tagKey: 'env', tagValue: 'prod', sort: 'name' } },
  { label: 'describe, tag team=team-3 (5 %)', method: 'resources.describe', params: { tagKey: 'Team', tagValue: 'team-3' } },
  { label: 'describe, name contains "vm-99", instances running', method: 'resources.describe', params: { name: 'vm-99', type: 'instance', state: 'running' } },
  { label: 'facets, whole tenant', method: 'resources.facets', params: {} },
  { label: 'facets, cloud SIMULATED, tag env=prod', method: 'resources.facets', params: { cloud: 'SIMULATED', tagKey: 'env', tagValue: 'prod' } },
];

/** Volumes and private images straight into their tables, as their projections would leave them. */
async function seedVolumesAndImages(server: BenchServer, tenantName: string): Promise<void> {
  const db = server.maestro.db;
  const region = await regionRef(db, REGION);
  const { rows } = await db.query<{ id: string }>('SELECT id FROM tenants WHERE name = $1', [tenantName]);
  const tenantId = rows[0]!.id;
  const volumes = Array.from({ length: VOLUMES }, (_, i) => ({ name: `disk-${i}`, tags: tagsOf(i + 1), folded: foldTags(tagsOf(i + 1)) }));
  await db.query(
    `INSERT INTO volumes (id, tenant_id, region_id, native_id, name, size_gb, state, tags, tags_folded, created_at, updated_at)
     SELECT gen_random_uuid(), $1, $2, 'vol-' || v.name, v.name, 10, 'available', v.tags, v.folded, now(), now()
       FROM jsonb_to_recordset($3::jsonb) AS v(name text, tags jsonb, folded jsonb)`,
    [tenantId, region.id, JSON.stringify(volumes)],
  );
  await db.query(
    `INSERT INTO images (id, region_id, tenant_id, name, native_id, os, state, min_disk_gb, created_at, updated_at, description)
     SELECT gen_random_uuid(), $1::uuid, $2::uuid, 'golden-' || n, 'img-' || $2::text || '-' || n, 'linux', 'available', 10, now(), now(), ''
       FROM generate_series(1, $3::int) n`,
    [region.id, tenantId, IMAGES],
  );
}

async function adminActor(server: BenchServer): Promise<Actor> {
  const { rows } = await server.maestro.db.query<{ id: string; name: string }>(`SELECT id, name FROM users WHERE system_admin ORDER BY name LIMIT 1`);
  return { kind: 'user', userId: rows[0]!.id, name: rows[0]!.name, systemAdmin: true, customerId: null, accessKey: server.credentials.accessKey };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round2(percentile(sorted, 50)), p95: round2(percentile(sorted, 95)), max: round2(sorted[sorted.length - 1]!) };
};

async function measureCase(server: BenchServer, actor: Actor, tenantId: string, test: Case, setting: string): Promise<Figure> {
  const { dispatcher, db } = server.maestro;
  const params = { tenant: TENANT, ...test.params };
  let answerSize = 0;
  const sides = {
    async bare() {
      const { rows } = await db.query('SELECT id, name, state, tags FROM instances WHERE tenant_id = $1 LIMIT 50', [tenantId]);
      return rows.length;
    },
    async command() {
      const answer = await dispatcher.call(test.method, params, { actor });
      answerSize = JSON.stringify(answer).length;
      return answer;
    },
  };
  const latencies: Record<keyof typeof sides, number[]> = { bare: [], command: [] };
  const block = async (side: keyof typeof sides, record: boolean) => {
    for (let n = 0; n < CALLS / BLOCKS; n++) {
      const started = performance.now();
      await sides[side]();
      if (record) latencies[side].push(performance.now() - started);
    }
  };
  await block('bare', false);
  await block('command', false);
  for (let b = 0; b < BLOCKS; b++) {
    const order: (keyof typeof sides)[] = b % 2 === 0 ? ['bare', 'command'] : ['command', 'bare'];
    for (const side of order) await block(side, true);
  }
  const command = stats(latencies.command);
  const bare = stats(latencies.bare);
  return {
    benchmark: 'management-resources',
    name: `${test.method === 'resources.facets' ? 'facets' : 'first page'} p95: ${test.label}, ${setting}`,
    value: command.p95,
    unit: 'ms',
    baseline: { name: 'bare SELECT … LIMIT 50 on instances, p95', value: bare.p95 },
    target: { kind: 'at-most', value: TARGET_MS },
    details: { calls: CALLS, command, bare, answerBytes: answerSize },
  };
}

async function measureFlavour(flavour: Flavour): Promise<Figure[]> {
  const server = await startBenchServer(flavour);
  try {
    const { maestro, client } = server;
    await simulatedTenants(client, { customer: 'MGMT', region: REGION, tenants: [TENANT, NEIGHBOUR] });
    for (const tenant of [TENANT, NEIGHBOUR]) {
      await bulkInstances(maestro, { region: REGION, tenants: [tenant], count: INSTANCES, tags: tagsOf });
      await seedVolumesAndImages(server, tenant);
    }
    const actor = await adminActor(server);
    const { rows } = await maestro.db.query<{ id: string }>('SELECT id FROM tenants WHERE name = $1', [TENANT]);
    const tenantId = rows[0]!.id;
    const figures: Figure[] = [];
    // The embedded database has no autovacuum and Maestro never analyses it: measured as it runs.
    const setting = maestro.db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite, no statistics';
    if (maestro.db.kind === 'postgres') await maestro.db.exec('ANALYZE');
    for (const test of cases) figures.push(await measureCase(server, actor, tenantId, test, setting));
    return figures;
  } finally {
    await server.close();
  }
}

export async function managementResources(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of flavours) figures.push(...(await measureFlavour(flavour)));
  return figures;
}

