import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { scheduleProjections } from '../../src/server/projections/schedules.js';
import { openPostgres } from '../../src/store/postgres.js';
import { failsWith, runningInstance, simulatedTenant, waitForState } from '../compute/setup.js';
import { clockedClient, eventsOf, quietConfig, tenantId, userWithRole } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { masterKeyOf, startTestServer, type TestServer } from '../support/server.js';
import { snapshotTables, startNode } from '../support/store-helpers.js';

const T = 'SCHEDULED';
const R = 'SIM-SCHED';
const reason = (scheduleId: string) => ({ reasonType: 'maestro/schedule', reasonCode: scheduleId });

for (const flavour of flavours) {
  describe(`instance schedules (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    let tenant: string;
    /** Creates schedules (role user). */
    let olga: { client: MaestroClient; id: string };
    /** Reads only (role readonly). */
    let rory: { client: MaestroClient; id: string };
    // Monday 2 March 2026; Berlin is on CET (UTC+1) until 29 March.
    const clock = new ManualClock('2026-03-02T07:00:00.000Z');
    const runDue = () => server.maestro.schedules.runDue();
    const instance = (name: string, tags?: Record<string, string>) => runningInstance(olga.client, T, R, name, tags);
    const executionsOf = async (name: string) => (await olga.client.schedules.describeExecutions({ tenant: T, name })).items;
    const outcomes = (execution: { instances: Array<{ name: string; outcome: string | null; message: string | null }> }) =>
      execution.instances.map((i) => [i.name, i.outcome, i.message]);

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({
        db: database.db,
        clock,
        // The timer stays out of the way: each test makes its passes with runDue.
        config: { ...quietConfig, stateSyncIntervalMs: 20, scheduleIntervalMs: 3_600_000 },
      });
      admin = clockedClient(server.url, server.credentials, clock);
      await simulatedTenant(admin, { customer: 'sched', tenant: T, region: R });
      tenant = await tenantId(server.maestro.db, T);
      olga = await userWithRole(server, admin, clock, { name: 'olga', customer: 'sched', tenant: T, role: 'user' });
      rory = await userWithRole(server, admin, clock, { name: 'rory', customer: 'sched', tenant: T, role: 'readonly' });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    describe('a stop schedule at 20:00 in Berlin', () => {
      let scheduleId: string;
      let byId: Instance;
      let byTag: Instance;
      let untouched: Instance;

      it('is created, attached by id and by tag, and listed with its next run', async () => {
        const created = await olga.client.schedules.create({
          tenant: T,
          name: 'evening-stop',
          cron: '0 20 * * *',
          timeZone: 'europe/berlin',
          action: 'stop',
          description: 'office hours',
        });
        scheduleId = created.id;
        assert.deepEqual(
          [created.timeZone, created.enabled, created.creator, created.nextRun, created.lastDue],
          ['Europe/Berlin', true, 'olga', '2026-03-02T19:00:00.000Z', null],
        );
        byId = await instance('by-id');
        byTag = await instance('by-tag', { Team: 'blue' });
        untouched = await instance('untouched', { team: 'red' });
        await olga.client.schedules.attach({ tenant: T, name: 'evening-stop', instanceIds: [byId.id] });
        // The simulated cloud compares tag names case-insensitively: team matches Team.
        const attached = await olga.client.schedules.attach({ tenant: T, name: 'evening-stop', tagKey: 'team', tagValue: 'BLUE' });
        assert.deepEqual([attached.instanceIds, attached.tags], [[byId.id], [{ key: 'team', value: 'BLUE' }]]);

        const { items } = await rory.client.schedules.describe({ tenant: T });
        assert.deepEqual(items.map((s) => [s.name, s.action, s.cron, s.nextRun]), [['evening-stop', 'stop', '0 20 * * *', '2026-03-02T19:00:00.000Z']]);
        await assert.rejects(
          olga.client.schedules.create({ tenant: T, name: 'evening-stop', cron: '0 8 * * *', action: 'start' }),
          failsWith('conflict', /already has a schedule named evening-stop/),
        );
        await assert.rejects(
          olga.client.schedules.create({ tenant: T, name: 'bad', cron: '0 25 * * *', action: 'start' }),
          failsWith('invalid_input', /cron '0 25 \* \* \*'/),
        );
        await assert.rejects(
          olga.client.schedules.attach({ tenant: T, name: 'evening-stop', instanceIds: ['00000000-0000-7000-8000-000000000000'] }),
          failsWith('not_found'),
        );
        assert.equal(await runDue().then((report) => report.executions), 0);
      });

      it('when due, stops the attached running instances as its creator, saying why', async () => {
        clock.set('2026-03-02T19:00:20.000Z');
        const report = await runDue();
        assert.deepEqual([report.executions, report.instances.done], [1, 2]);
        await waitForState(olga.client, T, [byId.id, byTag.id], 'stopped');
        assert.equal((await olga.client.instances.describe({ tenant: T, ids: [untouched.id] })).items[0]!.state, 'running');

        const stops = (await eventsOf(server.maestro.db, tenant, 'instance.stopRequested')).filter((e) => [byId.id, byTag.id].includes(e.targetId));
        assert.equal(stops.length, 2);
        for (const stop of stops) {
          assert.deepEqual([stop.initiator.id, stop.initiator.name], [olga.id, 'olga']);
          assert.deepEqual(stop.reason, reason(scheduleId));
        }
        const [started, executed] = await eventsOf(server.maestro.db, tenant, 'schedule.executionStarted', 'schedule.executed');
        for (const event of [started!, executed!]) {
          assert.equal(event.targetId, scheduleId);
          assert.deepEqual(event.reason, reason(scheduleId));
          assert.equal(event.data.dueAt, '2026-03-02T19:00:00.000Z');
        }

        const [execution] = await executionsOf('evening-stop');
        assert.deepEqual([execution!.state, execution!.dueAt, execution!.action], ['finished', '2026-03-02T19:00:00.000Z', 'stop']);
        assert.deepEqual(outcomes(execution!), [['by-id', 'done', null], ['by-tag', 'done', null]]);
        const [schedule] = (await olga.client.schedules.describe({ tenant: T, name: 'evening-stop' })).items;
        assert.deepEqual([schedule!.lastDue, schedule!.nextRun], ['2026-03-02T19:00:00.000Z', '2026-03-03T19:00:00.000Z']);
        // The due time has been run: another pass finds nothing.
        assert.equal((await runDue()).executions, 0);
      });

      it('picks instances tagged later, and skips those already stopped', async () => {
        const later = await instance('tagged-later');
        await olga.client.tags.set({ tenant: T, resourceId: later.id, tags: { TEAM: 'Blue' } });
        clock.set('2026-03-03T19:00:10.000Z');
        const report = await runDue();
        assert.deepEqual([report.executions, report.instances.done, report.instances.skipped], [1, 1, 2]);
        await waitForState(olga.client, T, [later.id], 'stopped');
        const [execution] = await executionsOf('evening-stop');
        assert.deepEqual(outcomes(execution!), [
          ['by-id', 'skipped', 'it is already stopped'],
          ['by-tag', 'skipped', 'it is already stopped'],
          ['tagged-later', 'done', null],
        ]);
      });

      it('acts no more on detached instances', async () => {
        await olga.client.instances.start({ tenant: T, id: byId.id });
        await waitForState(olga.client, T, [byId.id], 'running');
        await assert.rejects(
          olga.client.schedules.detach({ tenant: T, name: 'evening-stop', tagKey: 'team', tagValue: 'red' }),
          failsWith('invalid_input', /has no 'team=red' attached/),
        );
        const detached = await olga.client.schedules.detach({ tenant: T, name: 'evening-stop', instanceIds: [byId.id], tagKey: 'team', tagValue: 'BLUE' });
        assert.deepEqual([detached.instanceIds, detached.tags], [[], []]);
        clock.set('2026-03-04T19:00:10.000Z');
        assert.deepEqual((await runDue()).instances, { done: 0, skipped: 0, refused: 0, failed: 0 });
        assert.equal((await olga.client.instances.describe({ tenant: T, ids: [byId.id] })).items[0]!.state, 'running');
        await olga.client.schedules.attach({ tenant: T, name: 'evening-stop', instanceIds: [byId.id] });
      });

      it('does not run while disabled, nor, enabled again, what it missed meanwhile', async () => {
        const disabled = await olga.client.schedules.update({ tenant: T, name: 'evening-stop', enabled: false });
        assert.equal(disabled.nextRun, null);
        clock.set('2026-03-05T19:00:10.000Z');
        assert.equal((await runDue()).executions, 0);
        clock.set('2026-03-05T19:05:00.000Z');
        const enabled = await olga.client.schedules.update({ tenant: T, name: 'evening-stop', enabled: true });
        assert.equal(enabled.nextRun, '2026-03-06T19:00:00.000Z');
        clock.set('2026-03-05T19:05:30.000Z');
        assert.equal((await runDue()).executions, 0);
        assert.equal((await olga.client.instances.describe({ tenant: T, ids: [byId.id] })).items[0]!.state, 'running');
      });

      it('once deleted, is gone and runs no more, and its executions stay listed', async () => {
        await olga.client.schedules.delete({ tenant: T, name: 'evening-stop' });
        assert.deepEqual((await olga.client.schedules.describe({ tenant: T })).items, []);
        await assert.rejects(olga.client.schedules.describeExecutions({ tenant: T, name: 'evening-stop' }), failsWith('not_found'));
        clock.set('2026-03-06T19:00:10.000Z');
        assert.equal((await runDue()).executions, 0);
        const { items } = await olga.client.schedules.describeExecutions({ tenant: T });
        assert.deepEqual(
          items.map((e) => [e.schedule, e.dueAt]),
          [
            ['evening-stop', '2026-03-04T19:00:00.000Z'],
            ['evening-stop', '2026-03-03T19:00:00.000Z'],
            ['evening-stop', '2026-03-02T19:00:00.000Z'],
          ],
        );
      });
    });

    it('records an execution as refused when the creator lost the permission for its action', async () => {
      const pete = await userWithRole(server, admin, clock, { name: 'pete', customer: 'sched', tenant: T, role: 'user' });
      const vm = await instance('petes-vm');
      await pete.client.schedules.create({ tenant: T, name: 'petes-stop', cron: '0 6 * * *', action: 'stop' });
      await pete.client.schedules.attach({ tenant: T, name: 'petes-stop', instanceIds: [vm.id] });
      await admin.users.removeRole({ name: 'pete', tenant: T });
      await admin.users.addRole({ name: 'pete', tenant: T, role: 'readonly' });

      clock.set('2026-03-07T06:00:10.000Z');
      assert.deepEqual((await runDue()).instances, { done: 0, skipped: 0, refused: 1, failed: 0 });
      const [execution] = await executionsOf('petes-stop');
      assert.equal(execution!.instances[0]!.outcome, 'refused');
      assert.match(execution!.instances[0]!.message!, /STOP_INSTANCE/);
      assert.equal((await olga.client.instances.describe({ tenant: T, ids: [vm.id] })).items[0]!.state, 'running');
      // The refusal is audited as pete's, like any call of his.
      const [rejected] = (await eventsOf(server.maestro.db, tenant, 'command.rejected')).filter((e) => e.initiator.id === pete.id);
      assert.deepEqual([rejected!.data.command, rejected!.data.error], ['instances.stop', 'forbidden']);
      await admin.schedules.delete({ tenant: T, name: 'petes-stop' });
    });

    it('runs a due time once when passes come together (on two nodes with PostgreSQL)', async () => {
      const vm = await instance('raced');
      await olga.client.schedules.create({ tenant: T, name: 'raced-reboot', cron: '30 7 * * *', action: 'reboot' });
      await olga.client.schedules.attach({ tenant: T, name: 'raced-reboot', instanceIds: [vm.id] });
      clock.set('2026-03-07T07:30:05.000Z');
      const pool = database.url ? await openPostgres({ url: database.url, poolSize: 5 }) : null;
      const second = pool
        ? await startNode(pool, { clock, nodeName: 'node-2', config: { ...quietConfig, scheduleIntervalMs: 3_600_000, masterKey: masterKeyOf(server) } })
        : null;
      try {
        const elsewhere = () => (second ? second.maestro.schedules.runDue() : runDue());
        const reports = await Promise.all([runDue(), elsewhere(), runDue(), elsewhere()]);
        assert.equal(reports.reduce((sum, report) => sum + report.executions, 0), 1);
      } finally {
        await second?.close();
        await pool?.close();
      }
      assert.equal((await executionsOf('raced-reboot')).length, 1);
      const reboots = (await eventsOf(server.maestro.db, tenant, 'instance.rebootRequested')).filter((e) => e.targetId === vm.id);
      assert.equal(reboots.length, 1);
      await waitForState(olga.client, T, [vm.id], 'running');
      await olga.client.schedules.delete({ tenant: T, name: 'raced-reboot' });
    });

    it('after downtime runs only the latest missed due time, and nothing once it is older than the grace window', async () => {
      const vm = await instance('hourly');
      await olga.client.schedules.create({ tenant: T, name: 'hourly-reboot', cron: '0 * * * *', action: 'reboot' });
      await olga.client.schedules.attach({ tenant: T, name: 'hourly-reboot', instanceIds: [vm.id] });
      clock.set('2026-03-07T09:00:30.000Z');
      assert.equal((await runDue()).executions, 1);
      await waitForState(olga.client, T, [vm.id], 'running');
      // Down from 09:01 to 14:05: five due times were missed; only 14:00 runs.
      clock.set('2026-03-07T14:05:00.000Z');
      assert.equal((await runDue()).executions, 1);
      assert.equal((await runDue()).executions, 0);
      assert.deepEqual(
        (await executionsOf('hourly-reboot')).map((e) => e.dueAt),
        ['2026-03-07T14:00:00.000Z', '2026-03-07T09:00:00.000Z'],
      );
      await waitForState(olga.client, T, [vm.id], 'running');
      // Down from 14:06 to 17:20: the latest, 17:00, is older than the 15-minute grace window.
      clock.set('2026-03-07T17:20:00.000Z');
      assert.equal((await runDue()).executions, 0);
      assert.equal((await executionsOf('hourly-reboot')).length, 2);
      await olga.client.schedules.delete({ tenant: T, name: 'hourly-reboot' });
    });

    it('refuses changes to users without MANAGE_SCHEDULE, and shows schedules to those with DESCRIBE_SCHEDULE', async () => {
      await olga.client.schedules.create({ tenant: T, name: 'morning-start', cron: '0 8 * * 1-5', action: 'start' });
      const refusedFor = failsWith('forbidden', /MANAGE_SCHEDULE/);
      await assert.rejects(rory.client.schedules.create({ tenant: T, name: 'nope', cron: '0 8 * * *', action: 'start' }), refusedFor);
      await assert.rejects(rory.client.schedules.update({ tenant: T, name: 'morning-start', enabled: false }), refusedFor);
      await assert.rejects(rory.client.schedules.attach({ tenant: T, name: 'morning-start', tagKey: 'team' }), refusedFor);
      await assert.rejects(rory.client.schedules.detach({ tenant: T, name: 'morning-start', tagKey: 'team' }), refusedFor);
      await assert.rejects(rory.client.schedules.delete({ tenant: T, name: 'morning-start' }), refusedFor);
      assert.deepEqual((await rory.client.schedules.describe({ tenant: T })).items.map((s) => s.name), ['morning-start']);
      assert.ok(Array.isArray((await rory.client.schedules.describeExecutions({ tenant: T })).items));
      const rejected = (await eventsOf(server.maestro.db, tenant, 'command.rejected')).filter((e) => e.initiator.id === rory.id);
      assert.equal(rejected.length, 5);
    });

    it('refuses a schedule whose action its editor may not take, since it runs as its creator', async () => {
      await admin.permissions.saveGroup({ customer: 'sched', name: 'Schedules', actions: ['MANAGE_SCHEDULE', 'DESCRIBE_SCHEDULE'] });
      await admin.roles.save({ customer: 'sched', name: 'scheduler', groups: ['Resources_Management_ReadOnly', 'Basic', 'Schedules'] });
      const sam = await userWithRole(server, admin, clock, { name: 'sam', customer: 'sched', tenant: T, role: 'scheduler' });
      await assert.rejects(
        sam.client.schedules.create({ tenant: T, name: 'sams-stop', cron: '0 8 * * *', action: 'stop' }),
        failsWith('forbidden', /STOP_INSTANCE/),
      );
      await assert.rejects(sam.client.schedules.update({ tenant: T, name: 'morning-start', action: 'terminate' }), failsWith('forbidden', /START_INSTANCE|TERMINATE_INSTANCE/));
      await assert.rejects(sam.client.schedules.attach({ tenant: T, name: 'morning-start', tagKey: 'team' }), failsWith('forbidden', /START_INSTANCE/));
    });

    it('keeps schedules to their tenant', async () => {
      await simulatedTenant(admin, { customer: 'other', tenant: 'ELSEWHERE', region: 'SIM-ELSEWHERE' });
      const otto = await userWithRole(server, admin, clock, { name: 'otto', customer: 'other', tenant: 'ELSEWHERE', role: 'admin' });
      await assert.rejects(otto.client.schedules.describe({ tenant: T }), failsWith('forbidden'));
      await assert.rejects(otto.client.schedules.describeExecutions({ tenant: T }), failsWith('forbidden'));
      await assert.rejects(otto.client.schedules.delete({ tenant: T, name: 'morning-start' }), failsWith('forbidden'));
      assert.deepEqual((await otto.client.schedules.describe({ tenant: 'ELSEWHERE' })).items, []);
      // Another tenant's instance cannot be attached: it does not exist there.
      const [vm] = (await olga.client.instances.describe({ tenant: T })).items;
      await otto.client.schedules.create({ tenant: 'ELSEWHERE', name: 'morning-start', cron: '0 8 * * *', action: 'start' });
      await assert.rejects(otto.client.schedules.attach({ tenant: 'ELSEWHERE', name: 'morning-start', instanceIds: [vm!.id] }), failsWith('not_found'));
    });

    it('rebuilds schedules and executions from the log as they were', async () => {
      const tables = scheduleProjections.flatMap((projection) => projection.tables);
      const before = await snapshotTables(server.maestro.db, tables);
      assert.ok((before.schedule_executions ?? []).length >= 5);
      await admin.system.rebuild();
      assert.deepEqual(await snapshotTables(server.maestro.db, tables), before);
    });
  });
}
