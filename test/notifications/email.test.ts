import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { simulatedTenant } from '../compute/setup.js';
import { clockedClient, quietConfig, spend, tenantId } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { deliveriesOf, eventually, mailConfig, notificationsOf, startMailServer, type MailServer } from './setup.js';

const T = 'MAIL';
const R = 'SIM-MAIL';
const RETRY_MS = 60_000;

for (const flavour of flavours) {
  describe(`notifications by e-mail over SMTP (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let mail: MailServer;
    let server: TestServer;
    let admin: MaestroClient;
    const clock = new ManualClock('2026-03-10T12:00:00.000Z');
    /** Runs instances (role user). */
    let rita: MaestroClient;
    /** Approves (role billing). */
    let abby: MaestroClient;
    /** Tenant administrator (role admin): approves too, and hears of quotas. */
    let otto: MaestroClient;
    const address = (name: string) => `${name}@example.test`;
    const member = async (name: string, role: string) => {
      await admin.users.create({ name, customer: 'mailco', email: address(name) });
      await admin.users.addRole({ name, tenant: T, role });
      return clockedClient(server.url, await admin.keys.create({ user: name }), clock);
    };
    const held = async () => (await rita.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'MICRO' })).approval!.id;
    const mailsTo = (name: string, subject: RegExp, count = 1) =>
      eventually(() => {
        const found = mail.to(address(name)).filter((m) => subject.test(m.subject));
        return found.length >= count ? found : null;
      }, `${count} mail(s) to ${name} about ${subject}`);

    before(async () => {
      database = await flavour.open();
      mail = await startMailServer();
      server = await startTestServer({
        db: database.db,
        clock,
        config: { ...quietConfig, ...mailConfig(mail), notificationRetryMs: RETRY_MS, notificationMaxAttempts: 3 },
      });
      admin = clockedClient(server.url, server.credentials, clock);
      await simulatedTenant(admin, { customer: 'mailco', tenant: T, region: R });
      await admin.tenants.update({ name: T, contacts: ['finance@example.test'] });
      rita = await member('rita', 'user');
      abby = await member('abby', 'billing');
      otto = await member('otto', 'admin');
      await admin.quotas.setMonthly({ tenant: T, limit: 10, notifyAtPercent: 50, action: 'approval' });
      await spend(server.maestro.db, await tenantId(server.maestro.db, T), 10, { cloud: 'SIMULATED', region: R, day: '2026-03-01' });
    });
    after(async () => {
      await server?.close();
      await mail?.close();
      await database?.close();
    });

    it('tells the tenant contacts and administrators that a monthly quota reached its thresholds', async () => {
      await server.maestro.quotas.evaluate([await tenantId(server.maestro.db, T)]);
      const [full] = await mailsTo('finance', /past the 100% threshold/);
      assert.equal(full!.subject, 'Tenant MAIL has spent 100% of its monthly quota (past the 100% threshold)');
      assert.match(full!.html, /<strong>10\.00 USD<\/strong> in 2026-03/);
      assert.match(full!.html, /The limit is reached/);
      assert.equal(full!.priority, 'high');
      // Both thresholds were crossed at once: the 50% one says what is really spent too.
      const [half] = await mailsTo('finance', /past the 50% threshold/);
      assert.equal(half!.subject, 'Tenant MAIL has spent 100% of its monthly quota (past the 50% threshold)');
      assert.match(half!.html, /The limit is reached/);
      await mailsTo('otto', /past the 100% threshold/);
      // abby approves, but does not administer the tenant.
      assert.deepEqual(mail.to(address('abby')), []);
    });

    it('asks approvers by e-mail, rendered from the template with the request’s data', async () => {
      const id = await held();
      const [asked] = await mailsTo('abby', /asks for approval/);
      assert.equal(asked!.subject, 'rita asks for approval in tenant MAIL');
      assert.match(asked!.html, new RegExp(`maestro approvals approve --tenant MAIL --id ${id}`));
      assert.match(asked!.html, /<code>instances\.run<\/code>/);
      assert.match(asked!.text, /monthly cost quota of tenant MAIL for all regions is 100% spent/);
      await mailsTo('otto', /asks for approval/);
      assert.deepEqual(mail.to(address('rita')), [], 'the requester is not asked to approve');
      const [inApp] = await notificationsOf(abby, 'approvalRequested');
      assert.deepEqual([inApp!.subject, inApp!.priority, (inApp!.data.approval as { id: string }).id], ['rita asks for approval in tenant MAIL', 'high', id]);
    });

    it('tells requesters that their request was approved or rejected', async () => {
      const [approval] = (await abby.approvals.describe({ tenant: T, state: 'pending' })).items;
      await abby.approvals.approve({ tenant: T, id: approval!.id, comment: 'fine <this> once' });
      const [approved] = await mailsTo('rita', /was approved/);
      assert.match(approved!.html, /<blockquote>fine &lt;this&gt; once<\/blockquote>/, 'values are escaped in HTML');
      assert.match(approved!.text, /abby approved your request .* Comment: fine <this> once/);
      await abby.approvals.reject({ tenant: T, id: await held(), comment: 'over budget' });
      const [rejected] = await mailsTo('rita', /was rejected/);
      assert.match(rejected!.text, /abby rejected your request .* Comment: over budget/);
    });

    it('keeps notifications in-app for users who turned e-mail off for their type', async () => {
      const before = mail.to(address('abby')).length;
      const choices = await abby.notificationSubscriptions.set({ channel: 'email', type: 'approvalRequested', enabled: false });
      assert.deepEqual(
        choices.items.find((c) => c.type === 'approvalRequested' && c.channel === 'email'),
        { type: 'approvalRequested', channel: 'email', enabled: false, source: 'user' },
      );
      const id = await held();
      await mailsTo('otto', /asks for approval/, 3);
      const mine = await eventually(async () => (await abby.notifications.describe({ type: 'approvalRequested' })).items.find((n) => (n.data.approval as { id: string }).id === id), 'abby’s in-app copy');
      assert.equal(mine.read, false);
      assert.equal(mail.to(address('abby')).length, before);
      await abby.notificationSubscriptions.set({ channel: 'email', type: 'approvalRequested', enabled: null });
      await abby.approvals.reject({ tenant: T, id });
      await mailsTo('rita', /was rejected/, 2);
    });

    it('applies the tenant’s defaults to users who chose nothing; their own choice wins', async () => {
      const defaults = await admin.notificationSubscriptions.setDefault({ tenant: T, channel: 'email', type: 'approvalRejected', enabled: false });
      assert.equal(defaults.items.find((c) => c.type === 'approvalRejected' && c.channel === 'email')!.source, 'tenant');
      await assert.rejects(rita.notificationSubscriptions.setDefault({ tenant: T, channel: 'email', enabled: true }), /MANAGE_NOTIFICATION_DEFAULTS/);
      const rejectedBefore = mail.to(address('rita')).filter((m) => /rejected/.test(m.subject)).length;
      await abby.approvals.reject({ tenant: T, id: await held() });
      await notificationsOf(rita, 'approvalRejected', 3);
      await rita.notificationSubscriptions.set({ channel: 'email', type: 'approvalRejected', enabled: true });
      await abby.approvals.reject({ tenant: T, id: await held() });
      await mailsTo('rita', /was rejected/, rejectedBefore + 1);
      assert.equal(mail.to(address('rita')).filter((m) => /rejected/.test(m.subject)).length, rejectedBefore + 1, 'the tenant default kept one mail back');
    });

    it('retries a refused delivery with back-off, then shows it failed, never dropped', async () => {
      mail.refuse(address('otto'), 451);
      mail.refuse(address('abby'), 550);
      const id = await held();
      const pendingOf = async () => (await deliveriesOf(server.maestro.db, 'approvalRequested')).find((d) => d.target === address('otto') && d.status !== 'sent');
      const first = await eventually(async () => {
        const d = await pendingOf();
        return d?.attempts === 1 && d.status === 'pending' && d.lastError ? d : null;
      }, 'the first attempt');
      assert.match(first.lastError!, /451/);
      assert.equal(new Date(first.nextAttemptAt!).getTime(), clock.now().getTime() + RETRY_MS);
      // A permanent refusal fails at once.
      const refused = (await deliveriesOf(server.maestro.db, 'approvalRequested')).find((d) => d.target === address('abby') && d.status === 'failed');
      assert.match(refused!.lastError!, /550/);
      assert.equal(refused!.attempts, 1);

      assert.deepEqual(await server.maestro.notifications.runOnce(), { sent: 0, retrying: 0, failed: 0 }, 'not due yet');
      clock.advance(RETRY_MS);
      assert.deepEqual(await server.maestro.notifications.runOnce(), { sent: 0, retrying: 1, failed: 0 });
      const second = (await pendingOf())!;
      assert.equal(second.attempts, 2);
      assert.equal(new Date(second.nextAttemptAt!).getTime(), clock.now().getTime() + 2 * RETRY_MS, 'the back-off doubles');
      clock.advance(2 * RETRY_MS);
      assert.deepEqual(await server.maestro.notifications.runOnce(), { sent: 0, retrying: 0, failed: 1 });

      const { items } = await admin.notifications.describeSent({ customer: 'mailco', delivery: 'failed', type: 'approvalRequested' });
      const failed = items.find((n) => (n.data.approval as { id: string }).id === id)!;
      const toOtto = failed.deliveries.find((d) => d.to === address('otto'))!;
      assert.deepEqual([toOtto.status, toOtto.attempts, toOtto.user, toOtto.nextAttemptAt], ['failed', 3, 'otto', null]);
      assert.match(toOtto.lastError!, /451/);
      assert.deepEqual(failed.recipients.map((r) => r.user).sort(), ['abby', 'otto']);
      mail.accept(address('otto'));
      mail.accept(address('abby'));
    });
  });
}
