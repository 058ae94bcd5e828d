import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DriverRegistry } from '../../src/clouds/registry.js';
import { caseInsensitiveClouds, mergeTags, removeTags, tagRulesOf } from '../../src/domain/tag-rules.js';
import { SimulatedCloud } from '../../src/clouds/sim/driver.js';
import type { CloudKind } from '../../src/protocol/clouds.js';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import { uuidv7 } from '../../src/protocol/ids.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { foldTags } from '../../src/server/queries/compute.js';
import { encodeCursor } from '../../src/server/queries/paging.js';
import { failsWith, runningInstance } from './setup.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { simulatorAs } from '../support/simulator-as.js';

describe('tag rules per cloud', () => {
  const none = new DriverRegistry();
  const withSim = new DriverRegistry();
  withSim.register(new SimulatedCloud({ latencyMs: 0 }));

  it('follows the seed for clouds without a driver: AWS and Azure exact, the others case-insensitive', () => {
    assert.equal(tagRulesOf(none, 'AWS').tagMatching, 'case-sensitive');
    assert.equal(tagRulesOf(none, 'AZURE').tagMatching, 'case-sensitive');
    for (const cloud of ['GOOGLE', 'OPEN_STACK', 'SIMULATED'] as const) assert.equal(tagRulesOf(none, cloud).tagMatching, 'case-insensitive');
    assert.deepEqual(tagRulesOf(none, 'AZURE').reservedTagPrefixes, ['microsoft', 'azure', 'windows']);
    assert.deepEqual(caseInsensitiveClouds(none).sort(), ['GOOGLE', 'NUTANIX', 'OCI', 'OPEN_STACK', 'SIMULATED', 'VCD', 'VSPHERE']);
  });

  it("takes a registered driver's capabilities over the table", () => {
    const registry = new DriverRegistry();
    registry.register(simulatorAs(new SimulatedCloud({ latencyMs: 0 }), 'GOOGLE', { tagMatching: 'case-sensitive', reservedTagPrefixes: ['goog'] }));
    assert.deepEqual(tagRulesOf(registry, 'GOOGLE'), { tagMatching: 'case-sensitive', reservedTagPrefixes: ['goog'] });
    assert.ok(!caseInsensitiveClouds(registry).includes('GOOGLE'));
    assert.equal(tagRulesOf(withSim, 'SIMULATED').tagMatching, 'case-insensitive');
  });

  it("refuses Azure's reserved prefixes, whatever their case, naming the key and the cloud", () => {
    const azure = tagRulesOf(none, 'AZURE');
    for (const key of ['azure', 'Microsoft.Owner', 'WINDOWS-version', 'azureDevOps']) {
      assert.throws(() => mergeTags({}, { [key]: 'x' }, azure, 'AZURE'), failsWith('invalid_input', new RegExp(`'${key.replace('.', '\\.')}'.*AZURE reserves`)));
    }
    assert.deepEqual(mergeTags({}, { 'my-azure': 'x', team: 'y' }, azure, 'AZURE').tags, { 'my-azure': 'x', team: 'y' });
    // Other clouds reserve nothing of the sort.
    assert.deepEqual(mergeTags({}, { azure: 'x' }, tagRulesOf(withSim, 'SIMULATED'), 'SIMULATED').tags, { azure: 'x' });
  });

  it('merges: new keys added, changed values replaced, unchanged ones not reported', () => {
    const rules = tagRulesOf(none, 'AWS');
    const merged = mergeTags({ Env: 'prod', Team: 'core' }, { Team: 'core', Owner: 'ann', Env: 'test' }, rules, 'AWS');
    assert.deepEqual(merged.tags, { Env: 'test', Team: 'core', Owner: 'ann' });
    assert.deepEqual(merged.changed, { Owner: 'ann', Env: 'test' });
    assert.deepEqual(mergeTags({ a: '1' }, { a: '1' }, rules, 'AWS').changed, {});
    // On an exact-matching cloud 'env' and 'Env' are two tags; on the others one replaces the other.
    assert.deepEqual(mergeTags({ Env: 'prod' }, { env: 'test' }, rules, 'AWS').tags, { Env: 'prod', env: 'test' });
    const folded = mergeTags({ Env: 'prod' }, { env: 'prod' }, tagRulesOf(none, 'GOOGLE'), 'GOOGLE');
    assert.deepEqual(folded, { tags: { env: 'prod' }, changed: { env: 'prod' } });
    assert.throws(() => mergeTags({}, { Env: 'a', ENV: 'b' }, tagRulesOf(none, 'GOOGLE'), 'GOOGLE'), failsWith('invalid_input', /same key/));
    // A key that is special to JavaScript objects stays an ordinary tag.
    const proto = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    assert.deepEqual(Object.entries(mergeTags({ a: '1' }, proto, rules, 'AWS').tags), [['a', '1'], ['__proto__', 'x']]);
  });

  it('allows 50 tags after the merge and refuses the 51st', () => {
    const rules = tagRulesOf(none, 'SIMULATED');
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(Object.keys(mergeTags({}, fifty, rules, 'SIMULATED').tags).length, 50);
    assert.throws(() => mergeTags(fifty, { extra: 'v' }, rules, 'SIMULATED'), failsWith('invalid_input', /at most 50 tags.*51/));
    assert.equal(Object.keys(mergeTags(fifty, { k0: 'changed' }, rules, 'SIMULATED').tags).length, 50);
  });

  it('removes keys as the cloud matches them; a missing key lists the keys there are', () => {
    assert.deepEqual(removeTags({ Env: 'a', Team: 'b' }, ['env'], tagRulesOf(none, 'OPEN_STACK')), { tags: { Team: 'b' }, removed: ['Env'] });
    assert.throws(() => removeTags({ Env: 'a', Team: 'b' }, ['env'], tagRulesOf(none, 'AWS')), failsWith('invalid_input', /no tag 'env'; its tag keys are 'Env', 'Team'/));
    assert.throws(() => removeTags({}, ['x'], tagRulesOf(none, 'AWS')), failsWith('invalid_input', /no tags at all/));
  });
});

