import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { recordHeartbeat } from '../../src/server/agents/presence.js';
import { agentKey } from '../../src/server/queries/agents.js';
import { failsWith } from '../compute/setup.js';
import { clockedClient } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const BEAT_MS = 5000;

for (const flavour of flavours) {
  describe(`private agents: registration, keys and presence (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock(new Date());
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock });
      admin = clockedClient(server.url, server.credentials, clock);
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    const beat = async (agentId: string, key: string) =>
      recordHeartbeat(
        database.db,
        { agentId, version: '0.1.0', regions: ['DC1-B', 'DC1-A'], keyId: key, startedAt: clock.now().toISOString(), inFlight: 0, heartbeatMs: BEAT_MS },
        clock.now(),
      );
    const stateOf = async (name: string) => {
      const [agent] = (await admin.agents.describe({ name })).items;
      return [agent!.state, agent!.since];
    };

    it('registers an agent with a key pair whose secret is shown once, sealed at rest', async () => {
      const created = await admin.agents.create({ name: 'dc1', description: 'the first data centre' });
      assert.deepEqual([created.name, created.state, created.since, created.regions, created.keys.length], ['DC1', 'never', null, [], 1]);
      assert.match(created.key.accessKey, /^MA[0-9A-F]{20}$/);
      assert.equal(created.key.secretKey.length, 32);
      assert.equal(created.keys[0]!.accessKey, created.key.accessKey);
      const stored = await agentKey(database.db, created.key.accessKey, clock.now());
      assert.equal(stored?.agent, 'DC1');
      assert.ok(!stored!.secretEncrypted.includes(created.key.secretKey));
      assert.equal(server.maestro.services.secrets.open(stored!.secretEncrypted), created.key.secretKey);
      const { rows } = await database.db.query<{ data: string }>(`SELECT data::text FROM event_log WHERE type LIKE 'agent.%'`);
      assert.ok(rows.every((row) => !row.data.includes(created.key.secretKey)), 'no event holds the secret');
      await assert.rejects(admin.agents.create({ name: 'DC1' }), failsWith('conflict', /already exists/));
    });

    it('is online while it beats, late after a few missed beats, offline after more, and online again since it came back', async () => {
      const [agent] = (await admin.agents.describe({ name: 'dc1' })).items;
      const key = agent!.keys[0]!.accessKey;
      await beat(agent!.id, key);
      const cameAt = clock.now().toISOString();
      assert.deepEqual(await stateOf('dc1'), ['online', cameAt]);
      const [described] = (await admin.agents.describe({ name: 'dc1' })).items;
      assert.deepEqual([described!.version, described!.reportedRegions], ['0.1.0', ['DC1-A', 'DC1-B']]);
      clock.advance(BEAT_MS);
      await beat(agent!.id, key);
      assert.deepEqual(await stateOf('dc1'), ['online', cameAt], 'online since it came, not since the last beat');
      const lastBeat = clock.now().toISOString();
      clock.advance(4 * BEAT_MS);
      assert.deepEqual(await stateOf('dc1'), ['late', lastBeat]);
      clock.advance(3 * BEAT_MS);
      assert.deepEqual(await stateOf('dc1'), ['offline', lastBeat]);
      await beat(agent!.id, key);
      assert.deepEqual(await stateOf('dc1'), ['online', clock.now().toISOString()]);
    });

    it('rotates keys with an overlap in which both work, and retires a key at once on demand', async () => {
      const [before] = (await admin.agents.describe({ name: 'dc1' })).items;
      const oldKey = before!.keys[0]!.accessKey;
      const rotated = await admin.agents.rotateKey({ name: 'dc1', overlapHours: 2 });
      assert.notEqual(rotated.key.accessKey, oldKey);
      const retiring = rotated.keys.find((key) => key.accessKey === oldKey)!;
      assert.equal(retiring.retiresAt, new Date(clock.now().getTime() + 2 * 3_600_000).toISOString());
      assert.equal(rotated.keys.find((key) => key.accessKey === rotated.key.accessKey)!.retiresAt, null);
      assert.ok(await agentKey(database.db, oldKey, clock.now()), 'the old key works during the overlap');
      clock.advance(2 * 3_600_000);
      assert.equal(await agentKey(database.db, oldKey, clock.now()), null, 'and not after it');
      assert.deepEqual((await admin.agents.describe({ name: 'dc1' })).items[0]!.keys.map((key) => key.accessKey), [rotated.key.accessKey]);

      await admin.agents.retireKey({ name: 'dc1', accessKey: rotated.key.accessKey });
      assert.equal(await agentKey(database.db, rotated.key.accessKey, clock.now()), null);
      await assert.rejects(admin.agents.retireKey({ name: 'dc1', accessKey: rotated.key.accessKey }), failsWith('invalid_input', /no key/));
      await assert.rejects(admin.agents.rotateKey({ name: 'nowhere' }), failsWith('not_found'));
    });

    it('deletes an agent, whose keys stop working, and keeps its history in the audit log', async () => {
      const created = await admin.agents.create({ name: 'temporary' });
      await admin.agents.delete({ name: 'temporary' });
      assert.equal(await agentKey(database.db, created.key.accessKey, clock.now()), null);
      assert.deepEqual((await admin.agents.describe({ name: 'temporary' })).items, []);
      const { rows } = await database.db.query<{ type: string }>(`SELECT type FROM event_log WHERE target_id = $1 ORDER BY seq`, [created.id]);
      assert.deepEqual(rows.map((row) => row.type), ['agent.created', 'agent.keyCreated', 'agent.keyRetired', 'agent.deleted']);
    });
  });
}
