import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import type { managedResource } from '../../src/protocol/commands/tags.js';
import { uuidv7 } from '../../src/protocol/ids.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { foldTags } from '../../src/server/queries/compute.js';
import { failsWith, runningInstance } from './setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

type Row = z.infer<typeof managedResource>;
type Filters = Parameters<MaestroClient['resources']['describe']>[0];

const TENANT = 'mgmt-a';
const OTHER = 'mgmt-b';
const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

/**
 * The Management page's data (resources.describe with filters, sort and cursor; resources.facets)
 * over resources put into the read model as discovery would leave them, in regions of a cloud that
 * ignores case in tag names (Google) and one that does not (Azure), neither with a driver here so
 * no state sync touches them, plus a few made through the API on the simulator.
 */
describe('the Management page: resources across clouds, filtered, sorted and paged, and the filter panel', () => {
  let server: TestServer;
  let admin: MaestroClient;
  /** The tenant's resources as one big page returns them; what every other answer is checked against. */
  let all: Row[];

  const every = async (filters: Omit<Filters, 'tenant'>, limit = 7): Promise<Row[]> => {
    const rows: Row[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.resources.describe({ tenant: TENANT, ...filters, limit, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= limit);
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return rows;
  };

  async function insert(tenant: string, region: string, i: number, kind: 'instance' | 'volume', tags: Record<string, string>) {
    const db = server.maestro.db;
    const ids = await db.query<{ tenant: string; region: string }>(
      `SELECT t.id AS tenant, r.id AS region FROM tenants t, regions r WHERE t.name = $1 AND r.name = $2`,
      [tenant.toUpperCase(), region.toUpperCase()],
    );
    const { tenant: tenantId, region: regionId } = ids.rows[0]!;
    // Some names, states and times repeat, so that ties are broken by id.
    const name = `${names[i % names.length]}${kind === 'volume' ? 'disk' : ''}`;
    const createdAt = new Date(Date.UTC(2026, 0, 1, 0, i % 9, 0, 0) + (i % 3) * 0.25).toISOString();
    const folded = JSON.stringify(foldTags(tags));
    if (kind === 'instance') {
      await db.query(
        `INSERT INTO instances (id, tenant_id, region_id, native_id, name, state, shape, cpu, ram_mb, disk_gb, managed, termination_protection,
                                tags, tags_folded, launched_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'SMALL', 1, 2048, 10, false, false, $7, $8, $9, $9, $9)`,
        [uuidv7(), tenantId, regionId, `vm-${tenant}-${i}`, name, ['running', 'stopped', 'running'][i % 3], JSON.stringify(tags), folded, createdAt],
      );
    } else {
      await db.query(
        `INSERT INTO volumes (id, tenant_id, region_id, native_id, name, size_gb, state, tags, tags_folded, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 8, $6, $7, $8, $9, $9)`,
        [uuidv7(), tenantId, regionId, `disk-${tenant}-${i}`, name, ['available', 'in-use'][i % 2], JSON.stringify(tags), folded, createdAt],
      );
    }
  }

  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    admin = server.admin;
    await admin.customers.create({ name: 'mgmtco' });
    for (const tenant of [TENANT, OTHER]) await admin.tenants.create({ customer: 'mgmtco', name: tenant });
    await admin.regions.create({ name: 'm-sim', cloud: 'SIMULATED', kind: 'private', nativeName: 'm-sim-dc' });
    await admin.regions.create({ name: 'm-gcp', cloud: 'GOOGLE', kind: 'public', nativeName: 'europe-west1' });
    await admin.regions.create({ name: 'm-azure', cloud: 'AZURE', kind: 'public', nativeName: 'westeurope' });
    for (const tenant of [TENANT, OTHER]) for (const region of ['m-sim', 'm-gcp', 'm-azure']) await admin.tenants.activateRegion({ tenant, region });
    for (let i = 0; i < 60; i++) {
      const region = i % 2 === 0 ? 'm-gcp' : 'm-azure';
      // Google ignores case in tag names, Azure does not: the same spellings mean one key there and two here.
      const env: Record<string, string> = i % 4 < 2 ? { Env: i % 3 === 0 ? 'Prod' : 'prod' } : { env: i % 5 === 0 ? 'Test' : 'prod' };
      await insert(TENANT, region, i, i % 3 === 2 ? 'volume' : 'instance', { ...env, team: `team-${i % 4}`, serial: `s-${i}` });
    }
    for (let i = 0; i < 12; i++) await insert(OTHER, i % 2 === 0 ? 'm-gcp' : 'm-azure', i, 'instance', { Env: 'Prod', team: 'team-0', serial: `s-${i}` });
    await runningInstance(admin, TENANT, 'm-sim', 'foxtrot', { Env: 'Prod' });
    await admin.volumes.create({ tenant: TENANT, region: 'm-sim', name: 'foxtrot data', sizeGb: 1, tags: { team: 'team-1' } });
    await runningInstance(admin, OTHER, 'm-sim', 'foxtrot', { Env: 'Prod' });
    all = (await admin.resources.describe({ tenant: TENANT, limit: 500 })).items;
  });
  after(() => server?.close());

  it('lists every resource of the tenant with what the table shows, and none of another tenant', async () => {
    assert.equal(all.length, 62);
    const others = new Set((await admin.resources.describe({ tenant: OTHER, limit: 500 })).items.map((r) => r.id));
    assert.equal(others.size, 13);
    assert.ok(all.every((r) => !others.has(r.id)));
    const foxtrot = all.find((r) => r.name === 'foxtrot')!;
    assert.equal(foxtrot.cloud, 'SIMULATED');
    assert.equal(foxtrot.owner, 'admin');
    assert.equal(foxtrot.shape, 'SMALL');
    assert.equal(foxtrot.state, 'running');
    const volume = all.find((r) => r.name === 'foxtrot data')!;
    assert.deepEqual([volume.type, volume.shape, volume.publicIp, volume.state], ['volume', null, null, 'available']);
    assert.ok(all.every((r) => Number.isFinite(Date.parse(r.createdAt))));
    // Nothing of the other tenant through any filter either.
    assert.ok((await every({ tagKey: 'env', name: 'foxtrot' })).every((r) => !others.has(r.id)));
  });

  it('pages every sort by cursor: each row exactly once, in order, ties broken by id', async () => {
    const compare = (key: keyof Row) => (a: Row, b: Row) => {
      const [x, y] = [String(a[key]), String(b[key])];
      return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    };
    const keyOf = { name: 'name', type: 'type', region: 'region', state: 'state', createdAt: 'createdAt' } as const;
    for (const key of Object.keys(keyOf) as (keyof typeof keyOf)[]) {
      // Names, states and regions here are lower-case letters or share their prefix: any collation orders them alike.
      const ascending = [...all].sort(compare(keyOf[key]));
      assert.deepEqual((await every({ sort: key })).map((r) => r.id), ascending.map((r) => r.id), `sort ${key}`);
      const descending = [...ascending].reverse().map((r) => r.id);
      assert.deepEqual((await every({ sort: `-${key}` }, 5)).map((r) => r.id), descending, `sort -${key}`);
      assert.deepEqual((await every({ sort: key, order: 'desc' }, 11)).map((r) => r.id), descending, `sort ${key} order desc`);
    }
    // Without a sort, by id as always; the default page is 50 rows.
    assert.deepEqual(all.map((r) => r.id), [...all].map((r) => r.id).sort());
    const first = await admin.resources.describe({ tenant: TENANT });
    assert.equal(first.items.length, 50);
    assert.deepEqual((await every({})).map((r) => r.id), all.map((r) => r.id));
  });

  it('combines filters: cloud, region, type, state, name (contains, any case) and tag', async () => {
    const cases: [Omit<Filters, 'tenant'>, (r: Row) => boolean][] = [
      [{ cloud: 'GOOGLE' }, (r) => r.cloud === 'GOOGLE'],
      [{ cloud: 'AZURE', type: 'volume' }, (r) => r.cloud === 'AZURE' && r.type === 'volume'],
      [{ region: 'm-gcp', state: 'running' }, (r) => r.region === 'M-GCP' && r.state === 'running'],
      [{ name: 'HARL' }, (r) => r.name.includes('harl')],
      [{ name: 'T D' }, (r) => r.name === 'foxtrot data'],
      [{ name: 'DISK', state: 'available', cloud: 'GOOGLE' }, (r) => r.name.endsWith('disk') && r.state === 'available' && r.cloud === 'GOOGLE'],
      [{ tagKey: 'team', tagValue: 'team-1', type: 'instance', sort: '-name' }, (r) => r.tags.team === 'team-1' && r.type === 'instance'],
    ];
    for (const [filters, expected] of cases) {
      const rows = await every(filters, 4);
      assert.deepEqual(new Set(rows.map((r) => r.id)), new Set(all.filter(expected).map((r) => r.id)), JSON.stringify(filters));
      assert.ok(rows.length > 0, `${JSON.stringify(filters)} matches something`);
    }
    // LIKE's wildcards are plain characters in a name search.
    assert.deepEqual(await every({ name: '%' }), []);
    assert.deepEqual(await every({ name: '_' }), []);
  });

  it("matches tag names by each resource's cloud: one key in any case on Google, exact on Azure", async () => {
    const count = async (tagKey: string, tagValue?: string) => (await every({ tagKey, ...(tagValue ? { tagValue } : {}) }, 50)).length;
    const has = (r: Row, key: string, value?: string) =>
      r.cloud === 'AZURE'
        ? Object.hasOwn(r.tags, key) && (value === undefined || r.tags[key] === value)
        : Object.entries(r.tags).some(([k, v]) => k.toLowerCase() === key.toLowerCase() && (value === undefined || v.toLowerCase() === value.toLowerCase()));
    for (const [key, value] of [['Env', undefined], ['env', undefined], ['ENV', undefined], ['Env', 'Prod'], ['env', 'prod'], ['env', 'PROD']] as const) {
      assert.equal(await count(key, value), all.filter((r) => has(r, key, value)).length, `${key}=${value}`);
    }
    assert.ok((await count('ENV')) < (await count('Env')), 'Azure rows are not found by a spelling they do not have');
  });

  it('counts the filter panel as describe finds the rows, each dimension under the other filters', async () => {
    for (const filters of [{}, { state: 'running' }, { cloud: 'GOOGLE' as const, name: 'a' }, { tagKey: 'env', tagValue: 'prod', type: 'instance' as const }]) {
      const facets = await admin.resources.facets({ tenant: TENANT, ...filters });
      const rows = async (more: Omit<Filters, 'tenant'>) => (await every({ ...filters, ...more }, 100)).length;
      const { cloud: _cloud, ...notCloud } = filters as Omit<Filters, 'tenant'>;
      for (const cloud of facets.clouds) {
        assert.equal(cloud.count, (await every({ ...notCloud, cloud: cloud.cloud }, 100)).length, `${JSON.stringify(filters)} cloud ${cloud.cloud}`);
        assert.equal(cloud.count, cloud.regions.reduce((n, r) => n + r.count, 0));
        for (const region of cloud.regions) assert.equal(region.count, (await every({ ...notCloud, region: region.name }, 100)).length);
      }
      const { type: _type, tagKey: _key, tagValue: _value, ...untyped } = filters as Omit<Filters, 'tenant'>;
      const { tagKey: _k, tagValue: _v, ...untagged } = filters as Omit<Filters, 'tenant'>;
      assert.ok(facets.types.length > 0);
      for (const type of facets.types) {
        assert.equal(type.count, (await every({ ...(filters as object), type: type.type }, 100)).length, `${JSON.stringify(filters)} type ${type.type}`);
        for (const tag of type.tags) {
          assert.equal(tag.count, (await every({ ...untyped, ...untagged, type: type.type, tagKey: tag.key }, 100)).length, `${type.type} ${tag.key}`);
          for (const value of tag.values.slice(0, 4)) {
            assert.equal(value.count, await rows({ ...untagged, type: type.type, tagKey: tag.key, tagValue: value.value }), `${tag.key}=${value.value}`);
          }
        }
      }
    }
  });

  it("folds tag names in the panel as the tenant's clouds compare them, and caps a key's values", async () => {
    const facets = await admin.resources.facets({ tenant: TENANT, type: 'instance' });
    const instance = facets.types.find((t) => t.type === 'instance')!;
    const keys = instance.tags.map((t) => t.key).sort();
    // Azure's 'Env' and 'env' are two keys; each also finds the Google and simulator rows of either spelling.
    assert.deepEqual(keys, ['Env', 'env', 'serial', 'team']);
    const serial = instance.tags.find((t) => t.key === 'serial')!;
    // Every instance but the simulator's has its own serial.
    assert.deepEqual([serial.count, serial.values.length, serial.more], [40, 40, false]);
    assert.ok(serial.values.every((v) => v.count === 1));
    const volumeSerials = facets.types.find((t) => t.type === 'volume')!.tags.find((t) => t.key === 'serial')!;
    assert.equal(volumeSerials.more, false);

    // Google alone: one key whatever the spelling, its values folded too.
    const google = await admin.resources.facets({ tenant: TENANT, cloud: 'GOOGLE' });
    const env = google.types.find((t) => t.type === 'instance')!.tags.filter((t) => t.key.toLowerCase() === 'env');
    assert.equal(env.length, 1);
    assert.deepEqual(env[0]!.values.map((v) => v.value.toLowerCase()).sort(), ['prod', 'test']);
    assert.deepEqual(google.clouds.map((c) => c.cloud).sort(), ['AZURE', 'GOOGLE', 'SIMULATED'], 'the cloud list ignores the cloud filter');
    assert.ok(google.types.every((t) => t.count <= all.filter((r) => r.cloud === 'GOOGLE' && r.type === t.type).length));
  });

  it('caps the values of a key at 50 with `more`, the most frequent first', async () => {
    // 60 more instances, each with its own batch, and 10 of them sharing one.
    for (let i = 100; i < 160; i++) await insert(TENANT, 'm-azure', i, 'instance', { batch: i < 110 ? 'b-shared' : `b-${i}` });
    try {
      const facets = await admin.resources.facets({ tenant: TENANT, type: 'instance' });
      const batch = facets.types.find((t) => t.type === 'instance')!.tags.find((t) => t.key === 'batch')!;
      assert.deepEqual([batch.count, batch.values.length, batch.more], [60, 50, true]);
      assert.deepEqual(batch.values[0], { value: 'b-shared', count: 10 });
      assert.deepEqual(batch.values.slice(1, 3), [{ value: 'b-110', count: 1 }, { value: 'b-111', count: 1 }]);
    } finally {
      await server.maestro.db.query(`DELETE FROM instances WHERE native_id LIKE 'vm-mgmt-a-1__'`);
    }
  });

  it('refuses bad sorts, filters and cursors with an error naming what is wrong', async () => {
    const refused = (input: Record<string, unknown>, pattern: RegExp, method: 'describe' | 'facets' = 'describe') =>
      assert.rejects(admin.resources[method]({ tenant: TENANT, ...input } as never), failsWith('invalid_input', pattern));
    await refused({ sort: 'size' }, /sort is one of name, type, region, state, createdAt/);
    await refused({ sort: 'name', order: 'up' }, /order is 'asc' or 'desc'/);
    await refused({ sort: '-name', order: 'asc' }, /descending and order is 'asc'/);
    await refused({ order: 'desc' }, /give sort too/);
    await refused({ limit: 501 }, /at most 500/);
    await refused({ cloud: 'MARS' }, /cloud is one of/);
    await refused({ cloud: 'MARS' }, /cloud is one of/, 'facets');
    await refused({ cloud: 'AZURE', region: 'm-gcp' }, /M-GCP is a GOOGLE region, not AZURE/, 'facets');
    await refused({ tagValue: 'prod' }, /give tagKey/, 'facets');
    await refused({ type: 'bucket' }, /type is one of instance, volume, image/);
    await assert.rejects(admin.resources.facets({ tenant: TENANT, region: 'nowhere' }), failsWith('not_found', /NOWHERE/));
    const byName = await admin.resources.describe({ tenant: TENANT, sort: 'name', limit: 2 });
    await refused({ sort: 'state', cursor: byName.nextCursor }, /returned for sort 'name', not 'state'/);
    await refused({ cursor: byName.nextCursor }, /cursor/);
    const byId = await admin.resources.describe({ tenant: TENANT, limit: 2 });
    await refused({ sort: 'name', cursor: byId.nextCursor }, /cursor is not one this server returned/);
  });

  it("keeps resources.facets to the caller's tenants, like resources.describe", async () => {
    await admin.users.create({ name: 'mona', customer: 'mgmtco', email: 'mona@mgmtco.test' });
    await admin.users.addRole({ name: 'mona', tenant: OTHER, role: 'admin' });
    const key = await admin.keys.create({ user: 'mona' });
    const mona = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
    await assert.rejects(mona.resources.facets({ tenant: TENANT }), failsWith('forbidden'));
    const own = await mona.resources.facets({ tenant: OTHER });
    assert.equal(own.types.reduce((n, t) => n + t.count, 0), 13);
  });
});
