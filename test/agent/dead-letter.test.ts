import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { GetMessage } from 'amqplib';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import { sealCalls, type AgentKey } from '../../src/agent/envelope.js';
import type { WireMessage } from '../../src/agent/transport/transport.js';
import type { ReceivedAgentMessage } from '../../src/agent/client/event-consumer.js';
import { sealMessage } from '../../src/protocol/envelope/signed-message.js';
import { eventually } from '../support/eventually.js';
import { brokerSkip, testVhost, type TestVhost } from './support/broker.js';
import { newKey, startAgent, startServer, type RunningAgent, type RunningServer } from './support/world.js';

const skip = await brokerSkip();

const heartbeat = (agent: string) => ({ agent, regions: ['PRIV-1'], inFlight: 0, at: new Date().toISOString() });
const sealed = (key: AgentKey, type: string, params: unknown, now = Date.now()): WireMessage =>
  sealCalls(key, [{ id: randomUUID(), type, params }], { now, messageId: randomUUID() });
const reasonOf = (message: GetMessage) => String(message.properties.headers?.['x-maestro-dead-letter-reason'] ?? '');

describe('messages that cannot be processed go to the dead-letter queue', { skip }, () => {
  let vhost: TestVhost;
  const key = newKey('EDGE');
  const stranger = newKey('EDGE');
  let server: RunningServer;
  let agent: RunningAgent;
  const deadLetters: GetMessage[] = [];

  const publishEvent = (message: WireMessage) => server.transport.link.session!.publish('', server.transport.names.eventsQueue, message, { persistent: true });
  /** Waits for a dead letter whose reason matches, taking what arrived meanwhile. */
  const deadLetter = (pattern: RegExp, messageId?: string) =>
    eventually(async () => {
      deadLetters.push(...(await vhost.drain(server.transport.names.deadLetterQueue)));
      return deadLetters.find((message) => pattern.test(reasonOf(message)) && (!messageId || message.properties.messageId === messageId));
    }, () => `a dead letter matching ${pattern} (have: ${deadLetters.map(reasonOf).join(' | ')})`);
  let poisonFailures = 0;
  const isPoison = (message: ReceivedAgentMessage) => message.type === 'HEARTBEAT' && message.body.regions[0] === 'POISON-1';
  /** Proves the consumer still works: a good message sent now is handled. */
  const stillConsuming = async () => {
    const good = sealed(key, 'HEARTBEAT', heartbeat('EDGE'));
    await publishEvent(good);
    await eventually(() => server.received.some((message) => message.messageId === good.messageId), 'the next good message handled');
  };

  before(async () => {
    vhost = await testVhost();
    server = await startServer(vhost.url, [key], {
      handle: async (message) => {
        if (!isPoison(message)) return;
        poisonFailures += 1;
        throw new Error('the database refused it');
      },
    });
    agent = await startAgent(vhost.url, { name: 'EDGE', keys: [key], regions: [{ name: 'PRIV-1', nativeName: 'r', driver: new MemoryCloud() }] });
  });

  after(async () => {
    await agent?.stop();
    await server?.stop();
    await vhost?.remove();
  });

  it('a forged signature', async () => {
    const forged = sealed(key, 'HEARTBEAT', heartbeat('EDGE'));
    forged.headers['maestro-authentication'] = sealed(stranger, 'HEARTBEAT', heartbeat('EDGE')).headers['maestro-authentication']!;
    await publishEvent(forged);
    const letter = await deadLetter(/^signature:/, forged.messageId);
    assert.equal(letter.properties.headers?.['x-maestro-dead-letter-queue'], server.transport.names.eventsQueue);
    await stillConsuming();
  });

  it('an unknown key, and a key speaking for another agent', async () => {
    await publishEvent(sealed(stranger, 'HEARTBEAT', heartbeat('EDGE')));
    await deadLetter(/^unknown_key:/);
    await publishEvent(sealed({ ...key, agent: 'OTHER' }, 'HEARTBEAT', heartbeat('OTHER')));
    await deadLetter(/^identity:/);
    await stillConsuming();
  });

  it('a message replayed from the queue', async () => {
    const original = sealed(key, 'HEARTBEAT', heartbeat('EDGE'));
    await publishEvent(original);
    await eventually(() => server.received.some((message) => message.messageId === original.messageId), 'the original handled');
    // A captured copy, sent again as a new message (the messageId changed so it is no duplicate to skip).
    await publishEvent({ ...original, messageId: randomUUID() });
    await deadLetter(/^replay:/);
    await stillConsuming();
  });

  it('a message dated outside the ±5 minute window', async () => {
    await publishEvent(sealed(key, 'HEARTBEAT', heartbeat('EDGE'), Date.now() - 6 * 60_000));
    await deadLetter(/^date:/);
    await stillConsuming();
  });

  it('a body that does not decrypt with the key', async () => {
    const message = sealed(key, 'HEARTBEAT', heartbeat('EDGE'));
    message.body = sealed(stranger, 'HEARTBEAT', heartbeat('EDGE')).body;
    await publishEvent(message);
    await deadLetter(/^undecryptable:/);
    await stillConsuming();
  });

  it('a malformed message: not a call array, an unknown type, a body that breaks the schema', async () => {
    await publishEvent({ ...sealMessage(key, '{"not":"calls"}', { date: Date.now(), userIdentifier: 'EDGE' }), messageId: randomUUID() });
    await deadLetter(/^malformed: the decrypted body must be an array/);
    await publishEvent(sealed(key, 'DRIVER_CALL', { region: 'PRIV-1' }));
    await deadLetter(/^malformed: .*DRIVER_CALL is not a message agents send/);
    await publishEvent(sealed(key, 'EVENTS', { agent: 'EDGE', events: [{ kind: 'instance.state' }] }));
    await deadLetter(/^malformed: .*\(EVENTS\)/);
    await stillConsuming();
  });

  it('a message that keeps failing in the handler, after its attempts', async () => {
    await publishEvent(sealed(key, 'HEARTBEAT', { ...heartbeat('EDGE'), regions: ['POISON-1'] }));
    await deadLetter(/^handler failed 5 times: the database refused it/);
    assert.equal(poisonFailures, 5);
    await stillConsuming();
  });

  it('a forged request to an agent, which goes on serving', async () => {
    const forged = sealCalls(stranger, [{ type: 'VALIDATE_REGION', params: { region: 'PRIV-1' } }], { now: Date.now(), messageId: randomUUID() });
    forged.headers['maestro-accesskey'] = key.keyId;
    await server.transport.sendRequest('PRIV-1', forged, { expirationMs: 60_000 });
    const letter = await deadLetter(/^signature:/, forged.messageId);
    assert.equal(letter.properties.headers?.['x-maestro-dead-letter-queue'], 'maestro.region.PRIV-1');
    const checked = await server.client.validateRegion('PRIV-1');
    assert.equal(checked.region, 'PRIV-1');
  });

  it('a request nobody took before it expired is dead-lettered, never executed late', async () => {
    const request = sealCalls(key, [{ type: 'RESEND', params: { region: 'LATE-1' } }], { now: Date.now(), messageId: randomUUID() });
    await server.transport.regionConsumers('LATE-1');
    await server.transport.sendRequest('LATE-1', request, { expirationMs: 1 });
    const expired = await eventually(async () => {
      deadLetters.push(...(await vhost.drain(server.transport.names.deadLetterQueue)));
      return deadLetters.find((message) => message.properties.messageId === request.messageId);
    }, 'the expired request in the dead-letter queue');
    const deaths = expired.properties.headers?.['x-death'] as Array<{ reason: string }> | undefined;
    assert.equal(deaths?.[0]?.reason, 'expired');
  });
});
