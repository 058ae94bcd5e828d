import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import type { EventReason, Initiator } from '../../src/protocol/events.js';
import type { Actor } from '../../src/server/actor.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { startNode, type TestNode } from '../support/store-helpers.js';

const T = 'LIMITED';
const R = 'SIM-LIMITS';
const MINUTE = 60_000;

interface LoggedEvent {
  type: string;
  initiator: Initiator;
  reason: EventReason | null;
  data: Record<string, unknown>;
}

/** Waits until the instance reaches the state (the state sync completes transitions on its timer). */
async function waitForState(call: Call, id: string, state: string): Promise<Instance> {
  let seen: string | undefined;
  return eventually(
    async () => {
      const { items } = (await call('instances.describe', { tenant: T, ids: [id] })) as { items: Instance[] };
      seen = items[0]?.state;
      return items[0]?.state === state && items[0];
    },
    () => `instance ${id} to become ${state}; it is ${seen}`,
  );
}

type Call = (method: string, params: unknown) => Promise<unknown>;

for (const flavour of flavours) {
  describe(`instance time limits (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    let node: TestNode;
    let call: Call;
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');
    // The timer stays out of the way: each test makes its passes with runOnce.
    const config = { simLatencyMs: 0, stateSyncIntervalMs: 20, timeLimitIntervalMs: 3_600_000 };
    const inMinutes = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE).toISOString();
    const pass = () => node.maestro.timeLimits.runOnce();

    const run = async (name: string, extra: Record<string, unknown>): Promise<Instance> => {
      const { instances } = (await call('instances.run', { tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', name, ...extra })) as {
        instances: Instance[];
      };
      return waitForState(call, instances[0]!.id, 'running');
    };
    const describeOne = async (id: string) => ((await call('instances.describe', { tenant: T, ids: [id] })) as { items: Instance[] }).items[0]!;
    const eventsOf = async (db: Database, id: string): Promise<LoggedEvent[]> =>
      (
        await db.query<LoggedEvent>(
          `SELECT type, initiator, reason, data FROM event_log WHERE target_id = $1 AND type <> 'instance.stateChanged' ORDER BY seq`,
          [id],
        )
      ).rows;

    before(async () => {
      t = await flavour.open();
      node = await startNode(t.db, { clock, config });
      const actor: Actor = node.adminActor!;
      call = (method, params) => node.maestro.dispatcher.call(method, params, { actor });
      await call('customers.create', { name: 'limits' });
      await call('tenants.create', { customer: 'limits', name: T });
      await call('regions.create', { name: R, cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-limits' });
      await call('tenants.activateRegion', { tenant: T, region: R });
    });
    after(async () => {
      await node?.close();
      await t?.close();
    });

    it('does nothing before the time', async () => {
      const vm = await run('patient', { stopAfter: inMinutes(60), terminateAfter: inMinutes(120) });
      assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 0, failed: 0 });
      clock.advance(59 * MINUTE);
      assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 0, failed: 0 });
      const now = await describeOne(vm.id);
      assert.equal(now.state, 'running');
      assert.equal(now.stopAfter, vm.stopAfter);
      assert.equal(now.terminateAfter, vm.terminateAfter);
      await call('instances.terminate', { tenant: T, id: vm.id });
    });

    it('stops an instance when its stopAfter passes, as Maestro, saying why, and clears the limit', async () => {
      const vm = await run('stop-me', { stopAfter: inMinutes(30) });
      clock.advance(31 * MINUTE);
      assert.deepEqual(await pass(), { acted: 1, skipped: 0, waiting: 0, failed: 0 });
      const stopped = await waitForState(call, vm.id, 'stopped');
      assert.equal(stopped.stopAfter, null);

      const events = await eventsOf(t.db, vm.id);
      const [requested, reached] = events.slice(-2);
      assert.equal(requested!.type, 'instance.stopRequested');
      assert.equal(reached!.type, 'instance.timeLimitReached');
      for (const event of [requested!, reached!]) {
        assert.deepEqual([event.initiator.id, event.initiator.name], ['system:time-limits', 'time-limits']);
        assert.deepEqual(event.reason, { reasonType: 'maestro/time-limit', reasonCode: 'stopAfter-passed' });
      }
      assert.deepEqual(reached!.data, { id: vm.id, limit: 'stopAfter', at: vm.stopAfter, outcome: 'stopped', detail: null });
      // Nothing was left for a second pass.
      assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 0, failed: 0 });
    });

    it('fires once: an instance started again after its stopAfter keeps running', async () => {
      const vm = await run('restarted', { stopAfter: inMinutes(10) });
      clock.advance(11 * MINUTE);
      await pass();
      await waitForState(call, vm.id, 'stopped');
      await call('instances.start', { tenant: T, id: vm.id });
      await waitForState(call, vm.id, 'running');
      clock.advance(60 * MINUTE);
      assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 0, failed: 0 });
      assert.equal((await describeOne(vm.id)).state, 'running');
      const stops = (await eventsOf(t.db, vm.id)).filter((e) => e.type === 'instance.stopRequested');
      assert.equal(stops.length, 1);
    });

    it('leaves an instance that is already stopped as it is, records why, and clears the limit', async () => {
      const vm = await run('stopped-early', { stopAfter: inMinutes(10) });
      await call('instances.stop', { tenant: T, id: vm.id });
      await waitForState(call, vm.id, 'stopped');
      clock.advance(11 * MINUTE);
      assert.deepEqual(await pass(), { acted: 0, skipped: 1, waiting: 0, failed: 0 });
      const reached = (await eventsOf(t.db, vm.id)).at(-1)!;
      assert.equal(reached.type, 'instance.timeLimitReached');
      assert.deepEqual(reached.data, { id: vm.id, limit: 'stopAfter', at: vm.stopAfter, outcome: 'skipped', detail: 'it is stopped' });
      assert.equal((await describeOne(vm.id)).stopAfter, null);
      // Started later, it is not stopped by the limit that already passed.
      await call('instances.start', { tenant: T, id: vm.id });
      await waitForState(call, vm.id, 'running');
      assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 0, failed: 0 });
    });

    it('waits for an instance between states, and acts once it settles', async () => {
      const vm = await run('busy', { stopAfter: inMinutes(10) });
      await call('simulator.configure', { region: R, latencyMs: 3_600_000 });
      try {
        await call('instances.reboot', { tenant: T, id: vm.id });
        clock.advance(11 * MINUTE);
        assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 1, failed: 0 });
        assert.equal((await describeOne(vm.id)).stopAfter, vm.stopAfter);
      } finally {
        await call('simulator.configure', { region: R, latencyMs: 0 });
      }
      clock.advance(60 * MINUTE);
      await waitForState(call, vm.id, 'running');
      assert.deepEqual(await pass(), { acted: 1, skipped: 0, waiting: 0, failed: 0 });
      await waitForState(call, vm.id, 'stopped');
    });

    it('terminates an instance when its terminateAfter passes', async () => {
      const vm = await run('short-lived', { terminateAfter: inMinutes(5) });
      clock.advance(5 * MINUTE);
      assert.deepEqual(await pass(), { acted: 1, skipped: 0, waiting: 0, failed: 0 });
      await waitForState(call, vm.id, 'terminated');
      const [requested, reached] = (await eventsOf(t.db, vm.id)).slice(-2);
      assert.equal(requested!.type, 'instance.terminateRequested');
      assert.deepEqual(requested!.reason, { reasonType: 'maestro/time-limit', reasonCode: 'terminateAfter-passed' });
      assert.deepEqual(reached!.data, { id: vm.id, limit: 'terminateAfter', at: vm.terminateAfter, outcome: 'terminated', detail: null });
    });

    it('does not terminate an instance with termination protection, and records why', async () => {
      const vm = await run('protected', { terminateAfter: inMinutes(5), terminationProtection: true });
      clock.advance(6 * MINUTE);
      assert.deepEqual(await pass(), { acted: 0, skipped: 1, waiting: 0, failed: 0 });
      const now = await describeOne(vm.id);
      assert.deepEqual([now.state, now.terminateAfter], ['running', null]);
      const reached = (await eventsOf(t.db, vm.id)).at(-1)!;
      assert.deepEqual(reached.data, {
        id: vm.id,
        limit: 'terminateAfter',
        at: vm.terminateAfter,
        outcome: 'skipped',
        detail: 'termination protection is on',
      });
      assert.deepEqual(reached.reason, { reasonType: 'maestro/time-limit', reasonCode: 'terminateAfter-passed' });
      // The limit fired: turning protection off later does not terminate the instance.
      await call('instances.setTerminationProtection', { tenant: T, id: vm.id, enabled: false });
      assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 0, failed: 0 });
      assert.equal((await describeOne(vm.id)).state, 'running');
    });

    it('logs a call that fails and tries it again on the next pass, not before', async () => {
      const vm = await run('flaky', { stopAfter: inMinutes(5) });
      await call('simulator.injectFault', { region: R, operation: 'stop', kind: 'error', message: 'hypervisor busy' });
      clock.advance(6 * MINUTE);
      assert.deepEqual(await pass(), { acted: 0, skipped: 0, waiting: 0, failed: 1 });
      const still = await describeOne(vm.id);
      assert.deepEqual([still.state, still.stopAfter], ['running', vm.stopAfter]);
      assert.deepEqual(await pass(), { acted: 1, skipped: 0, waiting: 0, failed: 0 });
      await waitForState(call, vm.id, 'stopped');
    });

    it('fires each limit once when passes run at the same time (on two nodes with PostgreSQL)', async () => {
      let secondDb: Database | null = null;
      let second: TestNode | null = null;
      try {
        if (flavour.name === 'postgres') {
          // Another process's view of the same database: its own pool, its own executor.
          secondDb = await openPostgres({ url: t.url!, poolSize: 5 });
          second = await startNode(secondDb, { clock, config, nodeName: 'node-b' });
        }
        const vms = await Promise.all(['race-1', 'race-2', 'race-3', 'race-4'].map((name) => run(name, { stopAfter: inMinutes(1) })));
        clock.advance(2 * MINUTE);
        const executors = [node.maestro.timeLimits, (second ?? node).maestro.timeLimits];
        const reports = await Promise.all([...executors, ...executors].map((executor) => executor.runOnce()));
        assert.equal(reports.reduce((sum, report) => sum + report.acted, 0), vms.length);
        assert.equal(reports.reduce((sum, report) => sum + report.failed, 0), 0);
        for (const vm of vms) {
          const events = await eventsOf(t.db, vm.id);
          assert.equal(events.filter((e) => e.type === 'instance.stopRequested').length, 1, `stopped once: ${vm.name}`);
          assert.equal(events.filter((e) => e.type === 'instance.timeLimitReached').length, 1, `recorded once: ${vm.name}`);
          await waitForState(call, vm.id, 'stopped');
        }
      } finally {
        await second?.close();
        await secondDb?.close();
      }
    });

    it('rebuilds the instances from the log with the limits cleared', async () => {
      const snapshot = async () =>
        (await t.db.query('SELECT id, state, stop_after, terminate_after FROM instances ORDER BY id')).rows;
      const live = await snapshot();
      await node.maestro.services.rebuild();
      assert.deepEqual(await snapshot(), live);
    });
  });
}

describe('the time-limit executor on its timer', () => {
  it('acts without being asked, every configured interval', async () => {
    const flavour = flavours[0]!;
    const t = await flavour.open();
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');
    const node = await startNode(t.db, { clock, config: { simLatencyMs: 0, stateSyncIntervalMs: 20, timeLimitIntervalMs: 20 } });
    try {
      const actor = node.adminActor!;
      const call: Call = (method, params) => node.maestro.dispatcher.call(method, params, { actor });
      await call('customers.create', { name: 'limits' });
      await call('tenants.create', { customer: 'limits', name: T });
      await call('regions.create', { name: R, cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-limits' });
      await call('tenants.activateRegion', { tenant: T, region: R });
      const stopAfter = new Date(clock.now().getTime() + MINUTE).toISOString();
      const { instances } = (await call('instances.run', { tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', stopAfter })) as {
        instances: Instance[];
      };
      await waitForState(call, instances[0]!.id, 'running');
      clock.advance(MINUTE);
      const stopped = await waitForState(call, instances[0]!.id, 'stopped');
      assert.equal(stopped.stopAfter, null);
    } finally {
      await node.close();
      await t.close();
    }
  });
});