describe('tags and resources through the API', () => {
  let server: TestServer;
  let admin: MaestroClient;
  let web: Instance;
  let awsWeb: Instance;

  const eventsOf = async (id: string, type: string) =>
    (await server.maestro.db.query<{ data: Record<string, unknown> }>(`SELECT data FROM event_log WHERE type = $1 AND data->>'id' = $2 ORDER BY seq`, [
      type,
      id,
    ])).rows.map((row) => row.data);
  const simTags = async (nativeId: string) =>
    (await server.maestro.db.query<{ tags: Record<string, string> }>('SELECT tags FROM sim_vms WHERE native_id = $1', [nativeId])).rows[0]!.tags;

  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    admin = server.admin;
    // A case-sensitive cloud with a reserved prefix, played by the simulator.
    server.maestro.services.clouds.register(
      simulatorAs(server.maestro.services.simulator, 'AWS', { tagMatching: 'case-sensitive', reservedTagPrefixes: ['aws:'] }),
    );
    await admin.customers.create({ name: 'tagco' });
    await admin.tenants.create({ customer: 'tagco', name: 'tag-a' });
    await admin.tenants.create({ customer: 'tagco', name: 'tag-b' });
    await admin.regions.create({ name: 'tag-sim', cloud: 'SIMULATED', kind: 'private', nativeName: 'tag-sim-dc' });
    await admin.regions.create({ name: 'tag-aws', cloud: 'AWS', kind: 'public', nativeName: 'tag-aws-dc' });
    await admin.regions.create({ name: 'tag-azure', cloud: 'AZURE', kind: 'public', nativeName: 'westeurope' });
    for (const region of ['tag-sim', 'tag-aws', 'tag-azure']) await admin.tenants.activateRegion({ tenant: 'tag-a', region });
    await admin.tenants.activateRegion({ tenant: 'tag-b', region: 'tag-sim' });
    web = await runningInstance(admin, 'tag-a', 'tag-sim', 'web', { Env: 'Prod' });
    awsWeb = await runningInstance(admin, 'tag-a', 'tag-aws', 'aws-web', { Env: 'Prod' });
  });
  after(() => server?.close());

  it('sets tags on an instance: merged, given to the cloud, recorded with what changed', async () => {
    const result = await admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { Owner: 'ops', Env: 'Prod' } });
    assert.deepEqual(result, { resourceId: web.id, resourceType: 'instance', tags: { Env: 'Prod', Owner: 'ops' } });
    assert.deepEqual(await simTags(web.nativeId), { Env: 'Prod', Owner: 'ops' });
    assert.deepEqual(await eventsOf(web.id, 'instance.tagged'), [{ id: web.id, tags: { Env: 'Prod', Owner: 'ops' }, set: { Owner: 'ops' } }]);
    assert.deepEqual((await admin.instances.describe({ tenant: 'tag-a', ids: [web.id] })).items[0]!.tags, { Env: 'Prod', Owner: 'ops' });
    assert.deepEqual(await admin.tags.describe({ tenant: 'tag-a', resourceId: web.id }), result);

    // Setting what is already there changes nothing and records nothing.
    await admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { Owner: 'ops' } });
    assert.equal((await eventsOf(web.id, 'instance.tagged')).length, 1);
  });

  it('on a case-insensitive cloud a key replaces the one it equals; on a case-sensitive one both stay', async () => {
    const sim = await admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { env: 'staging' } });
    assert.deepEqual(sim.tags, { Owner: 'ops', env: 'staging' });
    const aws = await admin.tags.set({ tenant: 'tag-a', resourceId: awsWeb.id, tags: { env: 'staging' } });
    assert.deepEqual(aws.tags, { Env: 'Prod', env: 'staging' });
    await admin.tags.delete({ tenant: 'tag-a', resourceId: awsWeb.id, keys: ['env'] });
    await admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { Env: 'Prod' } });
    assert.deepEqual((await admin.tags.describe({ tenant: 'tag-a', resourceId: web.id })).tags, { Owner: 'ops', Env: 'Prod' });
  });

  it('concurrent tag changes to one resource all land', async () => {
    await Promise.all(['a', 'b', 'c', 'd'].map((key) => admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { [`race-${key}`]: key } })));
    const { tags } = await admin.tags.describe({ tenant: 'tag-a', resourceId: web.id });
    assert.deepEqual(Object.keys(tags).filter((k) => k.startsWith('race-')).sort(), ['race-a', 'race-b', 'race-c', 'race-d']);
    assert.deepEqual(await simTags(web.nativeId), tags);
    await admin.tags.delete({ tenant: 'tag-a', resourceId: web.id, keys: ['race-a', 'race-b', 'race-c', 'race-d'] });
  });

  it('deletes tags, recording the remaining set and the removed keys', async () => {
    await admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { Temp: '1', Scratch: '2' } });
    const result = await admin.tags.delete({ tenant: 'tag-a', resourceId: web.id, keys: ['temp', 'Scratch'] });
    assert.deepEqual(result.tags, { Owner: 'ops', Env: 'Prod' });
    assert.deepEqual(await simTags(web.nativeId), { Owner: 'ops', Env: 'Prod' });
    assert.deepEqual((await eventsOf(web.id, 'instance.untagged')).at(-1), { id: web.id, tags: { Owner: 'ops', Env: 'Prod' }, removed: ['Temp', 'Scratch'] });
    await assert.rejects(
      admin.tags.delete({ tenant: 'tag-a', resourceId: web.id, keys: ['Owner', 'nope'] }),
      failsWith('invalid_input', /no tag 'nope'; its tag keys are 'Env', 'Owner'/),
    );
    assert.deepEqual((await admin.tags.describe({ tenant: 'tag-a', resourceId: web.id })).tags, { Owner: 'ops', Env: 'Prod' });
  });

  it('refuses a 51st tag and reserved prefixes, changing nothing', async () => {
    const many = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v']));
    await admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: many });
    await assert.rejects(admin.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { one: '1' } }), failsWith('invalid_input', /at most 50 tags/));
    assert.equal(Object.keys((await admin.tags.describe({ tenant: 'tag-a', resourceId: web.id })).tags).length, 50);
    assert.equal(Object.keys(await simTags(web.nativeId)).length, 50);
    await admin.tags.delete({ tenant: 'tag-a', resourceId: web.id, keys: Object.keys(many) });

    await assert.rejects(
      admin.tags.set({ tenant: 'tag-a', resourceId: awsWeb.id, tags: { 'AWS:cost': 'x', fine: 'y' } }),
      failsWith('invalid_input', /tag key 'AWS:cost' starts with 'aws:', which AWS reserves/),
    );
    assert.deepEqual((await admin.tags.describe({ tenant: 'tag-a', resourceId: awsWeb.id })).tags, { Env: 'Prod' });
    await assert.rejects(
      admin.volumes.create({ tenant: 'tag-a', region: 'tag-aws', name: 'v', sizeGb: 1, tags: { 'aws:x': '1' } }),
      failsWith('invalid_input', /AWS reserves/),
    );
  });

  it('tags volumes (recorded by Maestro), and describes them', async () => {
    const volume = await admin.volumes.create({ tenant: 'tag-a', region: 'tag-sim', name: 'data', sizeGb: 1, tags: { Env: 'Prod' } });
    const set = await admin.tags.set({ tenant: 'tag-a', resourceId: volume.id, tags: { Backup: 'daily' } });
    assert.deepEqual(set, { resourceId: volume.id, resourceType: 'volume', tags: { Env: 'Prod', Backup: 'daily' } });
    assert.deepEqual(await eventsOf(volume.id, 'volume.tagged'), [{ id: volume.id, tags: { Env: 'Prod', Backup: 'daily' }, set: { Backup: 'daily' } }]);
    const removed = await admin.tags.delete({ tenant: 'tag-a', resourceId: volume.id, keys: ['backup'] });
    assert.deepEqual(removed.tags, { Env: 'Prod' });
    assert.deepEqual(await eventsOf(volume.id, 'volume.untagged'), [{ id: volume.id, tags: { Env: 'Prod' }, removed: ['Backup'] }]);
    assert.deepEqual((await admin.volumes.describe({ tenant: 'tag-a' })).items.find((v) => v.id === volume.id)!.tags, { Env: 'Prod' });
    assert.deepEqual(await admin.tags.describe({ tenant: 'tag-a', resourceId: volume.id }), removed);
  });

  it('refuses reserved Azure prefixes on resources in an Azure region that has no driver', async () => {
    // No Azure driver yet, so the volume is put straight into the read model, as discovery would.
    const region = (await server.maestro.db.query<{ id: string }>(`SELECT id FROM regions WHERE name = 'TAG-AZURE'`)).rows[0]!.id;
    const tenant = (await server.maestro.db.query<{ id: string }>(`SELECT id FROM tenants WHERE name = 'TAG-A'`)).rows[0]!.id;
    const id = uuidv7();
    const tags = { Env: 'Prod' };
    await server.maestro.db.query(
      `INSERT INTO volumes (id, tenant_id, region_id, native_id, name, size_gb, state, tags, tags_folded, created_at, updated_at)
       VALUES ($1, $2, $3, 'disk-1', 'azure-disk', 8, 'available', $4, $5, now(), now())`,
      [id, tenant, region, JSON.stringify(tags), JSON.stringify(foldTags(tags))],
    );
    await assert.rejects(
      admin.tags.set({ tenant: 'tag-a', resourceId: id, tags: { 'Windows.Edition': 'x' } }),
      failsWith('invalid_input', /'Windows\.Edition' starts with 'windows', which AZURE reserves/),
    );
    assert.deepEqual((await admin.tags.set({ tenant: 'tag-a', resourceId: id, tags: { env: 'test' } })).tags, { Env: 'Prod', env: 'test' });

    // Azure compares tag names exactly: 'env' finds only the volume's own lower-case tag.
    const byKey = await admin.resources.describe({ tenant: 'tag-a', region: 'tag-azure', tagKey: 'ENV' });
    assert.deepEqual(byKey.items, []);
    const exact = await admin.resources.describe({ tenant: 'tag-a', region: 'tag-azure', tagKey: 'Env', tagValue: 'Prod' });
    assert.deepEqual(exact.items.map((r) => [r.id, r.cloud, r.type]), [[id, 'AZURE', 'volume']]);
    assert.deepEqual((await admin.resources.describe({ tenant: 'tag-a', region: 'tag-azure', tagKey: 'Env', tagValue: 'prod' })).items, []);
    await server.maestro.db.query('DELETE FROM volumes WHERE id = $1', [id]);
  });

  it('lists all resources of a tenant: live instances, volumes and private images, with their tags', async () => {
    const gone = await runningInstance(admin, 'tag-a', 'tag-sim', 'gone');
    await admin.instances.terminate({ tenant: 'tag-a', id: gone.id });
    const image = await admin.images.create({ tenant: 'tag-a', instance: web.id, name: 'golden' });
    const all = await admin.resources.describe({ tenant: 'tag-a' });
    const ids = all.items.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort());
    const byId = new Map(all.items.map((r) => [r.id, r]));
    assert.deepEqual(byId.get(web.id), {
      id: web.id,
      type: 'instance',
      name: 'web',
      region: 'TAG-SIM',
      cloud: 'SIMULATED',
      service: 'Compute',
      nativeId: web.nativeId,
      tags: { Owner: 'ops', Env: 'Prod' },
      // What the Management table shows besides.
      state: 'running',
      owner: 'admin',
      createdAt: byId.get(web.id)?.createdAt,
      shape: web.shape,
      publicIp: null,
    });
    assert.ok(Date.parse(byId.get(web.id)!.createdAt) >= Date.parse(web.launchedAt) - 1000);
    assert.equal(byId.get(awsWeb.id)?.cloud, 'AWS');
    assert.deepEqual(byId.get(image.id), {
      id: image.id,
      type: 'image',
      name: 'golden',
      region: 'TAG-SIM',
      cloud: 'SIMULATED',
      service: 'Compute',
      nativeId: image.nativeId,
      tags: {},
      state: image.state,
      owner: 'admin',
      createdAt: image.createdAt,
      shape: null,
      publicIp: null,
    });
    assert.ok(!byId.has(gone.id), 'terminated instances are not resources');
    // Public catalog images are not the tenant's.
    assert.ok(all.items.filter((r) => r.type === 'image').every((r) => r.name === 'golden'));
    assert.ok(all.items.some((r) => r.type === 'volume' && r.name === 'data'));

    assert.deepEqual(
      (await admin.resources.describe({ tenant: 'tag-a', type: 'image' })).items.map((r) => r.id),
      [image.id],
    );
    assert.ok((await admin.resources.describe({ tenant: 'tag-a', region: 'tag-aws' })).items.every((r) => r.region === 'TAG-AWS'));
    assert.deepEqual((await admin.resources.describe({ tenant: 'tag-b' })).items, []);
  });

  it("matches tag names by each resource's cloud: case-insensitive on the simulator, exact on AWS", async () => {
    const names = async (filter: { tagKey: string; tagValue?: string }) =>
      (await admin.resources.describe({ tenant: 'tag-a', type: 'instance', ...filter })).items.map((r) => r.name).sort();
    assert.deepEqual(await names({ tagKey: 'Env' }), ['aws-web', 'web']);
    assert.deepEqual(await names({ tagKey: 'ENV' }), ['web']);
    assert.deepEqual(await names({ tagKey: 'env', tagValue: 'prod' }), ['web']);
    assert.deepEqual(await names({ tagKey: 'Env', tagValue: 'Prod' }), ['aws-web', 'web']);
    assert.deepEqual(await names({ tagKey: 'Env', tagValue: 'Test' }), []);
    // Images carry no tags, so a tag filter leaves them out.
    assert.ok((await admin.resources.describe({ tenant: 'tag-a', tagKey: 'Env' })).items.every((r) => r.type !== 'image'));
    await assert.rejects(admin.resources.describe({ tenant: 'tag-a', tagValue: 'Prod' }), failsWith('invalid_input', /give tagKey/));
  });

  it('pages resources with a stable cursor; a bad cursor is invalid input', async () => {
    const all = (await admin.resources.describe({ tenant: 'tag-a' })).items.map((r) => r.id);
    assert.ok(all.length >= 4);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.resources.describe({ tenant: 'tag-a', limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, all);
    for (const bad of ['%%%', encodeCursor("'; DROP TABLE volumes; --"), encodeCursor('')]) {
      await assert.rejects(admin.resources.describe({ tenant: 'tag-a', cursor: bad }), failsWith('invalid_input', /cursor/));
    }
  });

  it('refuses unknown ids, terminated instances, and other tenants', async () => {
    await assert.rejects(admin.tags.describe({ tenant: 'tag-a', resourceId: randomUUID() }), failsWith('not_found', /resource/));
    await assert.rejects(admin.tags.set({ tenant: 'tag-b', resourceId: web.id, tags: { a: 'b' } }), failsWith('not_found'));
    const gone = await runningInstance(admin, 'tag-a', 'tag-sim', 'gone-too');
    await admin.instances.terminate({ tenant: 'tag-a', id: gone.id });
    await assert.rejects(admin.tags.set({ tenant: 'tag-a', resourceId: gone.id, tags: { a: 'b' } }), failsWith('invalid_state', /terminated|shutting-down/));

    await admin.users.create({ name: 'tess', customer: 'tagco', email: 'tess@tagco.test' });
    await admin.users.addRole({ name: 'tess', tenant: 'tag-b', role: 'admin' });
    const key = await admin.keys.create({ user: 'tess' });
    const tess = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
    await assert.rejects(tess.tags.describe({ tenant: 'tag-a', resourceId: web.id }), failsWith('forbidden'));
    await assert.rejects(tess.tags.set({ tenant: 'tag-a', resourceId: web.id, tags: { pwned: 'yes' } }), failsWith('forbidden'));
    await assert.rejects(tess.tags.delete({ tenant: 'tag-a', resourceId: web.id, keys: ['Env'] }), failsWith('forbidden'));
    await assert.rejects(tess.resources.describe({ tenant: 'tag-a' }), failsWith('forbidden'));
    await assert.rejects(tess.tags.describe({ tenant: 'tag-b', resourceId: web.id }), failsWith('not_found'));
    assert.deepEqual((await admin.tags.describe({ tenant: 'tag-a', resourceId: web.id })).tags, { Owner: 'ops', Env: 'Prod' });
  });
});

