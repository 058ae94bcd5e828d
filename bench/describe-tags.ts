// 7. `instances.describe` with a tag filter over 100,000 instances of one tenant, a page of 100,
// through the signed API: latency percentiles against a bare fastify route that runs the very
// statement the handler runs (captured, not copied), and against that statement alone.
import Fastify from 'fastify';
import { listInstances, type InstanceFilter } from '../src/server/queries/instances.js';
import { regionRef } from '../src/server/queries/compute.js';
import { pageOf } from '../src/server/queries/paging.js';
import type { Queryable } from '../src/store/database.js';
import { bulkInstances, percentile, round2, simulatedTenants, startBenchServer, type BenchServer } from './support/compute.js';
import { flavourName, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const TENANT = 'BIG';
const REGION = 'SIM-TAGS';
/** A region of a cloud with exact tag names and no driver here: with it, the tenant's clouds disagree. */
const AWS_REGION = 'AWS-TAGS';
const INSTANCES = 100_000;
const LIMIT = 100;
const CALLS = 200;
/** Each side runs CALLS in BLOCKS blocks, alternating A B B A. */
const BLOCKS = 4;

/** A small deterministic generator, so every run holds the same tags. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tags of the i-th instance: common, middling and rare values, one key in mixed case. */
function tagsOf(i: number): Record<string, string> {
  const random = mulberry32(i + 1);
  const r = () => Math.floor(random() * 1_000_000);
  const tags: Record<string, string> = {
    env: ['prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'staging', 'staging', 'staging', 'dev'][r() % 10]!, // 60 / 30 / 10 %
    team: `team-${r() % 20}`, // 5 % each
    app: `app-${r() % 1000}`, // 0.1 % each
    CostCentre: `CC-${r() % 200}`, // 0.5 % each
  };
  if (r() % 5 === 0) tags.backup = 'daily'; // 20 %
  if (r() % 1000 === 0) tags.incident = `INC-${i}`; // 0.1 %
  return tags;
}

interface TagFilter {
  tagKey: string;
  tagValue?: string;
}

/** The n-th call's filter, in the case the stored tags use. */
function filterOf(n: number): TagFilter {
  const k = Math.floor(mulberry32(7919 * (n + 1))() * 1000);
  const filters: TagFilter[] = [
    { tagKey: 'env', tagValue: 'prod' },
    { tagKey: 'env', tagValue: 'dev' },
    { tagKey: 'team', tagValue: `team-${k % 20}` },
    { tagKey: 'CostCentre', tagValue: `CC-${k % 200}` },
    { tagKey: 'app', tagValue: `app-${k}` },
    { tagKey: 'backup' },
    { tagKey: 'incident' },
    { tagKey: 'app', tagValue: 'app-none' },
  ];
  return filters[n % filters.length]!;
}

/** For the case-insensitive rule, written as a user might: the match must not depend on it. */
function shouted(filter: TagFilter, n: number): TagFilter {
  const flip = (s: string) => (n % 2 === 0 ? s.toUpperCase() : s[0]!.toUpperCase() + s.slice(1));
  return { tagKey: flip(filter.tagKey), ...(filter.tagValue !== undefined ? { tagValue: flip(filter.tagValue) } : {}) };
}

interface Rule {
  label: string;
  caseInsensitive: boolean;
  /** The simulated region is named (its rule applies) or not (the tenant's clouds disagree: exact). */
  withRegion: boolean;
}

const rules: Rule[] = [
  { label: 'case-insensitive (simulated region)', caseInsensitive: true, withRegion: true },
  { label: 'exact (AWS-like, tenant also in an AWS region)', caseInsensitive: false, withRegion: false },
];

/** The statement `listInstances` runs for this filter, captured with a recording Queryable. */
async function statementOf(filter: InstanceFilter): Promise<{ sql: string; params: unknown[] }> {
  let captured: { sql: string; params: unknown[] } | undefined;
  const recorder: Queryable = {
    async query<R>(sql: string, params?: readonly unknown[]) {
      captured = { sql, params: [...(params ?? [])] };
      return { rows: [] as R[], rowCount: 0 };
    },
  };
  await listInstances(recorder, filter);
  return captured!;
}

type Side = 'api' | 'route' | 'sql';

async function measureRule(server: BenchServer, rule: Rule, flavour: Flavour, setting: string): Promise<Figure> {
  const { maestro, client } = server;
  const db = maestro.db;
  const region = await regionRef(db, REGION);
  const { rows: tenants } = await db.query<{ id: string }>('SELECT id FROM tenants WHERE name = $1', [TENANT]);
  const tenantId = tenants[0]!.id;
  const inputs = Array.from({ length: CALLS }, (_, n) => (rule.caseInsensitive ? shouted(filterOf(n), n) : filterOf(n)));
  const statements = await Promise.all(
    inputs.map((input) =>
      statementOf({
        tenantId,
        ...(rule.withRegion ? { regionId: region.id } : {}),
        tag: { key: input.tagKey, value: input.tagValue, caseInsensitive: rule.caseInsensitive },
        limit: LIMIT,
      }),
    ),
  );

  const bare = Fastify({ logger: false });
  bare.get<{ Params: { n: string } }>('/instances/:n', async (request) => {
    const { sql, params } = statements[Number(request.params.n)]!;
    const { rows } = await db.query<{ id: string }>(sql, params);
    return pageOf(rows, LIMIT, (i) => i.id);
  });
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  const sizes: number[] = new Array(CALLS);
  const calls: Record<Side, (n: number) => Promise<number>> = {
    async api(n) {
      const page = await client.instances.describe({ tenant: TENANT, ...(rule.withRegion ? { region: REGION } : {}), ...inputs[n]!, limit: LIMIT });
      return page.items.length;
    },
    async route(n) {
      const response = await fetch(`${bareUrl}/instances/${n}`);
      const page = (await response.json()) as { items: unknown[] };
      return page.items.length;
    },
    async sql(n) {
      const { rows } = await db.query(statements[n]!.sql, statements[n]!.params);
      return Math.min(rows.length, LIMIT);
    },
  };
  const latencies: Record<Side, number[]> = { api: [], route: [], sql: [] };
  const runBlock = async (side: Side, from: number, to: number, record: boolean) => {
    for (let n = from; n < to; n++) {
      const started = performance.now();
      const items = await calls[side](n);
      if (!record) continue;
      latencies[side].push(performance.now() - started);
      // Every side must return the same page size for the same filter.
      if (sizes[n] === undefined) sizes[n] = items;
      else if (sizes[n] !== items) throw new Error(`describe-tags: call ${n} returned ${items} items on ${side}, ${sizes[n]} elsewhere`);
    }
  };
  try {
    for (const side of ['sql', 'route', 'api'] as const) await runBlock(side, 0, 24, false); // warm-up
    const perBlock = CALLS / BLOCKS;
    for (let block = 0; block < BLOCKS; block++) {
      const order: Side[] = block % 2 === 0 ? ['api', 'route', 'sql'] : ['sql', 'route', 'api'];
      for (const side of order) await runBlock(side, block * perBlock, (block + 1) * perBlock, true);
    }
  } finally {
    await bare.close();
  }
  const stats = (side: Side) => {
    const sorted = [...latencies[side]].sort((a, b) => a - b);
    return { p50: round2(percentile(sorted, 50)), p95: round2(percentile(sorted, 95)), p99: round2(percentile(sorted, 99)) };
  };
  const api = stats('api');
  const route = stats('route');
  // The slowest filters, for finding out where the time goes.
  const byFilter = new Map<string, number[]>();
  latencies.sql.forEach((ms, n) => {
    const f = filterOf(n);
    const key = `${f.tagKey}${f.tagValue === undefined ? '' : `=${f.tagValue.replace(/\d+$/, 'k')}`}`;
    byFilter.set(key, [...(byFilter.get(key) ?? []), ms]);
  });
  return {
    benchmark: 'describe-tags',
    name: `instances.describe tag filter p95, ${rule.label}, ${setting}`,
    value: api.p95,
    unit: 'ms',
    baseline: { name: 'bare route, same SQL, p95', value: route.p95 },
    ...(flavour === 'postgres' ? { target: { kind: 'at-most' as const, value: 50 } } : {}),
    details: {
      calls: CALLS,
      api,
      bareRoute: route,
      bareSql: stats('sql'),
      sqlMedianByFilter: Object.fromEntries([...byFilter].map(([key, ms]) => [key, round2(percentile(ms.sort((a, b) => a - b), 50))])),
      pageSizes: [...new Set(sizes)].sort((a, b) => a - b),
    },
  };
}

async function measureFlavour(flavour: Flavour): Promise<Figure[]> {
  const server = await startBenchServer(flavour);
  try {
    const { maestro, client } = server;
    await simulatedTenants(client, { customer: 'TAGS', region: REGION, tenants: [TENANT] });
    await client.regions.create({ name: AWS_REGION, cloud: 'AWS', kind: 'public', nativeName: 'eu-west-1' });
    await client.tenants.activateRegion({ tenant: TENANT, region: AWS_REGION });
    await bulkInstances(maestro, { region: REGION, tenants: [TENANT], count: INSTANCES, tags: tagsOf });
    const figures: Figure[] = [];
    if (maestro.db.kind === 'postgres') {
      // Statistics as autovacuum keeps them on a database that holds this many rows.
      await maestro.db.exec('ANALYZE');
      for (const rule of rules) figures.push(await measureRule(server, rule, flavour, flavourName[flavour]));
    } else {
      // The embedded database has no autovacuum and Maestro never analyses it: the planner works
      // without statistics. Measured as it runs today, then after one ANALYZE.
      for (const rule of rules) figures.push(await measureRule(server, rule, flavour, 'PGlite, no statistics'));
      await maestro.db.exec('ANALYZE');
      for (const rule of rules) figures.push(await measureRule(server, rule, flavour, 'PGlite after ANALYZE'));
    }
    return figures;
  } finally {
    await server.close();
  }
}

export async function describeTags(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of [...flavours].reverse()) figures.push(...(await measureFlavour(flavour)));
  return figures;
}
