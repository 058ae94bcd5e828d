import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/domain/clock.js';
import { loginApproved } from '../../src/protocol/events/login.js';
import { notificationTypeNames, templateParts } from '../../src/protocol/notifications.js';
import type { RecordedEvent } from '../../src/protocol/events.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { createClient } from '../../src/sdk/client.js';
import { Renderer } from '../../src/server/notifications/renderer.js';
import { TemplateCatalog } from '../../src/server/notifications/templates.js';
import { triggers } from '../../src/server/notifications/triggers.js';
import type { Facts } from '../../src/server/notifications/facts.js';
import { failsWith } from '../compute/setup.js';
import { quietConfig } from '../quotas/setup.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, mailConfig, recordEvent, startMailServer, type MailServer } from './setup.js';

/** The shape of a value: its keys, recursively, without the values. */
const shapeOf = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]).sort(([a], [b]) => String(a).localeCompare(String(b))))
    : '·';

/** Event data of each notified event type, as the events carry it. */
const eventData: Record<string, Record<string, unknown>> = {
  'instance.stateChanged': { id: crypto.randomUUID(), state: 'stopped', previous: 'running', reason: null },
  'quota.thresholdReached': {
    quotaId: crypto.randomUUID(), tenantId: crypto.randomUUID(), scope: 'cloud', target: 'AWS', revision: 1, month: '2026-03',
    percent: 90, spent: 900, limit: 1000, currency: 'USD', action: 'stop',
  },
  'approval.requested': {
    id: crypto.randomUUID(), tenantId: crypto.randomUUID(), command: 'instances.run', input: {}, requesterId: null, requesterName: 'rita', reason: 'held', quotaIds: [],
  },
  'approval.approved': { id: crypto.randomUUID(), tenantId: crypto.randomUUID(), requesterId: null, deciderId: null, deciderName: 'abby', comment: null },
  'approval.rejected': { id: crypto.randomUUID(), tenantId: crypto.randomUUID(), requesterId: null, deciderId: null, deciderName: 'abby', comment: 'no' },
  'login.approved': { userId: crypto.randomUUID(), approverId: null, approverName: 'otto', address: null },
  'job.failed': { id: crypto.randomUUID(), type: 'billing.hourly', attempts: 5, recurring: null, error: 'boom' },
};
const noFacts: Facts = { instance: () => undefined, tenant: () => undefined, approval: () => undefined };

describe('notification templates', () => {
  const catalog = TemplateCatalog.load();

  it('ships every part of every type, and each renders its sample', () => {
    for (const type of notificationTypeNames) {
      for (const part of templateParts) assert.ok(catalog.preview(type, part, catalog.shipped(type, part)).length > 0, `${type}/${part}`);
    }
  });

  it('gives each type’s templates exactly the data its sample.json documents', () => {
    assert.deepEqual(triggers.map((t) => t.notification).sort(), [...notificationTypeNames].sort());
    for (const trigger of triggers) {
      const data = trigger.data.parse(eventData[trigger.event]);
      const view = { at: '', tenant: null, ...trigger.view(data, noFacts, {} as RecordedEvent) };
      assert.deepEqual(shapeOf(view), shapeOf(catalog.sample(trigger.notification)), trigger.notification);
    }
  });

  it('escapes values in e-mail HTML only, and keeps a subject on one line', () => {
    const renderer = new Renderer();
    const view = { name: '<b>x</b>\nnext' };
    assert.equal(renderer.render('<p>{{name}}</p>', 'email', view), '<p>&lt;b&gt;x&lt;&#x2F;b&gt;\nnext</p>');
    assert.equal(renderer.render('Hi {{name}}', 'subject', view), 'Hi <b>x</b> next');
    assert.equal(renderer.render('{{name}}', 'push', view), '<b>x</b>\nnext');
  });

  it('refuses templates that could not render a notification, saying why', () => {
    const refused = (part: 'subject' | 'email', template: string, why: RegExp) =>
      assert.throws(() => catalog.preview('loginApproved', part, template), failsWith('invalid_input', why));
    refused('subject', 'Hello {{user.name}}', /\{\{user\.name\}\}: the data has no such name/);
    refused('subject', '{{constructor}}', /no such name/);
    refused('subject', '{{#address}}unclosed', /does not parse/);
    refused('subject', '{{> header}}', /no partials/);
    refused('email', '<p>{{{approver}}}</p>', /escaped/);
    assert.equal(catalog.preview('loginApproved', 'subject', 'Login by {{{approver}}}{{#address}} from {{.}}{{/address}}'), 'Login by otto from 203.0.113.5');
  });
});

