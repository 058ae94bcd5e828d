import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AgentCallFailedError,
  AgentCallTimeoutError,
  AgentUnavailableError,
} from '../../src/agent/client/errors.js';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import { eventually } from '../support/eventually.js';
import { brokerSkip, testVhost, type TestVhost } from './support/broker.js';
import { Gate } from './support/gate.js';
import { manualNow, newKey, startAgent, startServer, type RunningAgent, type RunningServer } from './support/world.js';

const skip = await brokerSkip();

const run = (tag: string) => ({ names: [`vm-${tag}`], cpu: 1, ramMb: 512, diskGb: 10, imageNativeId: 'img-ubuntu', publicKey: null, userData: null, tags: { tag } });

describe('agent requests over RabbitMQ', { skip }, () => {
  let vhost: TestVhost;
  const key = newKey('EDGE');
  const gate = new Gate(['listShapes', 'createVolume', 'validateCredentials']);
  const cloud = new MemoryCloud({ hook: gate.hook });
  let agent: RunningAgent;
  let server: RunningServer;

  before(async () => {
    vhost = await testVhost();
    agent = await startAgent(vhost.url, {
      name: 'EDGE',
      keys: [key],
      regions: [{ name: 'PRIV-1', nativeName: 'RegionOne', driver: cloud }],
      concurrency: { perKey: 2, total: 3 },
    });
    server = await startServer(vhost.url, [key], { consume: false });
  });

  after(async () => {
    gate.open();
    await server?.stop();
    await agent?.stop();
    await vhost?.remove();
  });

  it('runs a driver call on the agent and returns its result', async () => {
    const created = await server.client.callDriver('PRIV-1', { method: 'runInstances', args: [run('a')], tenant: 'ACME', operationId: 'op-run-a' }, { timeoutMs: 30_000 });
    assert.equal(created.length, 1);
    assert.equal(created[0]!.state, 'pending');
    const listed = await server.client.callDriver('PRIV-1', { method: 'listInstances', args: [], tenant: 'ACME', operationId: 'op-list-a' });
    assert.deepEqual(listed.map((vm) => vm.nativeId), [created[0]!.nativeId]);
  });

  it('runs a mutating call once per operation id: a repeat gets the recorded result', async () => {
    const first = await server.client.callDriver('PRIV-1', { method: 'runInstances', args: [run('b')], tenant: 'ACME', operationId: 'op-run-b' });
    const again = await server.client.callDriver('PRIV-1', { method: 'runInstances', args: [run('b')], tenant: 'ACME', operationId: 'op-run-b' });
    assert.deepEqual(again, first);
    const listed = await server.client.callDriver('PRIV-1', { method: 'listInstances', args: [], tenant: null, operationId: 'op-list-b' });
    assert.equal(listed.filter((vm) => vm.name === 'vm-b').length, 1);
  });

  it("answers a cloud's refusal with its reason, its own message and whether a retry can help", async () => {
    await assert.rejects(
      server.client.callDriver('PRIV-1', { method: 'instanceAction', args: ['i-missing', 'stop'], tenant: 'ACME', operationId: 'op-stop-missing' }),
      (error: unknown) => error instanceof AgentCallFailedError && error.reason === 'not_found' && /i-missing does not exist/.test(error.message) && !error.retryable,
    );
    await assert.rejects(
      server.client.callDriver('PRIV-1', { method: 'listShapes', args: [], tenant: 'ACME', operationId: 'op-shapes' }),
      (error: unknown) => error instanceof AgentCallFailedError && error.reason === 'unsupported',
    );
    await assert.rejects(
      server.client.callDriver('PRIV-1', { method: 'runInstances', args: [{ names: [] }], tenant: 'ACME', operationId: 'op-bad' }),
      (error: unknown) => error instanceof AgentCallFailedError && error.reason === 'invalid',
    );
  });

  it('checks the region credentials with a real call of the driver', async () => {
    gate.open();
    const checked = await server.client.validateRegion('PRIV-1');
    assert.equal(checked.region, 'PRIV-1');
    assert.equal(checked.cloud, 'SIMULATED');
    assert.ok(gate.entered.some((call) => call.method === 'validateCredentials'));
  });

  it('says at once that no agent serves a region whose queue nobody consumes', async () => {
    await assert.rejects(
      server.client.callDriver('NOBODY-1', { method: 'listInstances', args: [], tenant: null, operationId: 'op-nobody' }),
      (error: unknown) => error instanceof AgentUnavailableError && /no agent is connected for region NOBODY-1/.test(error.message),
    );
  });

  it('gives up after the timeout the caller set, on its clock', async () => {
    const clock = manualNow();
    const slow = await startServer(vhost.url, [key], { consume: false, clock });
    try {
      const held = new Gate(['createVolume']);
      const stuck = new MemoryCloud({ hook: held.hook });
      const other = await startAgent(vhost.url, { name: 'EDGE', keys: [key], regions: [{ name: 'SLOW-1', nativeName: 'slow', driver: stuck }] });
      try {
        const call = slow.client.callDriver('SLOW-1', { method: 'createVolume', args: [{ name: 'v', sizeGb: 1 }], tenant: null, operationId: 'op-slow' }, { timeoutMs: 20_000 });
        await held.holding(1);
        clock.advance(20_000);
        await assert.rejects(call, (error: unknown) => error instanceof AgentCallTimeoutError && error.mayHaveRun);
        held.open();
      } finally {
        await other.stop();
      }
    } finally {
      await slow.stop();
    }
  });
});

