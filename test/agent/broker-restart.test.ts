import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentConnectionLostError, AgentUnavailableError } from '../../src/agent/client/errors.js';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import { recordEvents } from '../../src/agent/events.js';
import type { AgentEvent, EventsMessage } from '../../src/agent/messages.js';
import type { ManualClock } from '../../src/domain/clock.js';
import { eventually } from '../support/eventually.js';
import { brokerSkip } from './support/broker.js';
import { Gate } from './support/gate.js';
import { privateBrokerProblem, startPrivateBroker, type PrivateBroker } from './support/private-broker.js';
import { newKey, startAgent, startServer, type RunningAgent, type RunningServer } from './support/world.js';

// A real restart of the broker: a RabbitMQ node of this file's own, stopped and started again on
// its data (the shared broker is never restarted).
const problem = privateBrokerProblem();
if (problem && process.env.CI === 'true') throw new Error(`a private RabbitMQ node is required in CI: ${problem}`);
const skip = (await brokerSkip()) || (problem ? `skipped: ${problem}` : false);

const listInstances = { method: 'listInstances' as const, args: [], tenant: null, operationId: 'list' };

describe('a broker restart', { skip }, () => {
  let broker: PrivateBroker;
  const key = newKey('EDGE');
  const gate = new Gate(['createVolume']);
  let agent: RunningAgent;
  /** The server node's RPC side; its events consumer starts only after the restart. */
  let caller: RunningServer;
  let receiver: RunningServer | null = null;

  before(async () => {
    broker = await startPrivateBroker();
    caller = await startServer(broker.url, [key], { consume: false });
    agent = await startAgent(broker.url, { name: 'EDGE', keys: [key], regions: [{ name: 'PRIV-1', nativeName: 'r', driver: new MemoryCloud({ hook: gate.hook }) }] });
  });

  after(async () => {
    await receiver?.stop();
    await agent?.stop();
    await caller?.stop();
    await broker?.remove();
  });

  const write = async (from: number, count: number): Promise<AgentEvent[]> => {
    const written: AgentEvent[] = [];
    for (let index = from; index < from + count; index += 1) {
      const draft = { resource: `vm-${index}`, kind: 'instance.state' as const, at: new Date().toISOString(), data: { nativeId: `vm-${index}`, state: 'running' as const, reason: null } };
      written.push(...(await agent.store.transaction((tx) => recordEvents(agent.store, tx, 'EDGE', 'PRIV-1', [draft], new Date()))));
    }
    agent.agent.outboxDrained().catch(() => undefined);
    return written;
  };

  it('loses no event the broker took, fails the call in flight as of unknown outcome, refuses calls while down, and serves again', async () => {
    assert.deepEqual(await caller.client.callDriver('PRIV-1', listInstances, { timeoutMs: 30_000 }), []);

    // 50 events the broker confirmed (so the agent dropped them from its outbox) and nobody has
    // consumed yet: they exist only in the broker's durable queue when it stops.
    const confirmed = await write(0, 50);
    await agent.agent.outboxDrained();
    assert.equal(await agent.store.outboxSize(), 0);

    // A call the agent is running when the broker goes.
    const inFlight = caller.client.callDriver('PRIV-1', { method: 'createVolume', args: [{ name: 'data', sizeGb: 1 }], tenant: 'ACME', operationId: 'op-volume' }, { timeoutMs: 30_000 });
    inFlight.catch(() => undefined);
    await gate.holding(1);
    await broker.stop();
    await assert.rejects(inFlight, (error: unknown) => {
      assert.ok(error instanceof AgentConnectionLostError, String(error));
      assert.match((error as Error).message, /connection to the broker was lost while a call to region PRIV-1 was out; its outcome is unknown/);
      return true;
    });
    gate.open();

    // While it is down: a call is refused at once, saying why; events wait in the agent's outbox.
    await eventually(() => !caller.transport.connected && !agent.transport.connected, 'both sides to see the broker gone');
    await assert.rejects(caller.client.callDriver('PRIV-1', listInstances, { timeoutMs: 30_000 }), (error: unknown) => {
      assert.ok(error instanceof AgentUnavailableError, String(error));
      assert.match((error as Error).message, /not connected to the message broker/);
      return true;
    });
    const whileDown = await write(50, 50);
    // Those 50, and what the volume call that finished meanwhile records of its outcome.
    assert.ok((await agent.store.outboxSize()) >= 50, 'the events written while the broker is down wait in the outbox');

    await broker.start();
    // The agent waits out its reconnect back-off on its own clock: move it until it is back.
    const clock = agent.clock as ManualClock;
    await eventually(() => {
      if (!agent.transport.connected) clock.advance(500);
      return agent.transport.connected && caller.transport.connected;
    }, 'both sides connected again');
    await agent.agent.outboxDrained();
    assert.equal(await agent.store.outboxSize(), 0);

    // A server node consuming now gets every event: those the broker kept across its restart and
    // those the agent kept while it was down, each once.
    receiver = await startServer(broker.url, [key]);
    const expected = new Set([...confirmed, ...whileDown].map((event) => event.id));
    const seen = () => receiver!.received.flatMap((message) => (message.type === 'EVENTS' ? (message.body as EventsMessage).events.map((event) => event.id) : []));
    await eventually(() => [...expected].every((id) => seen().includes(id)), () => `all 100 events after the restart (have ${new Set(seen()).size})`);
    const counts = new Map<string, number>();
    for (const id of seen()) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.ok([...counts.values()].every((count) => count === 1), 'no event handed over twice');
    // The call whose caller was told "outcome unknown" ran: its outcome comes as an event.
    const outcomes = () =>
      receiver!.received.flatMap((message) =>
        message.type === 'EVENTS' ? (message.body as EventsMessage).events.filter((event) => event.kind === 'operation.done' && event.data.operationId === 'op-volume') : [],
      );
    const [done] = await eventually(() => outcomes().length > 0 && outcomes(), 'the outcome of the call in flight');
    assert.equal(done?.kind === 'operation.done' && done.data.outcome, 'success');

    assert.deepEqual(await caller.client.callDriver('PRIV-1', listInstances, { timeoutMs: 30_000 }), []);
  });
});
