import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CloudInstance } from '../../src/clouds/driver.js';
import { initiatorOf, systemActor } from '../../src/server/actor.js';
import { reconcileListing } from '../../src/server/compute/reconcile.js';
import { EventWriter } from '../../src/server/event-writer.js';
import { eventDefinitions, projections } from '../../src/server/projections/index.js';
import { regionRef } from '../../src/server/queries/compute.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { runningInstance, simulatedTenant } from './setup.js';

const T = 'LISTED';
const R = 'SIM-LISTED';

describe('reconciling a region with complete listings of a cloud that lags', () => {
  let server: TestServer;
  let writer: EventWriter;
  const origin = { initiator: initiatorOf(systemActor('cloud')), requestId: null, observer: { typeURI: 'service/maestro', id: 'test' } };
  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    await simulatedTenant(server.admin, { customer: 'listed', tenant: T, region: R });
    writer = new EventWriter(server.maestro.db, projections, server.maestro.bus, server.maestro.services.clock, eventDefinitions);
  });
  after(() => server?.close());

  /** Reconciles the region with `cloud` as a listing that needs three absences in a row. */
  const reconcile = (cloud: CloudInstance[]) =>
    server.maestro.db.transaction(async (tx) =>
      reconcileListing(tx, await regionRef(tx, R), cloud, new Date(), { absencesBeforeVanished: 3 }, (changes) =>
        writer.append(tx, changes.map((c) => writer.build(c.definition, c.data, c.scope, origin))),
      ),
    );
  const stateOf = async (id: string) => (await server.admin.instances.describe({ tenant: T, ids: [id] })).items[0]!.state;
  const asListed = (vm: { nativeId: string; name: string }, state: CloudInstance['state'] = 'running'): CloudInstance => ({
    nativeId: vm.nativeId,
    name: vm.name,
    state,
    cpu: 1,
    ramMb: 1024,
    diskGb: 10,
    imageNativeId: null,
    tags: {},
    launchedAt: new Date().toISOString(),
  });

  it('lets an instance go only after three complete listings in a row lack it, and takes it back when it is seen again', async () => {
    const kept = await runningInstance(server.admin, T, R, 'kept');
    const flaky = await runningInstance(server.admin, T, R, 'flaky');
    const outside = { nativeId: 'made-outside-1', name: 'outside' };

    assert.deepEqual(await reconcile([asListed(kept), asListed(outside)]), { region: R, discovered: 1, vanished: 0, unchanged: 1, unassigned: 0 });
    // Seen again in between: the count starts over.
    await reconcile([asListed(kept), asListed(flaky), asListed(outside)]);
    assert.equal((await reconcile([asListed(kept), asListed(outside)])).vanished, 0);
    assert.equal((await reconcile([asListed(kept), asListed(outside)])).vanished, 0);
    assert.equal(await stateOf(flaky.id), 'running');
    assert.equal((await reconcile([asListed(kept), asListed(outside)])).vanished, 1);
    assert.equal(await stateOf(flaky.id), 'terminated');

    // The same server shows up again under its id: it is taken back in the state the cloud reports.
    const back = await reconcile([asListed(kept), asListed(flaky, 'stopped'), asListed(outside)]);
    assert.deepEqual([back.discovered, back.vanished], [0, 0]);
    assert.equal(await stateOf(flaky.id), 'stopped');
    const { rows } = await server.maestro.db.query<{ reason: string }>(
      `SELECT data->>'reason' AS reason FROM event_log WHERE type = 'instance.stateChanged' AND target_id = $1 ORDER BY seq DESC LIMIT 1`,
      [flaky.id],
    );
    assert.equal(rows[0]!.reason, 'seen again in the cloud under its id');
  });

  it('never takes an instance launched since the listing began as missing from it', async () => {
    // A run that commits between the listing and the read of Maestro's instances (another node,
    // or PostgreSQL's statement-level view) is known yet unlisted: it is not a vanished instance.
    const listingBegan = new Date();
    const late = await runningInstance(server.admin, T, R, 'late');
    await server.maestro.db.transaction(async (tx) =>
      reconcileListing(tx, await regionRef(tx, R), [], listingBegan, { absencesBeforeVanished: 1 }, (changes) =>
        writer.append(tx, changes.map((c) => writer.build(c.definition, c.data, c.scope, origin))),
      ),
    );
    assert.equal(await stateOf(late.id), 'running');
    const { rows } = await server.maestro.db.query('SELECT 1 FROM instance_absences WHERE instance_id = $1', [late.id]);
    assert.equal(rows.length, 0, 'no absence counted');
  });

  it("gives an instance found in a tenant's own project to that tenant, whatever its tags say", async () => {
    // T was activated in the region first: it gets what nothing else claims.
    await server.admin.tenants.create({ customer: 'listed', name: 'LISTED-B' });
    await server.admin.tenants.activateRegion({ tenant: 'LISTED-B', region: R });
    const inProject = { ...asListed({ nativeId: 'in-project-b', name: 'in-b' }), tenant: 'LISTED-B', tags: { tenant: T } };
    const tagged = { ...asListed({ nativeId: 'tagged-b', name: 'tagged-b' }), tags: { tenant: 'listed-b' } };
    const unclaimed = asListed({ nativeId: 'unclaimed', name: 'unclaimed' });
    assert.equal((await reconcile([inProject, tagged, unclaimed])).discovered, 3);
    const owners = async (tenant: string) =>
      (await server.admin.instances.describe({ tenant })).items.filter((vm) => ['in-b', 'tagged-b', 'unclaimed'].includes(vm.name)).map((vm) => vm.name).sort();
    assert.deepEqual(await owners('LISTED-B'), ['in-b', 'tagged-b']);
    assert.deepEqual(await owners(T), ['unclaimed']);
  });
});