describe('a customer’s own notification templates', () => {
  let mail: MailServer;
  let server: TestServer;
  let ada: MaestroClient;
  const users: Record<string, string> = {};

  before(async () => {
    mail = await startMailServer();
    server = await startTestServer({ config: { ...quietConfig, ...mailConfig(mail) } });
    for (const customer of ['acme', 'globex']) await server.admin.customers.create({ name: customer });
    for (const [name, customer] of [['ada', 'acme'], ['alice', 'acme'], ['carol', 'globex']] as const) {
      users[name] = (await server.admin.users.create({ name, customer, email: `${name}@example.test` })).id;
    }
    await server.admin.users.addCustomerRole({ name: 'ada', role: 'admin' });
    ada = createClient({ url: server.url, ...(await server.admin.keys.create({ user: 'ada' })) });
  });
  after(async () => {
    await server?.close();
    await mail?.close();
  });

  const login = async (name: string, customer: string) => {
    const { rows } = await server.maestro.db.query<{ id: string }>('SELECT id FROM customers WHERE name = $1', [customer.toUpperCase()]);
    await recordEvent(server.maestro, systemClock, loginApproved, { userId: users[name]!, approverId: null, approverName: 'otto', address: null }, {
      target: { id: users[name]!, name },
      customerId: rows[0]!.id,
    });
  };

  it('renders a customer’s notifications with its own templates, others’ with the shipped ones', async () => {
    const saved = await ada.notificationTemplates.save({ type: 'loginApproved', part: 'subject', template: 'ACME: {{approver}} let you in' });
    assert.deepEqual([saved.source, saved.preview], ['customer', 'ACME: otto let you in']);
    await ada.notificationTemplates.save({ type: 'loginApproved', part: 'email', template: '<h1>ACME</h1><p>{{approver}} approved your login.</p>' });
    await login('alice', 'acme');
    await login('carol', 'globex');
    const acmeMail = await eventually(() => mail.to('alice@example.test')[0], 'alice’s mail');
    assert.deepEqual([acmeMail.subject, acmeMail.html], ['ACME: otto let you in', '<h1>ACME</h1><p>otto approved your login.</p>']);
    const globexMail = await eventually(() => mail.to('carol@example.test')[0], 'carol’s mail');
    assert.equal(globexMail.subject, 'Your login was approved');
    assert.deepEqual((await ada.notifications.describe({ type: 'loginApproved' })).items, [], 'only the user who logged in is told');
  });

  it('describes the templates in use with their source, and resets one to the shipped version', async () => {
    const { items, samples } = await ada.notificationTemplates.describe({ type: 'loginApproved' });
    assert.deepEqual(items.map((t) => [t.part, t.source]), [['subject', 'customer'], ['inApp', 'shipped'], ['email', 'customer'], ['push', 'shipped']]);
    assert.deepEqual(Object.keys(samples), ['loginApproved']);
    const reset = await ada.notificationTemplates.reset({ type: 'loginApproved', part: 'subject' });
    assert.deepEqual([reset.source, reset.template.trim()], ['shipped', 'Your login was approved']);
  });

  it('refuses a broken template and audits every change', async () => {
    await assert.rejects(ada.notificationTemplates.save({ type: 'jobFailed', part: 'subject', template: 'Job {{job.nam}}' }), failsWith('invalid_input', /job\.nam/));
    await assert.rejects(ada.notificationTemplates.save({ customer: 'globex', type: 'jobFailed', part: 'subject', template: 'x' }), failsWith('forbidden'));
    const { items } = await server.admin.events.describe({ customer: 'acme', type: 'notification.templateSet' });
    assert.deepEqual(items.map((e) => [e.initiator.name, e.data.part, e.data.template === null]), [['ada', 'subject', false], ['ada', 'email', false], ['ada', 'subject', true]]);
  });
});
