import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ReceivedAgentMessage } from '../../src/agent/client/event-consumer.js';
import type { AgentEvent } from '../../src/agent/messages.js';
import type { CloudInstance } from '../../src/clouds/driver.js';
import { initiatorOf, systemActor } from '../../src/server/actor.js';
import { applyAgentMessage, type AgentMessageDeps } from '../../src/server/agents/agent-messages.js';
import { EventWriter } from '../../src/server/event-writer.js';
import { createLogger } from '../../src/server/logger.js';
import { eventDefinitions, projections } from '../../src/server/projections/index.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const R = 'DC2-WEST';
const T = 'AGENTS-DEV';

const vm = (nativeId: string, state: CloudInstance['state'] = 'running'): CloudInstance => ({
  nativeId,
  name: nativeId,
  state,
  cpu: 1,
  ramMb: 512,
  diskGb: 1,
  imageNativeId: null,
  tags: {},
  launchedAt: '2026-12-01T00:00:00.000Z',
});

for (const flavour of flavours) {
  describe(`what the server makes of an agent's messages (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let deps: AgentMessageDeps;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
      const { admin } = server;
      await admin.agents.create({ name: 'dc2' });
      await admin.agents.create({ name: 'other' });
      await admin.regions.create({ name: R, cloud: 'OPEN_STACK', kind: 'private', nativeName: 'west' });
      await admin.regions.update({ name: R, agent: 'dc2' });
      await admin.customers.create({ name: 'agents' });
      await admin.tenants.create({ customer: 'agents', name: T });
      await admin.tenants.activateRegion({ tenant: T, region: R });
      deps = {
        db: database.db,
        writer: new EventWriter(database.db, projections, server.maestro.bus, server.maestro.services.clock, eventDefinitions),
        clock: server.maestro.services.clock,
        logger: createLogger('silent'),
        defaultHeartbeatMs: 5000,
        origin: (agent) => ({ initiator: initiatorOf(systemActor('cloud')), requestId: null, observer: { typeURI: 'service/agent', id: agent } }),
      };
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    const send = (agent: string, message: Pick<ReceivedAgentMessage, 'type' | 'body'>) =>
      applyAgentMessage(deps, { ...message, agent, keyId: 'MA0', messageId: randomUUID() } as ReceivedAgentMessage);
    const listing = async (agent: string, pages: Array<{ instances: CloudInstance[]; complete?: boolean }>, order?: number[]) => {
      const listingId = randomUUID();
      for (const index of order ?? pages.map((_, i) => i)) {
        const page = pages[index]!;
        await send(agent, {
          type: 'LISTING_PAGE',
          body: {
            agent,
            region: R,
            listingId,
            page: index,
            last: index === pages.length - 1,
            complete: page.complete ?? true,
            at: new Date().toISOString(),
            instances: page.instances,
            error: page.complete === false ? 'the cloud answered 503 on page 2' : null,
          },
        });
      }
    };
    const stateEvent = (nativeId: string, seq: number, state: CloudInstance['state'], region = R): AgentEvent => ({
      id: randomUUID(),
      region,
      resource: nativeId,
      seq,
      at: new Date().toISOString(),
      kind: 'instance.state',
      data: { nativeId, state, reason: null },
    });
    const stateOf = async (nativeId: string) =>
      (await server.maestro.db.query<{ state: string }>('SELECT state FROM instances WHERE native_id = $1', [nativeId])).rows[0]?.state;
    const changes = async () => (await server.maestro.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE type LIKE 'instance.%'`)).rows[0]!.n;

    it('adopts what a listing holds once all its pages are in, whatever order they come in', async () => {
      await listing('DC2', [{ instances: [vm('a')] }, { instances: [vm('b')] }, { instances: [vm('c', 'stopped')] }], [2, 0, 1]);
      assert.deepEqual([await stateOf('a'), await stateOf('b'), await stateOf('c')], ['running', 'running', 'stopped']);
    });

    it('applies each state once, newest first: a message sent again or an older one changes nothing', async () => {
      const before = await changes();
      await send('DC2', { type: 'EVENTS', body: { agent: 'DC2', events: [stateEvent('a', 5, 'stopped')] } });
      assert.equal(await stateOf('a'), 'stopped');
      await send('DC2', { type: 'EVENTS', body: { agent: 'DC2', events: [stateEvent('a', 5, 'stopped'), stateEvent('a', 4, 'running')] } });
      assert.equal(await stateOf('a'), 'stopped');
      // Of several states of one instance in a message, the newest counts.
      await send('DC2', { type: 'EVENTS', body: { agent: 'DC2', events: [stateEvent('a', 7, 'running'), stateEvent('a', 6, 'starting')] } });
      assert.equal(await stateOf('a'), 'running');
      assert.equal((await changes()) - before, 2);
    });

    it('does not let an agent speak for a region it does not serve', async () => {
      const before = await changes();
      await send('OTHER', { type: 'EVENTS', body: { agent: 'OTHER', events: [stateEvent('b', 1, 'error')] } });
      await listing('OTHER', [{ instances: [] }]);
      assert.equal(await stateOf('b'), 'running');
      assert.equal(await changes(), before);
    });

    it('takes nothing as gone from a listing that failed part-way, and lets go only after three complete ones lack it', async () => {
      const before = await changes();
      await listing('DC2', [{ instances: [vm('a')] }, { instances: [], complete: false }]);
      assert.equal(await changes(), before, 'a failed listing changes nothing');
      for (let i = 0; i < 2; i++) await listing('DC2', [{ instances: [vm('a'), vm('c', 'stopped')] }]);
      assert.equal(await stateOf('b'), 'running', 'two complete listings without it are not enough');
      await listing('DC2', [{ instances: [vm('a'), vm('c', 'stopped')] }]);
      assert.equal(await stateOf('b'), 'terminated');
    });

    it('keeps what an agent says at registration: its regions with their capabilities, its version, its key', async () => {
      await send('DC2', {
        type: 'REGISTER',
        body: {
          agent: 'DC2',
          version: '1.2.3',
          regions: [
            {
              name: R,
              cloud: 'OPEN_STACK',
              capabilities: {
                billingGranularity: 'second',
                customShapes: false,
                volumes: true,
                images: true,
                tagMatching: 'case-insensitive',
                reservedTagPrefixes: [],
                maxInstancesPerRun: 100,
                optional: ['shapes'],
              },
            },
          ],
          keyId: 'MA0',
          startedAt: new Date().toISOString(),
        },
      });
      const [agent] = (await server.admin.agents.describe({ name: 'dc2' })).items;
      assert.deepEqual([agent!.state, agent!.version, agent!.reportedRegions, agent!.regions], ['online', '1.2.3', [R], [R]]);
      const { rows } = await server.maestro.db.query<{ type: string }>(`SELECT type FROM event_log WHERE type = 'agent.connected'`);
      assert.equal(rows.length, 1, 'the connection is in the audit log');
    });
  });
}
