import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { compatWorldWithInstances, type CompatWorld } from './support/setup.js';
import { failsWith } from './support/failures.js';
import type { M3Client } from './support/m3-client.js';

type Row = Record<string, unknown>;

const place = { tenantName: 'acme-dev', region: 'sim-a' };
const tagPlace = { ...place, cloud: 'enterprise' };

for (const flavour of flavours) {
  describe(`storages, tags and resources through the Maestro protocol (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let reader: M3Client;
    let web: Instance;
    let spare: Instance;
    before(async () => {
      database = await flavour.open();
      ({ world, reader, web, spare } = await compatWorldWithInstances(database.db));
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    const storages = (params: Row = {}) => world.m3Alice.call<Row[]>('DESCRIBE_VOLUME', { ...place, ...params });

    it('creates and attaches a storage in one call, lists it as describe-storages prints it, and deletes it once detached', async () => {
      const created = await world.m3Alice.call<Row>('CREATE_AND_ATTACH_VOLUME', { ...place, instanceId: web.id, volumeName: 'data', sizeInGB: '5' });
      assert.equal(created.instanceId, web.id);
      assert.equal(created.sizeLabel, '5 GB');
      assert.equal(created.state, 'in-use');
      assert.equal(created.volumeName, 'data');
      const volume = await world.alice.volumes.describe({ tenant: 'ACME-DEV' }).then((page) => page.items.find((v) => v.id === created.volumeId));
      assert.equal(volume?.instanceId, web.id);
      assert.equal(volume?.sizeGb, 5);

      const [row, ...others] = await storages({ instanceId: web.id });
      assert.deepEqual(others, []);
      for (const field of ['instanceId', 'sizeLabel', 'state', 'system', 'volumeId', 'volumeName', 'resourceGroup', 'googleAvailabilityZone']) {
        assert.ok(Object.hasOwn(row!, field), field);
      }
      assert.equal(row!.volumeId, created.volumeId);
      assert.equal(row!.system, false);
      assert.deepEqual((await storages({ volumeIds: `${created.volumeId}` })).map((r) => r.volumeId), [created.volumeId]);
      assert.deepEqual(await storages({ instanceId: spare.id }), []);

      await failsWith(world.m3Alice.call('REMOVE_VOLUME', { ...place, volumeId: created.volumeId }), 409, /attached to instance .*detach it first/);
      await world.m3Alice.call('DETACH_VOLUME', { ...place, instanceId: web.id, volumeId: created.volumeId });
      // As the command-line client's plugin sends it for a Google region: the zone beside the others and in params.
      const zone = { availabilityZone: 'ignored', params: { availabilityZone: 'ignored' } };
      assert.deepEqual(await world.m3Alice.call('REMOVE_VOLUME', { ...place, volumeId: created.volumeId, ...zone }), {
        volumeId: created.volumeId,
        state: 'deleted',
      });
      assert.deepEqual(await storages(), []);
    });

    it('moves a data volume to a new instance, as in the disaster-recovery scenario', async () => {
      const data = await world.m3Alice.call<Row>('CREATE_AND_ATTACH_VOLUME', { ...place, instanceId: web.id, volumeName: 'app-data', sizeInGB: 20 });
      // Naming the wrong instance detaches nothing.
      await failsWith(
        world.m3Alice.call('DETACH_VOLUME', { ...place, instanceId: spare.id, volumeId: data.volumeId }),
        409,
        new RegExp(`attached to instance ${web.id}, not to instance ${spare.id}`),
      );
      const detached = await world.m3Alice.call<Row>('DETACH_VOLUME', { ...place, instanceId: web.id, volumeId: data.volumeId });
      assert.equal(detached.state, 'available');
      assert.equal(detached.instanceId, null);
      // The protocol has no action that attaches an existing volume: that step is Maestro's own.
      await world.alice.volumes.attach({ tenant: 'ACME-DEV', id: String(data.volumeId), instance: spare.id });
      const [moved] = await storages({ volumeIds: [data.volumeId] });
      assert.equal(moved!.instanceId, spare.id);
      assert.equal(moved!.state, 'in-use');
      assert.deepEqual(await storages({ instanceId: web.id }), []);
      await world.m3Alice.call('DETACH_VOLUME', { ...place, instanceId: spare.id, volumeId: data.volumeId });
      // m3 delete-storage -tn ACME-DEV -r SIM-A --volume-id …: its plugin adds empty params.
      const deleted = await world.m3Alice.call('REMOVE_VOLUME', { tenantName: 'ACME-DEV', region: 'SIM-A', volumeId: data.volumeId, params: {} });
      assert.deepEqual(deleted, { volumeId: data.volumeId, state: 'deleted' });
      await failsWith(world.m3Alice.call('REMOVE_VOLUME', { ...place, volumeId: data.volumeId, params: { zone: 'a' } }), 400, /params: .*zone/);
    });

    it('says what is wrong: a missing parameter, an unknown storage, a user who may not', async () => {
      await failsWith(world.m3Alice.call('CREATE_AND_ATTACH_VOLUME', { ...place, instanceId: web.id, volumeName: 'x' }), 400, /sizeInGB/);
      await failsWith(world.m3Alice.call('CREATE_AND_ATTACH_VOLUME', { ...place, instanceId: web.id, volumeName: 'x', sizeInGB: 'big' }), 400, /sizeInGB: must be a number/);
      const unknown = randomUUID();
      await failsWith(storages({ volumeIds: [unknown] }), 404, new RegExp(`volume '${unknown}' does not exist`));
      await failsWith(world.m3Alice.call('DETACH_VOLUME', { ...place, instanceId: web.id, volumeId: unknown }), 404, new RegExp(`volume '${unknown}'`));
      await failsWith(world.m3Alice.call('REMOVE_VOLUME', { ...place, volumeId: unknown }), 404, new RegExp(unknown));
      await failsWith(world.m3Alice.call('CREATE_AND_ATTACH_VOLUME', { ...place, instanceId: randomUUID(), volumeName: 'x', sizeInGB: 1 }), 404, /instance/);
      await failsWith(reader.call('CREATE_AND_ATTACH_VOLUME', { ...place, instanceId: web.id, volumeName: 'x', sizeInGB: 1 }), 403, /CREATE_VOLUME/);
      assert.deepEqual(await reader.call('DESCRIBE_VOLUME', place), []);
    });

    it('sets tags on several instances, one row per instance and tag, an unknown instance failing only its own row', async () => {
      const unknown = randomUUID();
      const rows = await world.m3Alice.call<Row[]>('UPDATE_TAGS', {
        ...tagPlace,
        instanceId: [web.id, unknown, spare.id],
        // As the command-line client sends `--tag env:dev,team:core`.
        tags: { env: 'dev', team: 'core' },
      });
      assert.deepEqual(
        rows.map((r) => [r.instanceId, r.key, r.value, r.errorMessage === null ? null : 'error']),
        [
          [web.id, 'env', 'dev', null],
          [web.id, 'team', 'core', null],
          [unknown, null, null, 'error'],
          [spare.id, 'env', 'dev', null],
          [spare.id, 'team', 'core', null],
        ],
      );
      assert.match(String(rows[2]!.errorMessage), new RegExp(`resource '${unknown}' does not exist`));
      assert.deepEqual((await world.alice.tags.describe({ tenant: 'ACME-DEV', resourceId: web.id })).tags, { env: 'dev', team: 'core' });

      const described = await world.m3Alice.call<Row[]>('DESCRIBE_TAGS', { ...tagPlace, instanceId: web.id });
      assert.deepEqual(
        described.map((r) => [r.instanceId, r.key, r.value, r.errorMessage, r.tag]),
        [
          [web.id, 'env', 'dev', null, { key: 'env', value: 'dev' }],
          [web.id, 'team', 'core', null, { key: 'team', value: 'core' }],
        ],
      );
      const missing = await world.m3Alice.call<Row[]>('DESCRIBE_TAGS', { ...tagPlace, instanceId: 'not-an-id' });
      assert.equal(missing.length, 1);
      assert.match(String(missing[0]!.errorMessage), /UUID/);
    });

    it('replaces all tags with overwrite, tags volumes too, and deletes tags by key', async () => {
      const volume = await world.alice.volumes.create({ tenant: 'ACME-DEV', region: 'SIM-A', name: 'tagged', sizeGb: 1 });
      const rows = await world.m3Alice.call<Row[]>('UPDATE_TAGS', {
        ...tagPlace,
        instanceId: spare.id,
        volumeIds: volume.id,
        tags: 'owner:alice',
        overwrite: 'true',
      });
      assert.deepEqual(
        rows.map((r) => [r.instanceId, r.volumeId, r.key, r.value]),
        [
          [spare.id, undefined, 'owner', 'alice'],
          [null, volume.id, 'owner', 'alice'],
        ],
      );
      assert.deepEqual((await world.alice.tags.describe({ tenant: 'ACME-DEV', resourceId: spare.id })).tags, { owner: 'alice' });
      assert.deepEqual((await world.alice.tags.describe({ tenant: 'ACME-DEV', resourceId: volume.id })).tags, { owner: 'alice' });

      const deleted = await world.m3Alice.call<Row[]>('DELETE_TAGS', { ...tagPlace, instanceId: web.id, tags: 'team' });
      assert.deepEqual(
        deleted.map((r) => [r.instanceId, r.key, r.errorMessage]),
        [[web.id, 'team', null]],
      );
      assert.ok(Object.hasOwn(deleted[0]!, 'value') && Object.hasOwn(deleted[0]!, 'Message'));
      // The pair again, as the command-line client's tag plugins read it.
      assert.deepEqual(deleted[0]!.tag, { key: 'team', value: null });
      assert.deepEqual((await world.alice.tags.describe({ tenant: 'ACME-DEV', resourceId: web.id })).tags, { env: 'dev' });
      await failsWith(world.m3Alice.call('DELETE_TAGS', { ...tagPlace, instanceId: web.id, tags: ['nope'] }), 400, /no tag 'nope'; its tag keys are 'env'/);
      await failsWith(world.m3Alice.call('DELETE_TAGS', { ...tagPlace, instanceId: web.id }), 400, /tags/);
      await failsWith(reader.call('UPDATE_TAGS', { ...tagPlace, instanceId: web.id, tags: { a: 'b' } }), 403, /UPDATE_TAGS/);
      await world.alice.volumes.delete({ tenant: 'ACME-DEV', id: volume.id });
    });

    it('describes resources with their tags: all, by tag, or those without tags', async () => {
      await world.alice.tags.delete({ tenant: 'ACME-DEV', resourceId: spare.id, keys: ['owner'] });
      const all = await world.m3Alice.call<Row[]>('LIST_RESOURCES', { ...place, group: 'all' });
      const instances = all.filter((r) => r.type === 'instance');
      assert.deepEqual(instances.map((r) => r.id).sort(), [web.id, spare.id].sort());
      for (const field of ['id', 'service', 'type', 'tags']) assert.ok(Object.hasOwn(instances[0]!, field), field);
      assert.deepEqual(instances.find((r) => r.id === web.id)!.tags, { env: 'dev' });

      const byTag = await world.m3Alice.call<Row[]>('LIST_RESOURCES', { ...place, tag: { key: 'env', value: 'dev' } });
      assert.deepEqual(byTag.map((r) => r.id), [web.id]);
      assert.deepEqual((await world.m3Alice.call<Row[]>('LIST_RESOURCES', { ...place, tag: 'env:prod' })).map((r) => r.id), []);
      const untagged = await world.m3Alice.call<Row[]>('LIST_RESOURCES', { ...place, group: 'Untagged', tag: 'env:dev' });
      assert.deepEqual(untagged.filter((r) => r.type === 'instance').map((r) => r.id), [spare.id]);

      await failsWith(world.m3Alice.call('LIST_RESOURCES', { tenantName: 'acme-dev' }), 400, /region/);
      await failsWith(world.m3Alice.call('LIST_RESOURCES', { ...place, group: 'SOME' }), 400, /group: must be one of ALL, UNTAGGED/);
      await failsWith(world.m3Alice.call('LIST_RESOURCES', { ...place, region: 'nowhere' }), 404, /NOWHERE/);
    });
  });
}