describe('tags given at creation: instances.run and volumes.create apply the rules of tags.set', () => {
  let server: TestServer;
  let admin: MaestroClient;
  const none = new DriverRegistry();
  const clouds = ['GOOGLE', 'OPEN_STACK', 'AWS', 'AZURE'] as const;
  const regionOf = (cloud: CloudKind) => `at-${cloud.toLowerCase().replace('_', '-')}`;
  const run = (cloud: CloudKind, tags: Record<string, string>) =>
    admin.instances.run({ tenant: 'born', region: regionOf(cloud), image: 'ubuntu-24.04', shape: 'SMALL', tags });
  const volume = (cloud: CloudKind, tags: Record<string, string>) =>
    admin.volumes.create({ tenant: 'born', region: regionOf(cloud), name: 'data', sizeGb: 1, tags });
  const counts = async () =>
    (
      await server.maestro.db.query<{ instances: number; volumes: number; vms: number }>(
        `SELECT (SELECT count(*)::int FROM instances) AS instances, (SELECT count(*)::int FROM volumes) AS volumes,
                (SELECT count(*)::int FROM sim_vms) AS vms`,
      )
    ).rows[0]!;

  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    admin = server.admin;
    // Each cloud played by the simulator under the seed's tag rules for it.
    for (const cloud of clouds) server.maestro.services.clouds.register(simulatorAs(server.maestro.services.simulator, cloud, tagRulesOf(none, cloud)));
    await admin.customers.create({ name: 'borncorp' });
    await admin.tenants.create({ customer: 'borncorp', name: 'born' });
    for (const cloud of clouds) {
      await admin.regions.create({ name: regionOf(cloud), cloud, kind: 'public', nativeName: regionOf(cloud) });
      await admin.tenants.activateRegion({ tenant: 'born', region: regionOf(cloud) });
    }
  });
  after(() => server?.close());

  it('refuses keys that differ only in case on Google and OpenStack, naming both keys, and creates nothing', async () => {
    const before = await counts();
    for (const cloud of ['GOOGLE', 'OPEN_STACK'] as const) {
      const sameKey = new RegExp(`tag keys 'Env' and 'env' are the same key in ${cloud}, which ignores case in tag names; give one of them`);
      await assert.rejects(run(cloud, { Env: 'prod', env: 'test' }), failsWith('invalid_input', sameKey));
      await assert.rejects(volume(cloud, { Env: 'prod', env: 'test' }), failsWith('invalid_input', sameKey));
    }
    assert.deepEqual(await counts(), before);
  });

  it('keeps both spellings as two tags on a cloud that compares tag names exactly', async () => {
    const { instances } = await run('AWS', { Env: 'prod', env: 'test' });
    assert.deepEqual(instances[0]!.tags, { Env: 'prod', env: 'test' });
    assert.deepEqual((await volume('AWS', { Env: 'prod', env: 'test' })).tags, { Env: 'prod', env: 'test' });
  });

  it("refuses Azure's reserved prefixes on run and create as tags.set does", async () => {
    const before = await counts();
    for (const key of ['Microsoft.Owner', 'azure-cost', 'WINDOWS']) {
      const reserved = new RegExp(`tag key '${key.replace('.', '\\.')}' starts with '\\w+', which AZURE reserves; choose other tag keys`);
      await assert.rejects(run('AZURE', { [key]: 'x', team: 'core' }), failsWith('invalid_input', reserved));
      await assert.rejects(volume('AZURE', { [key]: 'x' }), failsWith('invalid_input', reserved));
    }
    assert.deepEqual(await counts(), before);
    const { instances } = await run('AZURE', { 'my-azure': 'x' });
    assert.deepEqual(instances[0]!.tags, { 'my-azure': 'x' });
  });

  it('says exactly what tags.set says about the same keys', async () => {
    const { instances } = await run('GOOGLE', { team: 'core' });
    const messageOf = async (call: Promise<unknown>) => {
      try {
        await call;
      } catch (error) {
        return (error as Error).message;
      }
      assert.fail('the call was expected to fail');
    };
    const tags = { Owner: 'ann', OWNER: 'bob' };
    assert.equal(await messageOf(run('GOOGLE', tags)), await messageOf(admin.tags.set({ tenant: 'born', resourceId: instances[0]!.id, tags })));
  });
});
