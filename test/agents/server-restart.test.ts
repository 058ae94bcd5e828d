import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import { systemClock } from '../../src/domain/clock.js';
import { brokerSkip, testVhost, type TestVhost } from '../agent/support/broker.js';
import { startAgent, type RunningAgent } from '../agent/support/world.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startNode, type TestNode } from '../support/store-helpers.js';

const R = 'DC3-NORTH';
const T = 'RESTARTED';
const masterKey = Buffer.alloc(32, 9).toString('base64');

describe('what an agent reports while every server node is down', { skip: await brokerSkip() }, () => {
  const flavour = flavours[0]!;
  let vhost: TestVhost;
  let database: TestDatabase;
  let first: TestServer | null = null;
  let second: TestNode | null = null;
  let agent: RunningAgent | null = null;

  before(async () => {
    vhost = await testVhost();
    database = await flavour.open();
  });
  after(async () => {
    await agent?.stop();
    await first?.close();
    await second?.close();
    await database?.close();
    await vhost?.remove();
  });

  it('is taken in by the node that starts next, once: nothing the agent sent is lost', async () => {
    first = await startTestServer({ db: database.db, config: { amqpUrl: vhost.url, masterKey } });
    const { admin } = first;
    const created = await admin.agents.create({ name: 'dc3' });
    agent = await startAgent(vhost.url, {
      name: 'DC3',
      keys: [{ keyId: created.key.accessKey, secret: created.key.secretKey }],
      regions: [{ name: R, nativeName: 'north', driver: new MemoryCloud() }],
      clock: systemClock,
    });
    await eventually(async () => (await admin.agents.describe({ name: 'dc3' })).items[0]?.state === 'online', 'the agent to register');
    await admin.regions.create({ name: R, cloud: 'SIMULATED', kind: 'private', nativeName: 'north', agent: 'dc3' });
    await admin.customers.create({ name: 'restart' });
    await admin.tenants.create({ customer: 'restart', name: T });
    await admin.tenants.activateRegion({ tenant: T, region: R });
    const image = (await admin.images.describe({ tenant: T, region: R })).items[0]!.name;
    const { instances } = await admin.instances.run({ tenant: T, region: R, image, cpu: 1, ramGb: 1, name: 'survivor' });
    const id = instances[0]!.id;

    // Every server node goes down; meanwhile the cloud finishes the run and the agent reports it.
    await first.close();
    first = null;
    await agent.agent.pollNow(R);
    await agent.agent.outboxDrained();

    second = await startNode(database.db, { config: { amqpUrl: vhost.url, masterKey, nodeName: 'second' } });
    const stateOf = async () => (await database.db.query<{ state: string }>('SELECT state FROM instances WHERE id = $1', [id])).rows[0]!.state;
    await eventually(async () => (await stateOf()) === 'running', 'the queued report to be taken in');
    const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE type = 'instance.stateChanged' AND target_id = $1`, [id]);
    assert.equal(rows[0]!.n, 1, 'taken in once');
  });
});
