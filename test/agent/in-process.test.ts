import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../src/agent/agent.js';
import { AgentCallFailedError, AgentUnavailableError } from '../../src/agent/client/errors.js';
import { AgentEventConsumer, type ReceivedAgentMessage } from '../../src/agent/client/event-consumer.js';
import { AgentRpcClient } from '../../src/agent/client/rpc-client.js';
import { KeyedLimiter } from '../../src/agent/concurrency.js';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import type { DriverCall, RegionTarget, RunRequest } from '../../src/clouds/driver.js';
import { sealCalls } from '../../src/agent/envelope.js';
import { AgentStore, AgentStoreError } from '../../src/agent/store/agent-store.js';
import { InProcessBroker } from '../../src/agent/transport/in-process.js';
import { eventually } from '../support/eventually.js';
import { manualNow, newKey } from './support/world.js';

describe('an agent embedded in a server node (in-process transport)', () => {
  const broker = new InProcessBroker();
  const oldKey = newKey('EMBEDDED');
  const key = newKey('EMBEDDED');
  const keys = new Map([oldKey, key].map((k) => [k.keyId, k]));
  const clock = manualNow();
  const received: ReceivedAgentMessage[] = [];
  let store: AgentStore;
  let agent: Agent;
  let client: AgentRpcClient;
  let consumer: AgentEventConsumer;
  const server = broker.serverTransport();
  /** The tenant each run reached the driver with: a driver works in the tenant's own project by it. */
  const runsFor: Array<string | null | undefined> = [];
  const cloud = new (class extends MemoryCloud {
    override runInstances(region: RegionTarget, request: RunRequest, call: DriverCall) {
      runsFor.push(call.tenant);
      return super.runInstances(region, request, call);
    }
  })();

  before(async () => {
    store = await AgentStore.openEmbedded({ masterKey: randomBytes(32) });
    // Mid-rotation: the agent holds both keys and signs with the newer one.
    agent = new Agent({ name: 'EMBEDDED', keys: [oldKey, key], regions: [{ name: 'SIM-1', nativeName: 'sim', driver: cloud }], transport: broker.agentTransport(), store, clock });
    client = new AgentRpcClient({ transport: server, clock, signingKey: () => oldKey, lookupKey: (id) => keys.get(id) });
    consumer = new AgentEventConsumer({ transport: server, clock, lookupKey: (id) => keys.get(id), handle: async (message) => void received.push(message) });
    await client.start();
    await consumer.start();
    await agent.start();
  });

  after(async () => {
    await agent.stop();
    await store.close();
  });

  it('runs driver calls through the same envelope, signatures and checks', async () => {
    const [vm] = await client.callDriver('SIM-1', {
      method: 'runInstances',
      args: [{ names: ['one'], cpu: 1, ramMb: 256, diskGb: 1, imageNativeId: 'img-ubuntu', publicKey: null, userData: null, tags: {} }],
      tenant: 'T',
      operationId: randomUUID(),
    });
    assert.equal(vm!.name, 'one');
    assert.deepEqual(runsFor, ['T'], "the driver got the call's tenant");
    await assert.rejects(
      client.callDriver('SIM-1', { method: 'deleteImage', args: ['img-none'], tenant: 'T', operationId: randomUUID() }),
      (error: unknown) => error instanceof AgentCallFailedError && error.reason === 'not_found',
    );
    await assert.rejects(client.resend('ELSEWHERE-1'), AgentUnavailableError);
  });

  it('accepts requests signed with an older key during a rotation and answers with the newest', async () => {
    await agent.pollNow();
    const registration = await eventually(() => received.find((message) => message.type === 'REGISTER'), 'REGISTER');
    assert.equal(registration.keyId, key.keyId);
    const events = await eventually(() => received.find((message) => message.type === 'EVENTS'), 'EVENTS');
    assert.equal(events.keyId, key.keyId);
    assert.equal(events.agent, 'EMBEDDED');
  });

  it('keeps refused messages aside with their reason', async () => {
    const stranger = newKey('EMBEDDED');
    await server.sendRequest('SIM-1', sealCalls(stranger, [{ type: 'RESEND', params: { region: 'SIM-1' } }], { now: clock.now().getTime() }), { expirationMs: 1000 });
    await eventually(() => broker.deadLetters.find((letter) => letter.reason.startsWith('unknown_key')), 'the dead letter');
  });
});

