import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/domain/clock.js';
import { loginApproved } from '../../src/protocol/events/login.js';
import { openPostgres } from '../../src/store/postgres.js';
import { recordEvent } from '../notifications/setup.js';
import { createPostgresDatabase, postgresSkip } from '../support/databases.js';
import { startLiveServer, TEST_USER_HEADER, type LiveTestServer } from './live-server.js';
import { SseClient } from './sse-client.js';

describe('live streams across two nodes sharing one PostgreSQL', { skip: await postgresSkip() }, () => {
  let database: { url: string; drop: () => Promise<void> };
  let node1: LiveTestServer;
  let node2: LiveTestServer;
  const open: SseClient[] = [];
  const stream = async (node: LiveTestServer, user: string, lastEventId?: string) => {
    const client = await SseClient.open(node.streamUrl(), { [TEST_USER_HEADER]: user, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) });
    open.push(client);
    assert.equal(client.status, 200);
    await client.next('ready');
    return client;
  };
  const named = (name: string) => (event: { json: { target: { name?: string } } }) => String(event.json.target.name).toLowerCase() === name;

  before(async () => {
    database = await createPostgresDatabase();
    node1 = await startLiveServer({ config: { databaseUrl: database.url } });
    // The same data directory: the nodes share the master key.
    node2 = await startLiveServer({ db: await openPostgres({ url: database.url, poolSize: 3 }), dataDir: node1.dataDir, config: { nodeName: 'node-2' } });
    await node1.admin.customers.create({ name: 'acme' });
    await node1.admin.users.create({ name: 'dora', customer: 'acme' });
  });
  after(async () => {
    for (const client of open) client.close();
    await node2?.close();
    await node2?.maestro.db.close();
    await node1?.close();
    await database?.drop();
  });

  it('brings an event committed on one node to a browser connected to the other', async () => {
    const onNode2 = await stream(node2, 'admin');
    await node1.admin.customers.create({ name: 'initech' });
    const event = await onNode2.next('cadf', named('initech'), 'the customer created on node 1');
    assert.equal(event.json.type, 'customer.created');
  });

  it('brings a notification stored by either node to its user on the other', async () => {
    const doraOnNode2 = await stream(node2, 'dora');
    const { rows } = await node1.maestro.db.query<{ id: string; customerId: string }>('SELECT id, customer_id AS "customerId" FROM users WHERE name = $1', ['dora']);
    const dora = rows[0]!;
    const data = { userId: dora.id, approverId: null, approverName: 'otto', address: '203.0.113.9' };
    await recordEvent(node1.maestro, systemClock, loginApproved, data, { target: { id: dora.id, name: 'dora' }, customerId: dora.customerId });
    const told = await doraOnNode2.next('notification', (n) => n.json.type === 'loginApproved', 'dora’s notification');
    assert.equal(told.json.subject, 'Your login was approved');
  });

  it('resumes on one node from the id another node gave', async () => {
    const onNode1 = await stream(node1, 'admin');
    await node1.admin.customers.create({ name: 'hooli' });
    await onNode1.next('cadf', named('hooli'), 'hooli');
    const resumeId = onNode1.lastId!;
    onNode1.close();
    await node1.admin.customers.create({ name: 'umbrella' });
    const onNode2 = await stream(node2, 'admin', resumeId);
    const replayed = onNode2.events.slice(0, onNode2.events.findIndex((e) => e.event === 'ready')).filter((e) => e.event === 'cadf');
    assert.ok(replayed.some(named('umbrella')), `replayed: ${onNode2.describe()}`);
    assert.ok(!replayed.some(named('hooli')), `replayed again: ${onNode2.describe()}`);
  });
});
