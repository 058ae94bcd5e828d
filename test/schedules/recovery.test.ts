import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { EventWriter } from '../../src/server/event-writer.js';
import { createLogger } from '../../src/server/logger.js';
import { eventDefinitions, projections } from '../../src/server/projections/index.js';
import { claimDue, finish, perform, type Claim, type SchedulerDeps } from '../../src/server/schedules/execution.js';
import { LeaseLost } from '../../src/server/schedules/leases.js';
import { runningInstance, simulatedTenant } from '../compute/setup.js';
import { clockedClient, eventsOf, quietConfig, tenantId, userWithRole } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const T = 'RECOVERED';
const R = 'SIM-RECOVER';
const LEASE_MS = 60_000;

for (const flavour of flavours) {
  describe(`schedule executions interrupted by a node's death (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let olga: { client: MaestroClient; id: string };
    let tenant: string;
    const clock = new ManualClock('2026-03-02T21:00:00.000Z');
    const runDue = () => server.maestro.schedules.runDue();
    const executionsOf = async (name: string) => (await olga.client.schedules.describeExecutions({ tenant: T, name })).items;

    /**
     * Another node on the same database that claims a due time, acts on some of its instances and
     * then dies without recording the execution: its writer, dispatcher and lease are real.
     */
    let doomed: SchedulerDeps;

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({
        db: database.db,
        clock,
        config: { ...quietConfig, stateSyncIntervalMs: 20, scheduleIntervalMs: 3_600_000, scheduleLeaseMs: LEASE_MS },
      });
      const admin = clockedClient(server.url, server.credentials, clock);
      await simulatedTenant(admin, { customer: 'recover', tenant: T, region: R });
      tenant = await tenantId(server.maestro.db, T);
      olga = await userWithRole(server, admin, clock, { name: 'olga', customer: 'recover', tenant: T, role: 'user' });
      const { maestro } = server;
      doomed = {
        db: maestro.db,
        writer: new EventWriter(maestro.db, projections, maestro.bus, clock, eventDefinitions),
        dispatcher: maestro.dispatcher,
        clouds: maestro.services.clouds,
        logger: createLogger('silent'),
        clock,
        nodeName: 'doomed-node',
        graceMs: 900_000,
        leaseMs: LEASE_MS,
      };
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    /** A stop schedule on three running instances, due at `at`; the doomed node claims it then. */
    async function claimedByTheDoomedNode(name: string, at: string): Promise<{ claim: Claim; ids: string[] }> {
      const vms = await Promise.all(['a', 'b', 'c'].map((suffix) => runningInstance(olga.client, T, R, `${name}-${suffix}`)));
      const [hour, minute] = [new Date(at).getUTCHours(), new Date(at).getUTCMinutes()];
      await olga.client.schedules.create({ tenant: T, name, cron: `${minute} ${hour} * * *`, action: 'stop' });
      await olga.client.schedules.attach({ tenant: T, name, instanceIds: vms.map((vm) => vm.id) });
      clock.set(new Date(new Date(at).getTime() + 5_000));
      const [schedule] = (await olga.client.schedules.describe({ tenant: T, name })).items;
      const claim = await claimDue(doomed, schedule!.id, clock.now());
      assert.ok(claim, 'the doomed node claims the due time');
      return { claim, ids: vms.map((vm) => vm.id).sort() };
    }

    const stopsOf = async (id: string) => (await eventsOf(server.maestro.db, tenant, 'instance.stopRequested')).filter((e) => e.targetId === id);

    it('finishes the execution once the lease has run out, acting only on the instances not yet acted on', async () => {
      const { claim, ids } = await claimedByTheDoomedNode('night-stop', '2026-03-02T22:00:00.000Z');
      // The doomed node stops the first instance, then dies before stopping the others or recording anything.
      await perform(doomed, { ...claim, targets: claim.targets.slice(0, 1) });
      assert.deepEqual((await executionsOf('night-stop')).map((e) => e.state), ['running']);

      // Within the lease the execution is the doomed node's: a pass leaves it alone.
      clock.set('2026-03-02T22:00:50.000Z');
      assert.equal((await runDue()).recovered, 0);
      assert.deepEqual((await executionsOf('night-stop')).map((e) => e.state), ['running']);

      // After it, this node finishes it: the first instance counts as done, the others are stopped now.
      clock.set('2026-03-02T22:01:10.000Z');
      const report = await runDue();
      assert.equal(report.recovered, 1);
      const [execution] = await executionsOf('night-stop');
      assert.equal(execution!.state, 'finished');
      assert.deepEqual(
        execution!.instances.map((i) => [i.id, i.outcome]).sort(),
        ids.map((id) => [id, 'done']),
      );
      for (const id of ids) assert.equal((await stopsOf(id)).length, 1, `instance ${id} was stopped once`);
      const [executed] = await eventsOf(server.maestro.db, tenant, 'schedule.executed');
      assert.equal(executed!.data.takenOverFrom, 'doomed-node');

      // The doomed node comes back to life: it may neither act nor record any more.
      await assert.rejects(perform(doomed, claim), LeaseLost);
      await assert.rejects(finish(doomed, claim, []), LeaseLost);
      assert.equal((await eventsOf(server.maestro.db, tenant, 'schedule.executed')).length, 1);
      assert.equal((await runDue()).recovered, 0, 'a finished execution is not taken over again');
    });

    it('records the instances not yet acted on as failed once the due time is past its grace window', async () => {
      const { claim, ids } = await claimedByTheDoomedNode('late-stop', '2026-03-02T23:00:00.000Z');
      await perform(doomed, { ...claim, targets: claim.targets.slice(0, 1) });
      // Nobody looks until 23:30: the lease ran out long ago, and the due time is 30 minutes old.
      clock.set('2026-03-02T23:30:00.000Z');
      assert.equal((await runDue()).recovered, 1);
      const [execution] = await executionsOf('late-stop');
      assert.equal(execution!.state, 'finished');
      const byId = new Map(execution!.instances.map((i) => [i.id, i]));
      const first = claim.targets[0]!.id;
      assert.equal(byId.get(first)!.outcome, 'done');
      for (const id of ids.filter((id) => id !== first)) {
        assert.equal(byId.get(id)!.outcome, 'failed');
        assert.match(byId.get(id)!.message!, /not run: node doomed-node stopped during the execution and the due time is past its grace window/);
        assert.equal((await stopsOf(id)).length, 0, 'not stopped');
      }
    });
  });
}
