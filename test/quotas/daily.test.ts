import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { failsWith, simulatedTenant, waitForState } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { clockedClient, eventsOf, quietConfig, refusalOf, tenantId, userWithRole } from './setup.js';

const HOUR = 3_600_000;
const R = 'SIM-DAILY';

for (const flavour of flavours) {
  describe(`daily resource quotas (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-03-10T12:00:00.000Z');
    const run = (tenant: string, shape: string, count = 1) => admin.instances.run({ tenant, region: R, image: 'ubuntu-24.04', shape, count });

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: quietConfig });
      admin = clockedClient(server.url, server.credentials, clock);
      await simulatedTenant(admin, { customer: 'daily', tenant: 'D-COUNT', region: R });
      await admin.tenants.create({ customer: 'daily', name: 'D-SIZE' });
      await admin.tenants.activateRegion({ tenant: 'D-SIZE', region: R });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('refuses the fourth instance of three in the window, saying what is used and when room frees up', async () => {
      const quota = await admin.quotas.setDaily({ tenant: 'D-COUNT', region: R, instances: 3 });
      assert.equal(quota.intervalHours, 24);
      const { instances } = await run('D-COUNT', 'MICRO', 2);
      clock.advance(HOUR);
      await run('D-COUNT', 'MICRO');
      await assert.rejects(
        run('D-COUNT', 'MICRO'),
        failsWith('limit_exceeded', /daily resource quota of tenant D-COUNT in region SIM-DAILY.*instances: 3 created in the last 24 h \+ 1 asked > limit 3; room frees up at 2026-03-11T12:00:00.000Z/),
      );
      // A creation quota: terminating does not give the room back.
      await waitForState(admin, 'D-COUNT', [instances[0]!.id], 'running');
      await admin.instances.terminate({ tenant: 'D-COUNT', id: instances[0]!.id });
      const refusal = await refusalOf(run('D-COUNT', 'MICRO'));
      assert.deepEqual(refusal.details, {
        quota: 'daily',
        tenant: 'D-COUNT',
        region: R,
        intervalHours: 24,
        exceeded: [{ dimension: 'instances', limit: 3, used: 3, asked: 1, freesAt: '2026-03-11T12:00:00.000Z' }],
      });
      const [described] = (await admin.quotas.describeDaily({ tenant: 'D-COUNT' })).items;
      assert.equal(described!.used.instances, 3);
    });

    it('allows creating again once the window has passed the earlier creations', async () => {
      clock.set('2026-03-11T12:00:00.000Z');
      // The first two left the window; the third (an hour younger) still counts.
      await run('D-COUNT', 'MICRO', 2);
      await assert.rejects(run('D-COUNT', 'MICRO'), failsWith('limit_exceeded', /room frees up at 2026-03-11T13:00:00.000Z/));
      clock.set('2026-03-11T13:00:00.000Z');
      await run('D-COUNT', 'MICRO');
      const [described] = (await admin.quotas.describeDaily({ tenant: 'D-COUNT', region: R })).items;
      assert.deepEqual([described!.used.instances, described!.windowStart], [3, '2026-03-10T13:00:00.000Z']);
    });

    it('limits the CPUs and RAM of instances, and the number and size of volumes', async () => {
      await admin.quotas.setDaily({ tenant: 'D-SIZE', region: R, intervalHours: 12, cpu: 3, ramGb: 6, volumes: 2, storageGb: 100 });
      await run('D-SIZE', 'MEDIUM'); // 2 CPUs, 4 GB
      const refusal = await refusalOf(run('D-SIZE', 'MEDIUM'));
      assert.equal(refusal.kind, 'limit_exceeded');
      assert.deepEqual(refusal.details!.exceeded, [
        { dimension: 'cpu', limit: 3, used: 2, asked: 2, freesAt: '2026-03-12T01:00:00.000Z' },
        { dimension: 'ramGb', limit: 6, used: 4, asked: 4, freesAt: '2026-03-12T01:00:00.000Z' },
      ]);
      await run('D-SIZE', 'SMALL'); // 1 CPU, 2 GB: exactly the limits
      await assert.rejects(run('D-SIZE', 'MICRO'), failsWith('limit_exceeded', /cpu: 3 created in the last 12 h \+ 1 asked > limit 3; .*; ramGb: 6 created in the last 12 h \+ 0.5 asked > limit 6/));

      const volume = await admin.volumes.create({ tenant: 'D-SIZE', region: R, name: 'big', sizeGb: 60 });
      await assert.rejects(
        admin.volumes.create({ tenant: 'D-SIZE', region: R, name: 'too-big', sizeGb: 50 }),
        failsWith('limit_exceeded', /storageGb: 60 created in the last 12 h \+ 50 asked > limit 100; room frees up at 2026-03-12T01:00:00.000Z/),
      );
      await admin.volumes.create({ tenant: 'D-SIZE', region: R, name: 'fits', sizeGb: 40 });
      // Deleted volumes still count: they were created in the window.
      await admin.volumes.delete({ tenant: 'D-SIZE', id: volume.id });
      await assert.rejects(admin.volumes.create({ tenant: 'D-SIZE', region: R, name: 'third', sizeGb: 1 }), failsWith('limit_exceeded', /volumes: 2 created in the last 12 h \+ 1 asked > limit 2/));

      const [described] = (await admin.quotas.describeDaily({ tenant: 'D-SIZE' })).items;
      assert.deepEqual(described!.limits, { instances: null, cpu: 3, ramGb: 6, volumes: 2, storageGb: 100 });
      assert.deepEqual(described!.used, { instances: 2, cpu: 3, ramGb: 6, volumes: 2, storageGb: 100 });
    });

    it('is changed only with UPDATE_QUOTA, read with DESCRIBE_QUOTA, and every change is audited', async () => {
      const user = await userWithRole(server, admin, clock, { name: 'dora', customer: 'daily', tenant: 'D-SIZE', role: 'user' });
      await assert.rejects(user.client.quotas.setDaily({ tenant: 'D-SIZE', region: R, instances: 100 }), failsWith('forbidden', /UPDATE_QUOTA/));
      await assert.rejects(user.client.quotas.deleteDaily({ tenant: 'D-SIZE', region: R }), failsWith('forbidden', /UPDATE_QUOTA/));
      assert.equal((await user.client.quotas.describeDaily({ tenant: 'D-SIZE' })).items.length, 1);

      await admin.quotas.deleteDaily({ tenant: 'D-SIZE', region: R });
      await assert.rejects(admin.quotas.deleteDaily({ tenant: 'D-SIZE', region: R }), failsWith('not_found'));
      await run('D-SIZE', 'LARGE');
      const id = await tenantId(server.maestro.db, 'D-SIZE');
      const changes = (await eventsOf(server.maestro.db, id, 'quota.dailySet', 'quota.dailyDeleted', 'command.rejected')).filter(
        (event) => event.type !== 'command.rejected' || String(event.data.command).startsWith('quotas.'),
      );
      assert.deepEqual(
        changes.map((event) => [event.type, event.initiator.name, event.type === 'command.rejected' ? event.data.command : event.data.intervalHours ?? null]),
        [
          ['quota.dailySet', 'admin', 12],
          ['command.rejected', 'dora', 'quotas.setDaily'],
          ['command.rejected', 'dora', 'quotas.deleteDaily'],
          ['quota.dailyDeleted', 'admin', null],
          ['command.rejected', 'admin', 'quotas.deleteDaily'],
        ],
      );
    });
  });
}
