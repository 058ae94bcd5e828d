import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { failsWith, simulatedTenant } from '../compute/setup.js';
import { quotaProjections } from '../../src/server/projections/quotas.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { snapshotTables } from '../support/store-helpers.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { clockedClient, eventsOf, quietConfig, spend, tenantId, userWithRole, waitForApproval } from './setup.js';

const T = 'HELD';
const R = 'SIM-HELD';

for (const flavour of flavours) {
  describe(`approvals of requests held by a quota (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    let tenant: string;
    /** Runs instances, and an approver of the billing role. */
    let rita: { client: MaestroClient; id: string };
    let abby: { client: MaestroClient; id: string };
    /** A tenant administrator: may both run and approve. */
    let otto: { client: MaestroClient; id: string };
    const clock = new ManualClock('2026-03-10T12:00:00.000Z');
    const run = (client: MaestroClient, name: string, count = 1) =>
      client.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'MICRO', name, count });

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: quietConfig });
      admin = clockedClient(server.url, server.credentials, clock);
      await simulatedTenant(admin, { customer: 'held', tenant: T, region: R });
      tenant = await tenantId(server.maestro.db, T);
      rita = await userWithRole(server, admin, clock, { name: 'rita', customer: 'held', tenant: T, role: 'user' });
      abby = await userWithRole(server, admin, clock, { name: 'abby', customer: 'held', tenant: T, role: 'billing' });
      otto = await userWithRole(server, admin, clock, { name: 'otto', customer: 'held', tenant: T, role: 'admin' });
      await admin.quotas.setMonthly({ tenant: T, limit: 10, action: 'approval' });
      await spend(server.maestro.db, tenant, 10, { cloud: 'SIMULATED', region: R, day: '2026-03-01' });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('holds a run instead of creating anything, answering with the pending request', async () => {
      const held = await run(rita.client, 'held-web', 2);
      assert.deepEqual(held.instances, []);
      assert.equal(held.approval!.state, 'pending');
      assert.match(held.approval!.reason, /monthly cost quota of tenant HELD for all regions is 100% spent.*approval/);
      assert.equal((await admin.instances.describe({ tenant: T })).items.length, 0);
      const [pending] = (await rita.client.approvals.describe({ tenant: T, state: 'pending' })).items;
      assert.deepEqual(
        [pending!.id, pending!.command, pending!.requester, pending!.input.count, pending!.input.tenant],
        [held.approval!.id, 'instances.run', 'rita', 2, T],
      );
      const [requested] = await eventsOf(server.maestro.db, tenant, 'approval.requested');
      assert.equal(requested!.initiator.id, rita.id);
    });

    it('runs an approved request as its requester, once, and tells the requester', async () => {
      const [pending] = (await abby.client.approvals.describe({ tenant: T, state: 'pending' })).items;
      const approved = await abby.client.approvals.approve({ tenant: T, id: pending!.id, comment: 'fine this once' });
      assert.deepEqual([approved.state, approved.decidedBy, approved.comment], ['approved', 'abby', 'fine this once']);
      await waitForApproval(abby.client, T, pending!.id, 'executed');

      const { items } = await admin.instances.describe({ tenant: T });
      assert.deepEqual(items.map((i) => [i.name, i.owner]).sort(), [['held-web-1', 'rita'], ['held-web-2', 'rita']]);
      const launched = await eventsOf(server.maestro.db, tenant, 'instance.launched');
      for (const event of launched) {
        assert.equal(event.initiator.id, rita.id);
        assert.deepEqual(event.reason, { reasonType: 'maestro/approval', reasonCode: pending!.id });
      }
      const [approval, executed] = await eventsOf(server.maestro.db, tenant, 'approval.approved', 'approval.executed');
      assert.deepEqual([approval!.initiator.id, approval!.data.requesterId], [abby.id, rita.id]);
      assert.deepEqual([executed!.initiator.id, executed!.data.requesterId], [rita.id, rita.id]);

      await assert.rejects(abby.client.approvals.approve({ tenant: T, id: pending!.id }), failsWith('invalid_state', /already executed/));
      assert.deepEqual(await server.maestro.approvals.runOnce(), { executed: 0, failed: 0, retrying: 0 });
      assert.equal((await admin.instances.describe({ tenant: T })).items.length, 2);
    });

    it('drops a rejected request and tells the requester', async () => {
      const held = await run(rita.client, 'rejected');
      const rejected = await abby.client.approvals.reject({ tenant: T, id: held.approval!.id, comment: 'over budget' });
      assert.equal(rejected.state, 'rejected');
      await assert.rejects(abby.client.approvals.approve({ tenant: T, id: held.approval!.id }), failsWith('invalid_state', /already rejected/));
      assert.deepEqual(await server.maestro.approvals.runOnce(), { executed: 0, failed: 0, retrying: 0 });
      assert.ok(!(await admin.instances.describe({ tenant: T })).items.some((i) => i.name === 'rejected'));
      const [event] = (await eventsOf(server.maestro.db, tenant, 'approval.rejected')).filter((e) => e.targetId === held.approval!.id);
      assert.deepEqual([event!.data.requesterId, event!.data.comment], [rita.id, 'over budget']);
    });

    it('lets requesters withdraw their own requests but not approve them, unless they are system administrators', async () => {
      const own = await run(otto.client, 'own');
      await assert.rejects(otto.client.approvals.approve({ tenant: T, id: own.approval!.id }), failsWith('forbidden', /your own request/));
      assert.equal((await otto.client.approvals.reject({ tenant: T, id: own.approval!.id })).state, 'rejected');
      const admins = await run(admin, 'admins-own');
      assert.equal((await admin.approvals.approve({ tenant: T, id: admins.approval!.id })).state, 'approved');
      await waitForApproval(admin, T, admins.approval!.id, 'executed');
    });

    it('records a request refused when run as failed, with the reason', async () => {
      const held = await run(rita.client, 'too-late');
      await admin.users.removeRole({ name: 'rita', tenant: T });
      await abby.client.approvals.approve({ tenant: T, id: held.approval!.id });
      const failed = await waitForApproval(abby.client, T, held.approval!.id, 'failed');
      assert.match(failed.error!, /RUN_INSTANCE/);
      const [event] = await eventsOf(server.maestro.db, tenant, 'approval.failed');
      assert.deepEqual([event!.data.requesterId, event!.data.error], [rita.id, 'forbidden']);
      await admin.users.addRole({ name: 'rita', tenant: T, role: 'user' });
    });

    it('needs APPROVE_REQUEST to decide and DESCRIBE_APPROVAL to list', async () => {
      const held = await run(rita.client, 'undecided');
      await assert.rejects(rita.client.approvals.approve({ tenant: T, id: held.approval!.id }), failsWith('forbidden', /APPROVE_REQUEST/));
      await assert.rejects(rita.client.approvals.reject({ tenant: T, id: held.approval!.id }), failsWith('forbidden', /APPROVE_REQUEST/));
      await admin.roles.save({ customer: 'held', name: 'runner', groups: ['Resources_Management', 'Basic'] });
      const runner = await userWithRole(server, admin, clock, { name: 'nina', customer: 'held', tenant: T, role: 'runner' });
      await assert.rejects(runner.client.approvals.describe({ tenant: T }), failsWith('forbidden', /DESCRIBE_APPROVAL/));
      assert.equal((await abby.client.approvals.describe({ tenant: T, id: held.approval!.id })).items[0]!.state, 'pending');
    });

    it('rebuilds quotas, their thresholds and the approvals from the log as they were', async () => {
      await admin.quotas.setDaily({ tenant: T, region: R, instances: 50, ramGb: 64 });
      assert.equal((await server.maestro.quotas.evaluate([tenant])).thresholds, 1);
      const tables = quotaProjections.flatMap((projection) => projection.tables);
      const before = await snapshotTables(server.maestro.db, tables);
      assert.ok(Object.values(before).every((rows) => rows.length > 0), JSON.stringify(before));
      await admin.system.rebuild();
      assert.deepEqual(await snapshotTables(server.maestro.db, tables), before);
    });
  });
}
