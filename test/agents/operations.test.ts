import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as events from '../../src/protocol/events/compute.js';
import { uuidv7 } from '../../src/protocol/ids.js';
import { initiatorOf, systemActor } from '../../src/server/actor.js';
import { completeDeferredChanges, lockOperation, type OperationDone } from '../../src/server/agents/operations.js';
import { EventWriter } from '../../src/server/event-writer.js';
import { eventDefinitions, projections } from '../../src/server/projections/index.js';
import { regionRef } from '../../src/server/queries/compute.js';
import { simulatedTenant } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

const T = 'DEFERRED';
const R = 'SIM-DEFERRED';
const postgres = flavours.find((flavour) => flavour.name === 'postgres')!;

// Only PostgreSQL has two transactions at once: on the embedded database they take turns anyway.
describe("an agent's report of a deferred change that overtakes the command's commit (postgres)", { skip: await postgres.skip() }, () => {
  let database: TestDatabase;
  let server: TestServer;
  let writer: EventWriter;
  const origin = { initiator: initiatorOf(systemActor('cloud')), requestId: null, observer: { typeURI: 'service/agent', id: 'TEST' } };

  before(async () => {
    database = await postgres.open();
    server = await startTestServer({ db: database.db, config: { simLatencyMs: 0 } });
    await simulatedTenant(server.admin, { customer: 'deferred', tenant: T, region: R });
    writer = new EventWriter(server.maestro.db, projections, server.maestro.bus, server.maestro.services.clock, eventDefinitions);
  });
  after(async () => {
    await server?.close();
    await database?.close();
  });

  it('waits for the commit and completes the change, instead of finding nothing', async () => {
    const { db } = server.maestro;
    const region = await regionRef(db, R);
    const { rows } = await db.query<{ id: string; customerId: string }>('SELECT id, customer_id AS "customerId" FROM tenants WHERE name = $1', [T]);
    const tenant = rows[0]!;
    const operationId = randomUUID();
    const id = uuidv7();
    const scope = { target: { id, name: 'golden' }, customerId: tenant.customerId, tenantId: tenant.id, region: R };
    const report: OperationDone = {
      id: randomUUID(),
      region: R,
      resource: operationId,
      seq: 2,
      at: new Date().toISOString(),
      kind: 'operation.done',
      data: { operationId, method: 'createImage', tenant: T, outcome: 'success', result: { nativeId: 'img-42', name: 'golden', os: 'linux', minDiskGb: 4 } },
    };

    // The command: the change recorded and the agent asked, its transaction not yet committed.
    let recorded!: () => void;
    const isRecorded = new Promise<void>((resolve) => (recorded = resolve));
    let commit!: () => void;
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    const command = db.transaction(async (tx) => {
      await lockOperation(tx, operationId);
      const started = { id, regionId: region.id, tenantId: tenant.id, name: 'golden', nativeId: null, os: 'linux', minDiskGb: 4, sourceInstanceId: uuidv7(), ownerId: null, operationId };
      await writer.append(tx, [writer.build(events.imageCaptureStarted, started, scope, origin)]);
      recorded();
      await mayCommit;
    });
    await isRecorded;

    // The agent's report arrives on another connection before that commit.
    const completion = db.transaction((tx) => completeDeferredChanges(tx, writer, origin, region, [report]));
    await eventually(
      async () => (await db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows.length > 0,
      'the report to wait for the lock',
    );
    commit();
    await command;
    const completed = await completion;
    assert.deepEqual(completed.map((event) => event.type), ['image.created']);
    const image = (await db.query<{ state: string; nativeId: string }>('SELECT state, native_id AS "nativeId" FROM images WHERE id = $1', [id])).rows[0];
    assert.deepEqual(image, { state: 'available', nativeId: 'img-42' });
  });
});