describe('the agent store', () => {
  it('seals credentials at rest and refuses another master key', async () => {
    const masterKey = randomBytes(32);
    const store = await AgentStore.openEmbedded({ masterKey });
    try {
      await store.setCredentials('PRIV-1', { username: 'admin', password: 's3cret' }, new Date());
      assert.deepEqual(await store.credentials('PRIV-1'), { username: 'admin', password: 's3cret' });
      const { rows } = await store.db.query<{ sealed: string }>('SELECT sealed FROM agent_credentials');
      assert.doesNotMatch(rows[0]!.sealed, /s3cret|admin/);
      await assert.rejects(AgentStore.open(store.db, randomBytes(32)), AgentStoreError);
    } finally {
      await store.close();
    }
  });

  it('numbers each resource on its own, strictly increasing, also within one transaction', async () => {
    const store = await AgentStore.openEmbedded({ masterKey: randomBytes(32) });
    try {
      const first = await store.transaction((tx) => store.nextSeqs(tx, 'R', ['a', 'b', 'a']));
      const second = await store.transaction((tx) => store.nextSeqs(tx, 'R', ['a', 'c']));
      assert.deepEqual(first, [1, 1, 2]);
      assert.deepEqual(second, [3, 1]);
    } finally {
      await store.close();
    }
  });
});

describe('the concurrency limit', () => {
  it('starts a waiting call of a free tenant before older calls of a saturated one', async () => {
    const limiter = new KeyedLimiter({ perKey: 1, total: 2 });
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const task = (name: string) => () =>
      new Promise<void>((resolve) => {
        order.push(name);
        releases.push(resolve);
      });
    const runs = [limiter.run('A', task('A1')), limiter.run('A', task('A2')), limiter.run('B', task('B1'))];
    await eventually(() => order.length === 2, 'two started');
    assert.deepEqual(order, ['A1', 'B1']);
    releases.shift()!();
    await eventually(() => order.length === 3, 'the third started');
    assert.deepEqual(order, ['A1', 'B1', 'A2']);
    for (const release of releases) release();
    await Promise.all(runs);
  });
});

describe('an embedded agent whose message the server refuses', () => {
  it('sets it aside as a dead letter and goes on with the rest of its outbox', async () => {
    const broker = new InProcessBroker();
    const key = newKey('EMBEDDED');
    const clock = manualNow();
    const store = await AgentStore.openEmbedded({ masterKey: randomBytes(32) });
    const handled: string[] = [];
    const consumer = new AgentEventConsumer({
      transport: broker.serverTransport(),
      clock,
      maxAttempts: 1,
      lookupKey: (id) => (id === key.keyId ? key : null),
      handle: async (message) => {
        if (message.type === 'REGISTER') throw new Error('this server cannot take registrations');
        handled.push(message.type);
      },
    });
    await consumer.start();
    const agent = new Agent({ name: 'EMBEDDED', keys: [key], regions: [{ name: 'SIM-1', nativeName: 'sim', driver: new MemoryCloud() }], transport: broker.agentTransport(), store, clock });
    try {
      await agent.start();
      await agent.listNow('SIM-1');
      await agent.outboxDrained();
      assert.equal(await store.outboxSize(), 0);
      assert.ok(broker.deadLetters.some((letter) => /cannot take registrations/.test(letter.reason)));
      assert.ok(handled.includes('LISTING_PAGE'), 'the listing behind it was handled');
    } finally {
      await agent.stop();
      await consumer.close();
      await store.close();
    }
  });
});
