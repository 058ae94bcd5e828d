import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { clockedClient, quietConfig, spend, tenantId } from './setup.js';

for (const flavour of flavours) {
  describe(`monthly quota notifications (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let tina: MaestroClient;
    const clock = new ManualClock('2026-03-10T12:00:00.000Z');

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, clock, config: quietConfig });
      const admin = clockedClient(server.url, server.credentials, clock);
      await admin.customers.create({ name: 'leap' });
      await admin.tenants.create({ customer: 'leap', name: 'leap-dev' });
      // A customer administrator: one of the tenant's administrators, who are told of its quotas.
      await admin.users.create({ name: 'tina', customer: 'leap' });
      await admin.users.addCustomerRole({ name: 'tina', role: 'admin' });
      tina = clockedClient(server.url, await admin.keys.create({ user: 'tina' }), clock);
      await admin.quotas.setMonthly({ tenant: 'leap-dev', limit: 1, notifyAtPercent: 80, action: 'deny' });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('says what share of the limit is spent and which threshold it crossed, when spending jumps past several at once', async () => {
      const id = await tenantId(server.maestro.db, 'leap-dev');
      // Nothing, then 8.35 against a limit of 1: 80% and 100% are crossed in one evaluation.
      await spend(server.maestro.db, id, 8.35, { cloud: 'SIMULATED', region: 'SIM-LEAP', day: '2026-03-09' });
      assert.equal((await server.maestro.quotas.evaluate([id])).thresholds, 2);
      server.maestro.relay.wake();
      await server.maestro.relay.idle();

      const { items } = await tina.notifications.describe({ type: 'quotaThresholdReached' });
      const told = items
        .map((n) => ({ subject: n.subject, text: n.text, threshold: n.data.threshold, percent: n.data.percent, priority: n.priority }))
        .sort((a, b) => Number(a.threshold) - Number(b.threshold));
      const spent = 'Tenant LEAP-DEV has spent 8.35 USD in 2026-03, 835% of its monthly limit of 1.00 USD for all regions';
      assert.deepEqual(told, [
        {
          subject: 'Tenant LEAP-DEV has spent 835% of its monthly quota (past the 80% threshold)',
          text: `${spent}: past the 80% threshold. The limit is reached: the quota's action (deny) applies.`,
          threshold: 80,
          percent: 835,
          priority: 'high',
        },
        {
          subject: 'Tenant LEAP-DEV has spent 835% of its monthly quota (past the 100% threshold)',
          text: `${spent}: past the 100% threshold. The limit is reached: the quota's action (deny) applies.`,
          threshold: 100,
          percent: 835,
          priority: 'high',
        },
      ]);
    });
  });
}