describe('agent replicas and concurrency', { skip }, () => {
  let vhost: TestVhost;
  const key = newKey('EDGE');
  let server: RunningServer;

  before(async () => {
    vhost = await testVhost();
    server = await startServer(vhost.url, [key], { consume: false });
  });

  after(async () => {
    await server?.stop();
    await vhost?.remove();
  });

  it('shares one region queue between two agent replicas: each takes some of the calls', async () => {
    const gates = [new Gate(['createVolume']), new Gate(['createVolume'])];
    const replicas = await Promise.all(
      gates.map((gate) => startAgent(vhost.url, { name: 'EDGE', keys: [key], regions: [{ name: 'SHARED-1', nativeName: 'r', driver: new MemoryCloud({ hook: gate.hook }) }] })),
    );
    try {
      await eventually(async () => (await server.transport.regionConsumers('SHARED-1')) === 2, 'both replicas consuming');
      // Each replica holds what it took until both took some: proof they compete for the same queue.
      // One message each (calls made in the same turn would share one message, and one replica).
      const calls = [];
      for (let index = 0; index < 8; index += 1) {
        calls.push(server.client.callDriver('SHARED-1', { method: 'createVolume', args: [{ name: `v${index}`, sizeGb: 1 }], tenant: `T${index}`, operationId: `op-shared-${index}` }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await eventually(() => gates[0]!.held.length > 0 && gates[1]!.held.length > 0, () => `both replicas holding calls (${gates.map((g) => g.held.length)})`);
      for (const gate of gates) gate.open();
      const volumes = await Promise.all(calls);
      assert.equal(new Set(volumes.map((volume) => volume.name)).size, 8);
      assert.equal(gates[0]!.entered.length + gates[1]!.entered.length, 8);
    } finally {
      for (const gate of gates) gate.open();
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });

  it('bounds concurrency per tenant and region, without one busy tenant holding back another', async () => {
    const tenantOf = (args: readonly unknown[]) => (args[0] as { name: string }).name.split('-')[0]!;
    const gate = new Gate(['createVolume'], tenantOf);
    const agent = await startAgent(vhost.url, {
      name: 'EDGE',
      keys: [key],
      regions: [{ name: 'BOUND-1', nativeName: 'b', driver: new MemoryCloud({ hook: gate.hook }) }],
      concurrency: { perKey: 2, total: 3 },
    });
    try {
      const call = (tenant: string, index: number) =>
        server.client.callDriver('BOUND-1', { method: 'createVolume', args: [{ name: `${tenant}-${index}`, sizeGb: 1 }], tenant, operationId: `op-${tenant}-${index}` });
      const busy = [0, 1, 2, 3, 4].map((index) => call('BUSY', index));
      await gate.holding(2);
      await eventually(() => agent.agent.inFlight === 5, () => `5 calls at the agent (${agent.agent.inFlight})`);
      const quiet = call('QUIET', 0);
      await gate.holding(3);
      assert.deepEqual(gate.held.map((held) => tenantOf(held.args)).sort(), ['BUSY', 'BUSY', 'QUIET'], 'two of the busy tenant, and the quiet one beside them');
      assert.equal(agent.agent.inFlight, 6, 'three running, three waiting for a slot');
      // Let them through a round at a time; every entry into the driver records how many run at once.
      while (gate.entered.length < 6) {
        gate.releaseAll();
        await gate.holding(1);
      }
      gate.open();
      await Promise.all([...busy, quiet]);
      assert.equal(gate.peakByKey.get('BUSY'), 2, 'at most 2 calls of one tenant in one region at once');
      assert.equal(gate.peak, 3, 'at most 3 calls at once in all');
    } finally {
      gate.open();
      await agent.stop();
    }
  });
});
