import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import { eventId, recordEvents } from '../../src/agent/events.js';
import type { AgentEvent, EventsMessage, ListingPageMessage } from '../../src/agent/messages.js';
import type { OutboxEntry } from '../../src/agent/store/agent-store.js';
import type { ReceivedAgentMessage } from '../../src/agent/client/event-consumer.js';
import type { ManualClock } from '../../src/domain/clock.js';
import { eventually } from '../support/eventually.js';
import { brokerSkip, testVhost, type TestVhost } from './support/broker.js';
import { Gate } from './support/gate.js';
import { manualNow, newKey, startAgent, startServer, type RunningAgent, type RunningServer } from './support/world.js';

const skip = await brokerSkip();

const run = (names: string[]) => ({ names, cpu: 1, ramMb: 512, diskGb: 1, imageNativeId: 'img-ubuntu', publicKey: null, userData: null, tags: {} });

describe("the agent's events, listings and outbox", { skip }, () => {
  let vhost: TestVhost;
  const key = newKey('EDGE');
  const gate = new Gate(['listInstances']);
  const cloud = new MemoryCloud({ hook: gate.hook });
  let agent: RunningAgent;
  let server: RunningServer;
  /** What a test wants to do with each message before it is recorded. */
  let onMessage: ((message: ReceivedAgentMessage) => Promise<void>) | null = null;
  const events = () => server.received.flatMap((message) => (message.type === 'EVENTS' ? (message.body as EventsMessage).events : []));
  const pages = (listingId: string) =>
    server.received.flatMap((message) => (message.type === 'LISTING_PAGE' && message.body.listingId === listingId ? [message.body as ListingPageMessage] : []));

  before(async () => {
    vhost = await testVhost();
    gate.open();
    server = await startServer(vhost.url, [key], { handle: async (message) => onMessage?.(message) });
    agent = await startAgent(vhost.url, { name: 'EDGE', keys: [key], regions: [{ name: 'PRIV-1', nativeName: 'r', driver: cloud }] });
  });

  after(async () => {
    await agent?.stop();
    await server?.stop();
    await vhost?.remove();
  });

  it('registers with its regions, their cloud kind and capabilities, and the key it signs with', async () => {
    const registration = await eventually(() => server.received.find((message) => message.type === 'REGISTER'), 'REGISTER');
    assert.equal(registration.agent, 'EDGE');
    assert.equal(registration.keyId, key.keyId);
    assert.deepEqual(registration.type === 'REGISTER' && registration.body.regions.map((r) => [r.name, r.cloud, r.capabilities.volumes]), [['PRIV-1', 'SIMULATED', true]]);
  });

  it('turns state polls into instance.state events, numbered per instance, with ids that follow from them', async () => {
    const [vm] = await server.client.callDriver('PRIV-1', { method: 'runInstances', args: [run(['web'])], tenant: 'ACME', operationId: 'op-web' });
    await agent.agent.pollNow('PRIV-1');
    await server.client.callDriver('PRIV-1', { method: 'instanceAction', args: [vm!.nativeId, 'stop'], tenant: 'ACME', operationId: 'op-web-stop' });
    await agent.agent.pollNow('PRIV-1');
    const states = await eventually(() => {
      const found = events().filter((event) => event.resource === vm!.nativeId);
      return found.length === 2 && found;
    }, () => `two state events of ${vm!.nativeId} (${JSON.stringify(events())})`);
    assert.deepEqual(states.map((event) => [event.seq, event.kind === 'instance.state' && event.data.state]), [[1, 'running'], [2, 'stopped']]);
    for (const event of states) assert.equal(event.id, eventId('EDGE', 'PRIV-1', event.resource, event.seq));
    const operation = events().filter((event) => event.resource === 'op-web');
    assert.deepEqual(operation.map((event) => event.kind), ['operation.progress', 'operation.done']);
  });

  it('sends a full listing on RESEND, in pages of at most 1000 instances', async () => {
    for (let batch = 0; batch < 3; batch += 1) {
      await server.client.callDriver('PRIV-1', {
        method: 'runInstances',
        args: [run(Array.from({ length: 800 }, (_, index) => `bulk-${batch}-${index}`))],
        tenant: null,
        operationId: `op-bulk-${batch}`,
      });
    }
    const { listingId } = await server.client.resend('PRIV-1');
    const listing = await eventually(() => {
      const found = pages(listingId);
      return found.some((page) => page.last) && found.length === found.find((page) => page.last)!.page + 1 && found;
    }, 'every page of the listing');
    assert.deepEqual(listing.map((page) => page.instances.length), [1000, 1000, 401]);
    assert.ok(listing.every((page) => page.complete && page.error === null));
    assert.equal(new Set(listing.flatMap((page) => page.instances.map((vm) => vm.nativeId))).size, 2401);
  });

  it('sends a failed listing as incomplete, so the server never takes it as the whole region', async () => {
    const failing = new MemoryCloud({
      hook: (method) => {
        if (method === 'listInstances') throw new Error('the cloud answered 503');
      },
    });
    const other = await startAgent(vhost.url, { name: 'EDGE', keys: [key], regions: [{ name: 'FAIL-1', nativeName: 'f', driver: failing }] });
    try {
      const { listingId } = await server.client.resend('FAIL-1');
      const [page] = await eventually(() => pages(listingId).length > 0 && pages(listingId), 'the failed listing');
      assert.equal(page!.complete, false);
      assert.equal(page!.last, true);
      assert.match(page!.error ?? '', /503/);
    } finally {
      await other.stop();
    }
  });

  it('loses nothing when the broker drops every connection mid-flight: each message is handled once, by id', async () => {
    const handled = new Map<string, number>();
    let killed: Promise<void> | null = null;
    const written: AgentEvent[] = [];
    const flood = async (messages: number, from: number) => {
      for (let index = from; index < from + messages; index += 1) {
        const draft = { resource: `flood-${index}`, kind: 'instance.state' as const, at: new Date().toISOString(), data: { nativeId: `flood-${index}`, state: 'running' as const, reason: null } };
        written.push(...(await agent.store.transaction((tx) => recordEvents(agent.store, tx, 'EDGE', 'PRIV-1', [draft], new Date()))));
        agent.agent.outboxDrained().catch(() => undefined);
      }
    };
    onMessage = async (message) => {
      if (message.type !== 'EVENTS' || !message.body.events[0]?.resource.startsWith('flood-')) return;
      handled.set(message.messageId, (handled.get(message.messageId) ?? 0) + 1);
      // The 20th message is held until the broker has dropped every connection: it and those behind it
      // go back to the queue unacknowledged, while the agent is still writing and sending more.
      if (handled.size === 20 && !killed) {
        killed = vhost.closeConnections();
        await flood(100, 100);
        await killed;
      }
    };
    try {
      await flood(100, 0);
      await eventually(() => killed !== null, 'the connections killed');
      await killed;
      // The agent waits out its reconnect back-off on its own clock: move it until it is back.
      const clock = agent.clock as ManualClock;
      await eventually(() => {
        if (!agent.transport.connected) clock.advance(250);
        return agent.transport.connected && server.transport.connected;
      }, 'both sides connected again');
      await agent.agent.outboxDrained();
      const floodEvents = new Set(written.map((event) => event.id));
      await eventually(() => {
        const seen = new Set(events().map((event) => event.id));
        return [...floodEvents].every((id) => seen.has(id));
      }, () => `all ${floodEvents.size} flood events handled (have ${handled.size} messages)`);
      assert.equal(written.length, 200);
      assert.ok([...handled.values()].every((count) => count === 1), 'no message id handed to the handler twice');
      assert.ok(server.consumer!.stats.duplicates > 0, 'messages handled before the drop came again, and were recognised');
      assert.equal(await agent.store.outboxSize(), 0);
    } finally {
      onMessage = null;
    }
  });

  it('a server node that stops consuming leaves its messages to the others', async () => {
    const leaving = await startServer(vhost.url, [key]);
    await leaving.consumer!.close();
    const before = leaving.received.length;
    const written: AgentEvent[] = [];
    for (let index = 0; index < 30; index += 1) {
      const draft = { resource: `leave-${index}`, kind: 'instance.state' as const, at: new Date().toISOString(), data: { nativeId: `leave-${index}`, state: 'running' as const, reason: null } };
      written.push(...(await agent.store.transaction((tx) => recordEvents(agent.store, tx, 'EDGE', 'PRIV-1', [draft], new Date()))));
    }
    await agent.agent.outboxDrained();
    await eventually(() => written.every((event) => events().some((seen) => seen.id === event.id)), 'every event handled by the node still consuming');
    assert.equal(leaving.received.length, before);
    await leaving.stop();
  });
});

