import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { systemClock } from '../../src/domain/clock.js';
import { targetTypes } from '../../src/protocol/cadf.js';
import { defineEvent } from '../../src/protocol/events.js';
import { loginApproved } from '../../src/protocol/events/login.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { createClient } from '../../src/sdk/client.js';
import { simulatedTenant, waitForState } from '../compute/setup.js';
import { quietConfig } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, notificationsOf, recordEvent } from './setup.js';

/** The job engine's event, as it records it (defined there; notifications read it by type). */
const jobFailed = defineEvent('job.failed', {
  action: 'update',
  target: targetTypes.job,
  data: z.object({ id: z.string(), type: z.string(), attempts: z.number().int(), recurring: z.string().nullable(), error: z.string() }),
});
/** A job.failed from some other version, with data notifications cannot read. */
const garbledJobFailed = defineEvent('job.failed', { action: 'update', target: targetTypes.job, data: z.object({ what: z.string() }) });

for (const flavour of flavours) {
  describe(`notification triggers (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let rita: MaestroClient;
    let ritaId: string;

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, config: quietConfig });
      await simulatedTenant(server.admin, { customer: 'trig', tenant: 'TRIG', region: 'SIM-TRIG' });
      ritaId = (await server.admin.users.create({ name: 'rita', customer: 'trig' })).id;
      await server.admin.users.addRole({ name: 'rita', tenant: 'TRIG', role: 'user' });
      rita = createClient({ url: server.url, ...(await server.admin.keys.create({ user: 'rita' })) });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('tells an instance’s owner of each state it reaches', async () => {
      const [launched] = (await rita.instances.run({ tenant: 'TRIG', region: 'SIM-TRIG', image: 'ubuntu-24.04', shape: 'MICRO', name: 'web-1' })).instances;
      await waitForState(rita, 'TRIG', [launched!.id], 'running');
      await rita.instances.stop({ tenant: 'TRIG', id: launched!.id });
      await waitForState(rita, 'TRIG', [launched!.id], 'stopped');
      const items = await notificationsOf(rita, 'instanceStateChanged', 2);
      const states = items.map((n) => [n.data.previous, n.data.state]);
      assert.deepEqual(states.slice(0, 2), [['stopping', 'stopped'], ['pending', 'running']]);
      assert.equal(items[0]!.subject, 'Instance web-1 is stopped');
      assert.deepEqual(items[0]!.data.instance, { id: launched!.id, name: 'web-1', region: 'SIM-TRIG' });
      assert.deepEqual((await server.admin.notifications.describe({ type: 'instanceStateChanged' })).items, [], 'only the owner is told');
    });

    it('tells system administrators of a job that failed for good, and skips events it cannot read', async () => {
      const job = { id: crypto.randomUUID(), type: 'billing.hourly', attempts: 5, recurring: 'billing.hourly', error: 'the database was unavailable' };
      await recordEvent(server.maestro, systemClock, garbledJobFailed, { what: 'not a job' }, { target: { id: 'x' } });
      await recordEvent(server.maestro, systemClock, jobFailed, job, { target: { id: job.id, name: job.type } });
      const [failed] = await notificationsOf(server.admin, 'jobFailed');
      assert.equal(failed!.subject, 'Job billing.hourly failed');
      assert.equal(failed!.text, `Job billing.hourly (${job.id}) failed for good after 5 attempts: the database was unavailable`);
      assert.deepEqual((await server.admin.notifications.describe({ type: 'jobFailed' })).items.length, 1, 'the unreadable one was skipped');
      assert.deepEqual((await rita.notifications.describe({ type: 'jobFailed' })).items, []);
    });

    it('tells a user their login was approved', async () => {
      const login = { userId: ritaId, approverId: null, approverName: 'otto', address: null };
      await recordEvent(server.maestro, systemClock, loginApproved, login, { target: { id: ritaId, name: 'rita' } });
      const [told] = await notificationsOf(rita, 'loginApproved');
      assert.equal(told!.text, `otto approved your login at ${told!.createdAt}.`);
    });

    it('notifies each event once, however often the relay runs', async () => {
      const count = async () => (await server.maestro.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications')).rows[0]!.n;
      const before = await eventually(count, 'notifications');
      server.maestro.relay.wake();
      server.maestro.relay.wake();
      await server.maestro.relay.idle();
      const { rows } = await server.maestro.db.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT event_id FROM notifications GROUP BY event_id, type HAVING count(*) > 1) d');
      assert.deepEqual([await count(), rows[0]!.n], [before, 0]);
    });
  });
}
