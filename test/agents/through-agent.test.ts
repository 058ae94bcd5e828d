import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../src/agent/agent.js';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import { CloudError } from '../../src/clouds/driver.js';
import { AgentStore } from '../../src/agent/store/agent-store.js';
import { InProcessBroker } from '../../src/agent/transport/in-process.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { failsWith, waitForState } from '../compute/setup.js';
import { clockedClient } from '../quotas/setup.js';
import { eventually } from '../support/eventually.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const T = 'PRIVATE-DEV';
const R = 'DC1-EAST';
const BEAT_MS = 5000;

// On both databases: on PostgreSQL an agent's report can reach another connection before the command that started it commits.
for (const flavour of flavours) {
  describe(`a private region reached through its agent (in-process transport, ${flavour.name})`, { skip: await flavour.skip() }, () => {
    const broker = new InProcessBroker();
    // One clock for the server and the agent: signatures compare their dates, presence their beats.
    const clock = new ManualClock(new Date());
    // A cloud that can be made to refuse runs the way a full project does.
    let refuseRuns: string | null = null;
    // Captures wait for `holdCaptures` (a capture takes minutes on a real cloud), then fail if `refuseCaptures` says so.
    let holdCaptures: Promise<void> | null = null;
    let refuseCaptures: string | null = null;
    let capturesReached = 0;
    let holdVolumes: Promise<void> | null = null;
    // Attaches and detaches wait for `holdAttachments`, then fail if `refuseAttachments` says so.
    let holdAttachments: Promise<void> | null = null;
    let refuseAttachments: string | null = null;
    let holdResizes: Promise<void> | null = null;
    let refuseResizes: string | null = null;
    const deletedVolumes: unknown[] = [];
    const cloud = new MemoryCloud({
      hook: async (method, _region, args) => {
        if (method === 'deleteVolume') deletedVolumes.push(args[0]);
        if (method === 'runInstances' && refuseRuns) throw new CloudError('quota', refuseRuns);
        if (method === 'createVolume') await holdVolumes;
        if (method === 'resizeInstance') {
          await holdResizes;
          if (refuseResizes) throw new CloudError('capacity', refuseResizes);
        }
        if (method === 'attachVolume' || method === 'detachVolume') {
          await holdAttachments;
          if (refuseAttachments) throw new CloudError('conflict', refuseAttachments);
        }
        if (method === 'createImage') {
          capturesReached += 1;
          await holdCaptures;
          if (refuseCaptures) throw new CloudError('conflict', refuseCaptures);
        }
      },
    });
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    let store: AgentStore;
    let agent: Agent | null = null;
    let agentKey: { accessKey: string; secretKey: string };

    const startAgent = async (key: { accessKey: string; secretKey: string }) => {
      agent = new Agent({
        name: 'DC1',
        keys: [{ keyId: key.accessKey, secret: key.secretKey }],
        regions: [{ name: R, nativeName: 'east', driver: cloud }],
        transport: broker.agentTransport(),
        store,
        clock,
        heartbeatMs: BEAT_MS,
      });
      await agent.start();
    };

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: { agentHeartbeatMs: BEAT_MS }, agentTransport: broker.serverTransport() });
      admin = clockedClient(server.url, server.credentials, clock);
      store = await AgentStore.openEmbedded({ masterKey: randomBytes(32) });
    });
    after(async () => {
      await agent?.stop();
      await store?.close();
      await server?.close();
      await database?.close();
    });

    it('sees the agent online once it registered, with the region it serves', async () => {
      const created = await admin.agents.create({ name: 'dc1' });
      agentKey = created.key;
      await startAgent(created.key);
      const [described] = await eventually(async () => {
        const { items } = await admin.agents.describe({ name: 'dc1' });
        return items[0]?.state === 'online' && items;
      }, 'the agent to register');
      assert.deepEqual([described!.reportedRegions, described!.version !== null], [[R], true]);
    });

    it('creates the region through the agent, and a tenant runs, stops, starts and terminates an instance in it', async () => {
      const region = await admin.regions.create({ name: R, cloud: 'SIMULATED', kind: 'private', nativeName: 'east', agent: 'dc1' });
      assert.equal(region.agent, 'DC1');
      await admin.customers.create({ name: 'private' });
      await admin.tenants.create({ customer: 'private', name: T });
      await admin.tenants.activateRegion({ tenant: T, region: R });
      const images = (await admin.images.describe({ tenant: T, region: R })).items;
      assert.ok(images.length > 0, 'the public catalog came through the agent');

      const { instances } = await admin.instances.run({ tenant: T, region: R, image: images[0]!.name, cpu: 1, ramGb: 1, name: 'via-agent' });
      const [vm] = instances;
      assert.equal(vm!.state, 'pending');
      // The agent's poll finds the transition done and sends it as an event.
      await agent!.pollNow(R);
      await waitForState(admin, T, [vm!.id], 'running');
      for (const [action, state] of [
        ['stop', 'stopped'],
        ['start', 'running'],
        ['terminate', 'terminated'],
      ] as const) {
        await admin.instances[action]({ tenant: T, id: vm!.id });
        await agent!.pollNow(R);
        await waitForState(admin, T, [vm!.id], state);
      }
      const { rows } = await server.maestro.db.query<{ type: string; observer: string }>(
        `SELECT type, observer->>'id' AS observer FROM event_log WHERE target_id = $1 AND type = 'instance.stateChanged' ORDER BY seq`,
        [vm!.id],
      );
      assert.ok(rows.length >= 4 && rows.every((row) => row.observer === 'DC1'), 'every state came from the agent');
    });

    it('takes in the listings the agent sends: one of what Maestro already knows changes nothing', async () => {
      const { instances } = await admin.instances.run({ tenant: T, region: R, image: (await admin.images.describe({ tenant: T, region: R })).items[0]!.name, cpu: 1, ramGb: 1, name: 'kept' });
      await agent!.pollNow(R);
      await waitForState(admin, T, [instances[0]!.id], 'running');
      const before = (await server.maestro.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_log`)).rows[0]!.n;
      await agent!.listNow(R);
      await agent!.outboxDrained();
      await eventually(async () => (await server.maestro.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agent_listing_pages')).rows[0]!.n === 0, 'the listing to be taken in');
      assert.equal((await admin.instances.describe({ tenant: T, ids: [instances[0]!.id] })).items[0]!.state, 'running');
      const after = (await server.maestro.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_log`)).rows[0]!.n;
      assert.equal(after, before, 'a complete listing of what Maestro knows changes nothing');
    });

    it("gives the user the cloud's own words when it refuses, as the platform's error, and records no instance", async () => {
      refuseRuns = 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances';
      try {
        const image = (await admin.images.describe({ tenant: T, region: R })).items[0]!.name;
        const before = (await admin.instances.describe({ tenant: T })).items.length;
        await assert.rejects(
          admin.instances.run({ tenant: T, region: R, image, cpu: 1, ramGb: 1, name: 'over-quota' }),
          failsWith('limit_exceeded', /DC1-EAST: Quota exceeded for instances: Requested 1, but already used 10 of 10 instances/),
        );
        assert.equal((await admin.instances.describe({ tenant: T })).items.length, before);
      } finally {
        refuseRuns = null;
      }
    });

    it('captures an image through the agent: pending at once, available when the agent reports the capture done', async () => {
      const base = (await admin.images.describe({ tenant: T, region: R })).items[0]!;
      const { instances } = await admin.instances.run({ tenant: T, region: R, image: base.name, cpu: 1, ramGb: 1, name: 'to-capture' });
      await agent!.pollNow(R);
      await waitForState(admin, T, [instances[0]!.id], 'running');
      let release!: () => void;
      holdCaptures = new Promise((resolve) => (release = resolve));
      try {
        const pending = await admin.images.create({ tenant: T, instance: instances[0]!.id, name: 'golden' });
        assert.deepEqual([pending.state, pending.nativeId, pending.os], ['pending', null, base.os], 'known before the cloud says: the source’s OS');
        await assert.rejects(admin.images.delete({ tenant: T, id: pending.id }), failsWith('invalid_state', /golden is still being captured/));
        await assert.rejects(admin.instances.run({ tenant: T, region: R, image: 'golden', cpu: 1, ramGb: 1 }), failsWith('not_found', /golden/));
        release();
        const [done] = await eventually(async () => {
          const { items } = await admin.images.describe({ tenant: T, region: R, name: 'golden' });
          return items[0]?.state === 'available' && items;
        }, 'the capture to be reported done');
        assert.ok(done!.nativeId, 'the cloud’s id arrived with the report');
        const { rows } = await server.maestro.db.query<{ type: string; initiator: string; observer: string }>(
          `SELECT type, initiator->>'name' AS initiator, observer->>'id' AS observer FROM event_log WHERE target_id = $1 ORDER BY seq`,
          [pending.id],
        );
        assert.deepEqual(rows.map((r) => r.type), ['image.captureStarted', 'image.created']);
        assert.equal(rows[1]!.observer, 'DC1', 'the end was observed by the agent');
        const [runFromIt] = (await admin.instances.run({ tenant: T, region: R, image: 'golden', cpu: 1, ramGb: 1, name: 'from-golden' })).instances;
        assert.equal(runFromIt!.state, 'pending');
      } finally {
        release();
        holdCaptures = null;
      }
    });

    it("ends a capture the cloud refused in state error with the cloud's words; it can be deleted and tried again", async () => {
      const source = (await admin.instances.describe({ tenant: T, state: 'running' })).items[0]!;
      refuseCaptures = 'Cannot snapshot instance: it is locked';
      try {
        const pending = await admin.images.create({ tenant: T, instance: source.id, name: 'refused' });
        assert.equal(pending.state, 'pending');
        const [failed] = await eventually(async () => {
          const { items } = await admin.images.describe({ tenant: T, region: R, name: 'refused' });
          return items[0]?.state === 'error' && items;
        }, 'the refusal to be reported');
        assert.equal(failed!.stateReason, 'Cannot snapshot instance: it is locked');
        await admin.images.delete({ tenant: T, id: failed!.id });
      } finally {
        refuseCaptures = null;
      }
      const again = await admin.images.create({ tenant: T, instance: source.id, name: 'refused' });
      await eventually(async () => (await admin.images.describe({ tenant: T, region: R, name: 'refused' })).items[0]?.state === 'available', 'the second capture');
      assert.equal(again.state, 'pending');
    });

    it('creates a volume through the agent: creating at once, available when the agent reports it done', async () => {
      let release!: () => void;
      holdVolumes = new Promise((resolve) => (release = resolve));
      try {
        const creating = await admin.volumes.create({ tenant: T, region: R, name: 'data', sizeGb: 10 });
        assert.deepEqual([creating.state, creating.nativeId], ['creating', null]);
        const vm = (await admin.instances.describe({ tenant: T, state: 'running' })).items[0]!;
        await assert.rejects(admin.volumes.attach({ tenant: T, id: creating.id, instance: vm.id }), failsWith('invalid_state', /data .* is creating/));
        await assert.rejects(admin.volumes.delete({ tenant: T, id: creating.id }), failsWith('invalid_state', /still being created/));
        release();
        const [done] = await eventually(async () => {
          const { items } = await admin.volumes.describe({ tenant: T, ids: [creating.id] });
          return items[0]?.state === 'available' && items;
        }, 'the creation to be reported done');
        assert.ok(done!.nativeId);
        await admin.volumes.attach({ tenant: T, id: creating.id, instance: vm.id });
        await eventually(async () => (await admin.volumes.describe({ tenant: T, ids: [creating.id] })).items[0]?.state === 'in-use', 'the attach');
        await admin.volumes.detach({ tenant: T, id: creating.id });
        await eventually(async () => (await admin.volumes.describe({ tenant: T, ids: [creating.id] })).items[0]?.state === 'available', 'the detach');
        await admin.volumes.delete({ tenant: T, id: creating.id });
      } finally {
        release();
        holdVolumes = null;
      }
    });

    it('creates a volume for an instance through the agent as one change: creating for it at once, in use when reported; a refused attach leaves no volume in the cloud', async () => {
      const vm = (await admin.instances.describe({ tenant: T, state: 'running' })).items[0]!;
      const stateOf = async (id: string) => (await admin.volumes.describe({ tenant: T, ids: [id] })).items[0]!;
      let release!: () => void;
      holdVolumes = new Promise((resolve) => (release = resolve));
      try {
        const creating = await admin.volumes.create({ tenant: T, region: R, name: 'logs', sizeGb: 5, instance: vm.id });
        assert.deepEqual([creating.state, creating.instanceId, creating.nativeId], ['creating', vm.id, null]);
        // The instance it is made for waits for it, as for an attach.
        await assert.rejects(admin.instances.terminate({ tenant: T, id: vm.id }), failsWith('invalid_state', /volume logs .* is creating/));
        release();
        const attached = await eventually(async () => {
          const now = await stateOf(creating.id);
          return now.state === 'in-use' && now;
        }, 'the creation and attach to be reported done');
        assert.equal(attached.instanceId, vm.id);
        assert.ok(attached.nativeId);
        const { rows } = await server.maestro.db.query<{ type: string }>('SELECT type FROM event_log WHERE target_id = $1 ORDER BY seq', [creating.id]);
        assert.deepEqual(rows.map((row) => row.type), ['volume.creationStarted', 'volume.created', 'volume.attached']);
        await admin.volumes.detach({ tenant: T, id: creating.id });
        await eventually(async () => (await stateOf(creating.id)).state === 'available', 'the detach');
        await admin.volumes.delete({ tenant: T, id: creating.id });

        holdVolumes = null;
        refuseAttachments = 'Invalid volume: the instance has no free device';
        const refused = await admin.volumes.create({ tenant: T, region: R, name: 'more-logs', sizeGb: 5, instance: vm.id });
        const failed = await eventually(async () => {
          const now = await stateOf(refused.id);
          return now.state === 'error' && now;
        }, 'the refused attach to be reported');
        assert.equal(failed.instanceId, null);
        assert.match(String(failed.stateReason), /^Invalid volume: the instance has no free device; the volume was not attached and the new volume was deleted again$/);
        assert.equal(deletedVolumes.length > 0, true);
        await admin.volumes.delete({ tenant: T, id: refused.id });
      } finally {
        release();
        holdVolumes = null;
        refuseAttachments = null;
      }
    });

    it('attaches and detaches through the agent: attaching and detaching at once, ended by its reports; a refusal leaves the volume as it was, with the reason', async () => {
      const vm = (await admin.instances.describe({ tenant: T, state: 'running' })).items[0]!;
      const volume = await admin.volumes.create({ tenant: T, region: R, name: 'scratch', sizeGb: 2 });
      const stateOf = async () => (await admin.volumes.describe({ tenant: T, ids: [volume.id] })).items[0]!;
      await eventually(async () => (await stateOf()).state === 'available', 'the volume to be created');
      let release!: () => void;
      holdAttachments = new Promise((resolve) => (release = resolve));
      try {
        const attaching = await admin.volumes.attach({ tenant: T, id: volume.id, instance: vm.id });
        assert.deepEqual([attaching.state, attaching.instanceId], ['attaching', vm.id]);
        for (const refused of [
          () => admin.volumes.detach({ tenant: T, id: volume.id }),
          () => admin.volumes.delete({ tenant: T, id: volume.id }),
          () => admin.volumes.attach({ tenant: T, id: volume.id, instance: vm.id }),
        ]) {
          await assert.rejects(refused(), failsWith('invalid_state', /scratch .* is attaching; \w+ it once that has finished/));
        }
        await assert.rejects(admin.instances.terminate({ tenant: T, id: vm.id }), failsWith('invalid_state', /volume scratch .* is attaching/));
        release();
        await eventually(async () => (await stateOf()).state === 'in-use', 'the attach to be reported done');

        holdAttachments = new Promise((resolve) => (release = resolve));
        refuseAttachments = 'Volume is busy: the guest did not release it';
        const detaching = await admin.volumes.detach({ tenant: T, id: volume.id });
        assert.equal(detaching.state, 'detaching');
        release();
        const stillAttached = await eventually(async () => {
          const now = await stateOf();
          return now.state === 'in-use' && now.stateReason !== null && now;
        }, 'the refused detach to be reported');
        assert.deepEqual([stillAttached.instanceId, stillAttached.stateReason], [vm.id, 'Volume is busy: the guest did not release it']);
        refuseAttachments = null;
        await admin.volumes.detach({ tenant: T, id: volume.id });
        const detached = await eventually(async () => {
          const now = await stateOf();
          return now.state === 'available' && now;
        }, 'the detach to be reported done');
        assert.deepEqual([detached.instanceId, detached.stateReason], [null, null]);

        refuseAttachments = 'Invalid volume: the instance has no free device';
        await admin.volumes.attach({ tenant: T, id: volume.id, instance: vm.id });
        const notAttached = await eventually(async () => {
          const now = await stateOf();
          return now.state === 'available' && now.stateReason !== null && now;
        }, 'the refused attach to be reported');
        assert.deepEqual([notAttached.instanceId, notAttached.stateReason], [null, 'Invalid volume: the instance has no free device']);
        const { rows } = await server.maestro.db.query<{ type: string }>('SELECT type FROM event_log WHERE target_id = $1 ORDER BY seq', [volume.id]);
        assert.deepEqual(rows.map((row) => row.type), [
          'volume.creationStarted',
          'volume.created',
          'volume.attachStarted',
          'volume.attached',
          'volume.detachStarted',
          'volume.detachFailed',
          'volume.detachStarted',
          'volume.detached',
          'volume.attachStarted',
          'volume.attachFailed',
        ]);
        await admin.volumes.delete({ tenant: T, id: volume.id });
      } finally {
        release();
        holdAttachments = null;
        refuseAttachments = null;
      }
    });

    it('resizes through the agent: the instance keeps its size until the report, then has the new one; a refusal keeps it, with the reason', async () => {
      const { instances } = await admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', name: 'to-resize' });
      const id = instances[0]!.id;
      await agent!.pollNow(R);
      await waitForState(admin, T, [id], 'running');
      const now = async () => (await admin.instances.describe({ tenant: T, ids: [id] })).items[0]!;
      let release!: () => void;
      holdResizes = new Promise((resolve) => (release = resolve));
      try {
        const resizing = await admin.instances.resize({ tenant: T, id, shape: 'MEDIUM' });
        assert.deepEqual([resizing.shape, resizing.cpu, resizing.resizingTo], ['SMALL', 1, { shape: 'MEDIUM', cpu: 2, ramGb: 4, diskGb: resizing.diskGb }]);
        await assert.rejects(admin.instances.resize({ tenant: T, id, shape: 'LARGE' }), failsWith('invalid_state', /to-resize .* is being resized to MEDIUM \(2 vCPU, 4 GB of RAM\)/));
        release();
        const resized = await eventually(async () => {
          const instance = await now();
          return instance.resizingTo === null && instance;
        }, 'the resize to be reported done');
        assert.deepEqual([resized.shape, resized.cpu, resized.ramGb, resized.stateReason], ['MEDIUM', 2, 4, null]);

        refuseResizes = 'No valid host was found: not enough vCPU';
        assert.ok((await admin.instances.resize({ tenant: T, id, shape: '2XL' })).resizingTo);
        const refused = await eventually(async () => {
          const instance = await now();
          return instance.resizingTo === null && instance;
        }, 'the refused resize to be reported');
        assert.deepEqual([refused.shape, refused.cpu, refused.stateReason], ['MEDIUM', 2, 'No valid host was found: not enough vCPU']);
        const { rows } = await server.maestro.db.query<{ type: string }>(
          `SELECT type FROM event_log WHERE target_id = $1 AND type LIKE 'instance.resize%' ORDER BY seq`,
          [id],
        );
        assert.deepEqual(rows.map((row) => row.type), ['instance.resizeStarted', 'instance.resized', 'instance.resizeStarted', 'instance.resizeFailed']);
      } finally {
        release();
        holdResizes = null;
        refuseResizes = null;
      }
    });

    it('ends a capture the agent stopped during as of unknown outcome when it starts again', async () => {
      const source = (await admin.instances.describe({ tenant: T, state: 'running' })).items[0]!;
      let release!: () => void;
      holdCaptures = new Promise((resolve) => (release = resolve));
      try {
        const reached = capturesReached;
        const pending = await admin.images.create({ tenant: T, instance: source.id, name: 'interrupted' });
        await eventually(async () => capturesReached > reached, 'the capture to reach the cloud');
        const stopping = agent!.stop();
        release();
        await stopping;
        assert.equal((await admin.images.describe({ tenant: T, region: R, name: 'interrupted' })).items[0]!.state, 'pending', 'nothing reported by a stopping agent');
        await startAgent(agentKey);
        const [ended] = await eventually(async () => {
          const { items } = await admin.images.describe({ tenant: T, region: R, name: 'interrupted' });
          return items[0]?.state === 'error' && items;
        }, 'the restarted agent to report the capture');
        assert.equal(ended!.id, pending.id);
        assert.match(ended!.stateReason!, /the agent stopped before operation .* \(createImage, started at .*\) finished; its outcome is unknown/);
      } finally {
        release();
        holdCaptures = null;
      }
    });

    it('fails a command at once, naming the agent and since when, once the agent is offline', async () => {
      await agent!.stop();
      agent = null;
      const lastSeen = (await admin.agents.describe({ name: 'dc1' })).items[0]!.lastSeen!;
      clock.advance(10 * BEAT_MS);
      assert.equal((await admin.agents.describe({ name: 'dc1' })).items[0]!.state, 'offline');
      const [vm] = (await admin.instances.describe({ tenant: T, state: 'running' })).items;
      const seq = (await admin.system.status()).eventSeq;
      await assert.rejects(
        admin.instances.stop({ tenant: T, id: vm!.id }),
        failsWith('unavailable', new RegExp(`agent DC1, offline since ${lastSeen.replace(/[.]/g, '\\.')}.*nothing was changed`)),
      );
      assert.equal((await admin.instances.describe({ tenant: T, ids: [vm!.id] })).items[0]!.state, 'running');
      const recorded = (await server.maestro.db.query<{ type: string }>('SELECT type FROM event_log WHERE seq > $1', [seq])).rows.map((r) => r.type);
      assert.deepEqual(recorded, [], 'nothing was recorded');
    });
  });
}