describe('an agent killed with outbox entries pending', { skip }, () => {
  let vhost: TestVhost;
  const key = newKey('EDGE');
  let server: RunningServer;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-agent-'));
  const children: ChildProcess[] = [];

  before(async () => {
    vhost = await testVhost();
    server = await startServer(vhost.url, [key]);
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await server?.stop();
    await vhost?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (url: string, prepare: boolean) => {
    const settings = { url, dataDir, masterKey: masterKey.toString('base64'), key: { keyId: key.keyId, secret: key.secret }, prepare };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support/agent-child.ts'), JSON.stringify(settings)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, MAESTRO_LOG_LEVEL: 'silent' },
    });
    children.push(child);
    const lines = createInterface({ input: child.stdout! });
    const first = new Promise<Record<string, unknown>>((resolve, reject) => {
      lines.once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
      child.once('exit', (code) => reject(new Error(`the agent process ended (${code}) before it said anything`)));
    });
    return { child, first };
  };
  const masterKey = randomBytes(32);

  it('sends them after a restart, with the same message and event ids', async () => {
    // No broker for the first run (nobody listens on port 1): everything stays in the outbox.
    const unreachable = 'amqp://guest:guest@127.0.0.1:1/';
    const first = start(unreachable, true);
    const { pending } = (await first.first) as { pending: OutboxEntry[] };
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    assert.deepEqual(pending.map((entry) => entry.type).sort(), ['EVENTS', 'LISTING_PAGE', 'REGISTER']);

    const second = start(vhost.url, false);
    await second.first;
    const ids = pending.map((entry) => entry.id);
    await eventually(() => ids.every((id) => server.received.some((message) => message.messageId === id)), 'every pending message received');
    const sentEvents = pending.flatMap((entry) => (entry.type === 'EVENTS' ? (entry.body as EventsMessage).events.map((event) => event.id) : []));
    const receivedEvents = server.received.flatMap((message) => (message.type === 'EVENTS' ? message.body.events.map((event) => event.id) : []));
    assert.equal(sentEvents.length, 3);
    assert.ok(sentEvents.every((id) => receivedEvents.includes(id)), 'the same event ids');
    second.child.kill('SIGKILL');
  });
});
