import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Driver } from '../../src/clouds/driver.js';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { encodeCursor } from '../../src/server/queries/paging.js';
import { failsWith, runningInstance } from './setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('volumes', () => {
  let server: TestServer;
  let admin: MaestroClient;
  let web: Instance;
  let westInstance: Instance;

  const simVolumes = async () =>
    (await server.maestro.db.query<{ nativeId: string; attachedTo: string | null }>(
      `SELECT native_id AS "nativeId", attached_to AS "attachedTo" FROM sim_volumes ORDER BY native_id`,
    )).rows;
  const volumeCount = async () => (await server.maestro.db.query<{ n: number }>('SELECT count(*)::int AS n FROM volumes')).rows[0]!.n;

  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    admin = server.admin;
    await admin.customers.create({ name: 'volco' });
    await admin.tenants.create({ customer: 'volco', name: 'vol-a' });
    await admin.tenants.create({ customer: 'volco', name: 'vol-b' });
    await admin.regions.create({ name: 'vol-east', cloud: 'SIMULATED', kind: 'private', nativeName: 'vol-east-dc' });
    await admin.regions.create({ name: 'vol-west', cloud: 'SIMULATED', kind: 'private', nativeName: 'vol-west-dc' });
    await admin.tenants.activateRegion({ tenant: 'vol-a', region: 'vol-east' });
    await admin.tenants.activateRegion({ tenant: 'vol-a', region: 'vol-west' });
    await admin.tenants.activateRegion({ tenant: 'vol-b', region: 'vol-east' });
    web = await runningInstance(admin, 'vol-a', 'vol-east', 'web');
    westInstance = await runningInstance(admin, 'vol-a', 'vol-west', 'west');
  });
  after(() => server?.close());

  it('creates a volume, available and unattached, owned by its creator', async () => {
    const volume = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'data', sizeGb: 20, tags: { Team: 'core' } });
    assert.equal(volume.name, 'data');
    assert.equal(volume.tenant, 'VOL-A');
    assert.equal(volume.region, 'VOL-EAST');
    assert.equal(volume.sizeGb, 20);
    assert.equal(volume.state, 'available');
    assert.equal(volume.instanceId, null);
    assert.equal(volume.owner, 'admin');
    assert.deepEqual(volume.tags, { Team: 'core' });
    assert.match(volume.nativeId ?? '', /^vol-/);
    assert.ok((await simVolumes()).some((v) => v.nativeId === volume.nativeId && v.attachedTo === null));
    const listed = await admin.volumes.describe({ tenant: 'vol-a' });
    assert.deepEqual(listed.items.find((v) => v.id === volume.id), volume);
    assert.deepEqual((await admin.volumes.describe({ tenant: 'vol-a', ids: [volume.id, randomUUID()] })).items, [volume]);
    await admin.volumes.delete({ tenant: 'vol-a', id: volume.id });
  });

  it('creates and attaches in one call when an instance is given', async () => {
    const volume = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'logs', sizeGb: 5, instance: web.id });
    assert.equal(volume.state, 'in-use');
    assert.equal(volume.instanceId, web.id);
    assert.ok((await simVolumes()).some((v) => v.nativeId === volume.nativeId && v.attachedTo === web.nativeId));
    const types = await server.maestro.db.query<{ type: string }>(
      `SELECT type FROM event_log WHERE type LIKE 'volume.%' AND data->>'id' = $1 ORDER BY seq`,
      [volume.id],
    );
    assert.deepEqual(
      types.rows.map((r) => r.type),
      ['volume.created', 'volume.attached'],
    );
    await admin.volumes.detach({ tenant: 'vol-a', id: volume.id });
    await admin.volumes.delete({ tenant: 'vol-a', id: volume.id });
  });

  it('attaches, detaches and deletes; an attached volume cannot be attached again or deleted', async () => {
    const volume = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'scratch', sizeGb: 1 });
    const attached = await admin.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: web.id });
    assert.equal(attached.state, 'in-use');
    assert.equal(attached.instanceId, web.id);
    assert.ok(attached.updatedAt >= volume.updatedAt);

    await assert.rejects(
      admin.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: web.id }),
      failsWith('invalid_state', new RegExp(`already attached to instance web \\(${web.id}\\)`)),
    );
    const other = await runningInstance(admin, 'vol-a', 'vol-east', 'other');
    await assert.rejects(
      admin.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: other.id }),
      failsWith('invalid_state', /attached to instance web .*detach it first/),
    );
    await assert.rejects(admin.volumes.delete({ tenant: 'vol-a', id: volume.id }), failsWith('invalid_state', /attached to instance web.*detach it first/));
    assert.equal((await admin.volumes.describe({ tenant: 'vol-a', instance: web.id })).items.length, 1);

    const detached = await admin.volumes.detach({ tenant: 'vol-a', id: volume.id });
    assert.equal(detached.state, 'available');
    assert.equal(detached.instanceId, null);
    await assert.rejects(admin.volumes.detach({ tenant: 'vol-a', id: volume.id }), failsWith('invalid_state', /not attached/));

    assert.deepEqual(await admin.volumes.delete({ tenant: 'vol-a', id: volume.id }), { ok: true });
    assert.ok(!(await simVolumes()).some((v) => v.nativeId === volume.nativeId));
    await assert.rejects(admin.volumes.delete({ tenant: 'vol-a', id: volume.id }), failsWith('not_found'));
    await assert.rejects(admin.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: web.id }), failsWith('not_found'));
  });

  it('two attaches of one volume racing: one wins, the other is told where the volume went', async () => {
    const volume = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'contended', sizeGb: 1 });
    const rival = await runningInstance(admin, 'vol-a', 'vol-east', 'rival');
    const results = await Promise.allSettled([
      admin.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: web.id }),
      admin.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: rival.id }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    failsWith('invalid_state', /attached to instance/)(lost[0]!.reason);
    const winner = (won[0] as PromiseFulfilledResult<{ instanceId: string | null }>).value.instanceId;
    const sim = (await simVolumes()).find((v) => v.nativeId === volume.nativeId)!;
    assert.equal(sim.attachedTo, winner === web.id ? web.nativeId : rival.nativeId);
    await admin.volumes.detach({ tenant: 'vol-a', id: volume.id });
    await admin.volumes.delete({ tenant: 'vol-a', id: volume.id });
  });

  it('moves a volume to a new instance: the disaster-recovery scenario', async () => {
    const a = await runningInstance(admin, 'vol-a', 'vol-east', 'app-a');
    const data = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'app-data', sizeGb: 50, instance: a.id });
    assert.equal(data.instanceId, a.id);
    // Instance A is lost; its data volume is detached, a new instance is run and takes it over.
    await admin.volumes.detach({ tenant: 'vol-a', id: data.id });
    await admin.instances.terminate({ tenant: 'vol-a', id: a.id });
    const b = await runningInstance(admin, 'vol-a', 'vol-east', 'app-b');
    const moved = await admin.volumes.attach({ tenant: 'vol-a', id: data.id, instance: b.id });
    assert.equal(moved.state, 'in-use');
    assert.equal(moved.instanceId, b.id);
    assert.equal(moved.nativeId, data.nativeId);
    assert.ok((await simVolumes()).some((v) => v.nativeId === data.nativeId && v.attachedTo === b.nativeId));
    assert.deepEqual(
      (await admin.volumes.describe({ tenant: 'vol-a', instance: b.id })).items.map((v) => v.id),
      [data.id],
    );
    assert.deepEqual((await admin.volumes.describe({ tenant: 'vol-a', instance: a.id })).items, []);
  });

  it('detaches the volumes of an instance when it is terminated', async () => {
    const doomed = await runningInstance(admin, 'vol-a', 'vol-east', 'doomed');
    const volume = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'rescue', sizeGb: 2, instance: doomed.id });
    await admin.instances.terminate({ tenant: 'vol-a', id: doomed.id });
    await assert.rejects(
      admin.volumes.attach({ tenant: 'vol-a', id: (await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'late', sizeGb: 1 })).id, instance: doomed.id }),
      failsWith('invalid_state', /(shutting-down|terminated); attach the volume to a live instance/),
    );
    const [saved] = (await admin.volumes.describe({ tenant: 'vol-a', instance: undefined })).items.filter((v) => v.id === volume.id);
    assert.equal(saved!.state, 'available');
    assert.equal(saved!.instanceId, null);
    await assert.rejects(admin.volumes.detach({ tenant: 'vol-a', id: volume.id }), failsWith('invalid_state'));
  });

  it('refuses instances of another region, terminated ones and unknown ones, creating nothing', async () => {
    const before = await volumeCount();
    const simBefore = (await simVolumes()).length;
    await assert.rejects(
      admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'far', sizeGb: 1, instance: westInstance.id }),
      failsWith('invalid_input', /is in region VOL-WEST and the volume in VOL-EAST/),
    );
    await assert.rejects(
      admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'ghost', sizeGb: 1, instance: randomUUID() }),
      failsWith('not_found', /instance/),
    );
    const gone = await runningInstance(admin, 'vol-a', 'vol-east', 'gone');
    await admin.instances.terminate({ tenant: 'vol-a', id: gone.id });
    await assert.rejects(
      admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'late', sizeGb: 1, instance: gone.id }),
      failsWith('invalid_state', /live instance/),
    );
    const west = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-west', name: 'west-data', sizeGb: 1 });
    await assert.rejects(admin.volumes.attach({ tenant: 'vol-a', id: west.id, instance: web.id }), failsWith('invalid_input', /own region/));
    await admin.volumes.delete({ tenant: 'vol-a', id: west.id });
    assert.equal(await volumeCount(), before);
    assert.equal((await simVolumes()).length, simBefore);
  });

  it('rolls the whole create back when the cloud refuses the attach', async () => {
    // The VM disappears from the cloud behind Maestro's back: Maestro still thinks it runs.
    const vanishing = await runningInstance(admin, 'vol-a', 'vol-east', 'vanishing');
    await admin.simulator.destroyOutside({ region: 'vol-east', nativeIds: [vanishing.nativeId] });
    const before = await volumeCount();
    const simBefore = await simVolumes();
    await assert.rejects(
      admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'orphan', sizeGb: 1, instance: vanishing.id }),
      failsWith('not_found', /does not exist.*the volume was not attached and the new volume was deleted again/),
    );
    assert.equal(await volumeCount(), before);
    assert.deepEqual(await simVolumes(), simBefore);
    const events = await server.maestro.db.query(`SELECT 1 FROM event_log WHERE type = 'volume.created' AND data->>'name' = 'orphan'`);
    assert.equal(events.rows.length, 0);
  });

  it('leaves everything as it was when the cloud fails', async () => {
    const volume = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'flaky', sizeGb: 1 });
    await admin.simulator.injectFault({ region: 'vol-east', operation: 'volume', kind: 'error', message: 'storage backend down' });
    await assert.rejects(admin.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: web.id }), failsWith('unavailable', /storage backend down/));
    const [after] = (await admin.volumes.describe({ tenant: 'vol-a' })).items.filter((v) => v.id === volume.id);
    assert.equal(after!.state, 'available');
    await admin.simulator.injectFault({ region: 'vol-east', operation: 'volume', kind: 'error' });
    await assert.rejects(admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'never', sizeGb: 1 }), failsWith('unavailable'));
    assert.equal((await admin.volumes.describe({ tenant: 'vol-a' })).items.filter((v) => v.name === 'never').length, 0);
    await admin.volumes.delete({ tenant: 'vol-a', id: volume.id });
  });

  it('refuses clouds whose driver offers no volumes, naming the cloud', async () => {
    const sim = server.maestro.services.simulator;
    const capabilities = { ...sim.capabilities, volumes: false };
    // The simulator as a cloud without volumes.
    const noVolumes = new Proxy(sim, {
      get(target, property) {
        if (property === 'cloud') return 'NUTANIX';
        if (property === 'capabilities') return capabilities;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as unknown as Driver;
    server.maestro.services.clouds.register(noVolumes);
    await admin.regions.create({ name: 'vol-nutanix', cloud: 'NUTANIX', kind: 'private', nativeName: 'vol-nutanix-dc' });
    await admin.tenants.activateRegion({ tenant: 'vol-a', region: 'vol-nutanix' });
    await assert.rejects(
      admin.volumes.create({ tenant: 'vol-a', region: 'vol-nutanix', name: 'x', sizeGb: 1 }),
      failsWith('invalid_input', /NUTANIX regions \(VOL-NUTANIX\) do not offer volumes/),
    );
  });

  it('refuses regions the tenant is not activated in, and unknown regions', async () => {
    await assert.rejects(admin.volumes.create({ tenant: 'vol-b', region: 'vol-west', name: 'x', sizeGb: 1 }), failsWith('invalid_state', /not activated/));
    await assert.rejects(admin.volumes.create({ tenant: 'vol-a', region: 'nowhere', name: 'x', sizeGb: 1 }), failsWith('not_found', /region/));
    await assert.rejects(admin.volumes.describe({ tenant: 'vol-a', region: 'nowhere' }), failsWith('not_found', /region/));
  });

  it("applies the cloud's tag rules on create: the simulator ignores case, so 'Env' and 'env' are one key", async () => {
    await assert.rejects(
      admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'twice', sizeGb: 1, tags: { Env: 'a', env: 'b' } }),
      failsWith('invalid_input', /'Env' and 'env' are the same key in SIMULATED/),
    );
    assert.equal((await admin.volumes.describe({ tenant: 'vol-a' })).items.filter((v) => v.name === 'twice').length, 0);
  });

  it('lists by page, region and instance; a bad cursor is invalid input', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await admin.volumes.create({ tenant: 'vol-b', region: 'vol-east', name: `page-${i}`, sizeGb: 1 }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.volumes.describe({ tenant: 'vol-b', limit: 2, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((v) => v.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, created.map((v) => v.id));
    assert.equal((await admin.volumes.describe({ tenant: 'vol-b', region: 'vol-east' })).items.length, 5);
    assert.equal((await admin.volumes.describe({ tenant: 'vol-b', region: 'vol-west' })).items.length, 0);
    assert.equal((await admin.volumes.describe({ tenant: 'vol-a', region: 'vol-west' })).items.every((v) => v.region === 'VOL-WEST'), true);

    for (const cursor of ['not-a-cursor', encodeCursor("x' OR 1=1 --"), encodeCursor('12345')]) {
      await assert.rejects(admin.volumes.describe({ tenant: 'vol-b', cursor }), failsWith('invalid_input', /cursor/));
    }
    for (const volume of created) await admin.volumes.delete({ tenant: 'vol-b', id: volume.id });
  });

  it("keeps a tenant's volumes from the users of another tenant", async () => {
    const volume = await admin.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'private', sizeGb: 1 });
    await admin.users.create({ name: 'vic', customer: 'volco', email: 'vic@volco.test' });
    await admin.users.addRole({ name: 'vic', tenant: 'vol-b', role: 'admin' });
    const key = await admin.keys.create({ user: 'vic' });
    const vic = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });

    await assert.rejects(vic.volumes.describe({ tenant: 'vol-a' }), failsWith('forbidden'));
    await assert.rejects(vic.volumes.create({ tenant: 'vol-a', region: 'vol-east', name: 'x', sizeGb: 1 }), failsWith('forbidden'));
    await assert.rejects(vic.volumes.delete({ tenant: 'vol-a', id: volume.id }), failsWith('forbidden'));
    await assert.rejects(vic.volumes.attach({ tenant: 'vol-a', id: volume.id, instance: web.id }), failsWith('forbidden'));
    // Through his own tenant, another tenant's ids do not exist.
    await assert.rejects(vic.volumes.delete({ tenant: 'vol-b', id: volume.id }), failsWith('not_found'));
    await assert.rejects(vic.volumes.detach({ tenant: 'vol-b', id: volume.id }), failsWith('not_found'));
    const own = await vic.volumes.create({ tenant: 'vol-b', region: 'vol-east', name: 'vics', sizeGb: 1 });
    assert.equal(own.owner, 'vic');
    await assert.rejects(vic.volumes.attach({ tenant: 'vol-b', id: own.id, instance: web.id }), failsWith('not_found', /instance/));
    await assert.rejects(vic.volumes.create({ tenant: 'vol-b', region: 'vol-east', name: 'y', sizeGb: 1, instance: web.id }), failsWith('not_found'));
    assert.deepEqual(
      (await vic.volumes.describe({ tenant: 'vol-b' })).items.map((v) => v.name),
      ['vics'],
    );
    assert.equal((await admin.volumes.describe({ tenant: 'vol-a' })).items.find((v) => v.id === volume.id)?.state, 'available');
  });

  it('rebuilding the projections gives the same volumes', async () => {
    const before = await admin.volumes.describe({ tenant: 'vol-a' });
    await admin.system.rebuild();
    assert.deepEqual(await admin.volumes.describe({ tenant: 'vol-a' }), before);
  });
});
