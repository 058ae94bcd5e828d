import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error web-push's own encoder (MIT); it ships no types
import ece from 'http_ece';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/domain/clock.js';
import { loginApproved } from '../../src/protocol/events/login.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { createClient } from '../../src/sdk/client.js';
import { loadVapidKeys } from '../../src/server/notifications/vapid.js';
import { failsWith } from '../compute/setup.js';
import { quietConfig } from '../quotas/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { tempDir } from '../support/store-helpers.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { deliveriesOf, eventually, recordEvent, startPushService } from './setup.js';

/** What a browser's PushManager.subscribe() hands over: its P-256 key and an auth secret. */
const browserKeys = () => ({ p256dh: createECDH('prime256v1').generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') });

/** A browser that keeps its private key, so the test reads the message as the service worker does (RFC 8291). */
function browser() {
  const ecdh = createECDH('prime256v1');
  const keys = { p256dh: ecdh.generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  const read = (body: Buffer) =>
    JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: keys.auth }).toString('utf8')) as Record<string, unknown>;
  return { keys, read };
}

for (const flavour of flavours) {
  describe(`web push to the console (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let pushService: Awaited<ReturnType<typeof startPushService>>;
    let server: TestServer;
    let alice: MaestroClient;
    let aliceId: string;
    const approveLogin = () =>
      recordEvent(server.maestro, systemClock, loginApproved, { userId: aliceId, approverId: null, approverName: 'otto', address: null }, {
        target: { id: aliceId, name: 'alice' },
      });

    before(async () => {
      database = await flavour.open();
      pushService = await startPushService();
      server = await startTestServer({ db: database.db, config: { ...quietConfig, pushAllowHttp: true, notificationIntervalMs: 3_600_000 } });
      await server.admin.customers.create({ name: 'acme' });
      aliceId = (await server.admin.users.create({ name: 'alice', customer: 'acme' })).id;
      alice = createClient({ url: server.url, ...(await server.admin.keys.create({ user: 'alice' })) });
    });
    after(async () => {
      await server?.close();
      await pushService?.close();
      await database?.close();
    });

    it('registers a browser’s subscription once, and gives the key to subscribe with', async () => {
      const keys = browserKeys();
      const registered = await alice.pushSubscriptions.register({ endpoint: `${pushService.url}/push/laptop`, keys, label: 'laptop' });
      const again = await alice.pushSubscriptions.register({ endpoint: `${pushService.url}/push/laptop`, keys });
      assert.equal(again.id, registered.id);
      const { publicKey, items } = await alice.pushSubscriptions.describe();
      assert.equal(Buffer.from(publicKey, 'base64url').length, 65, 'an uncompressed P-256 point');
      assert.deepEqual(items.map((s) => [s.label, s.endpointHost]), [['laptop', new URL(pushService.url).host]]);
      await assert.rejects(
        alice.pushSubscriptions.register({ endpoint: `${pushService.url}/push/x`, keys: { ...keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } }),
        failsWith('invalid_input', /P-256/),
      );
      const { items: audit } = await server.admin.events.describe({ customer: 'acme', type: 'notification.pushRegistered' });
      assert.deepEqual(Object.keys(audit[0]!.data).sort(), ['id', 'label', 'userId'], 'the endpoint and keys stay out of the audit log');
    });

    it('sends an encrypted, VAPID-signed message to the push service', async () => {
      await approveLogin();
      const request = await eventually(() => pushService.requests.find((r) => r.path === '/push/laptop'), 'the push request');
      const { publicKey } = await alice.pushSubscriptions.describe();
      assert.equal(request.headers['content-encoding'], 'aes128gcm');
      assert.match(String(request.headers.authorization), new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${publicKey}$`));
      assert.equal(request.headers.urgency, 'high');
      assert.equal(request.headers.ttl, '86400');
      assert.ok(request.body.length > 100);
      assert.ok(!request.body.toString('latin1').includes('login'), 'the payload is encrypted');
      await eventually(async () => (await deliveriesOf(server.maestro.db, 'loginApproved')).every((d) => d.status === 'sent'), 'the delivery marked sent');
    });

    it('sends no push for types the user turned push off for', async () => {
      const before = pushService.requests.length;
      await alice.notificationSubscriptions.set({ channel: 'push', type: 'loginApproved', enabled: false });
      await approveLogin();
      await eventually(async () => (await alice.notifications.describe({ type: 'loginApproved' })).items.length === 2, 'the in-app copy');
      await server.maestro.notifications.runOnce();
      assert.equal(pushService.requests.length, before);
      await alice.notificationSubscriptions.set({ channel: 'push', type: 'loginApproved', enabled: null });
    });

    it('fails a delivery at once when the browser dropped the subscription, and sends none once removed', async () => {
      pushService.answer(410);
      await approveLogin();
      const failed = await eventually(async () => (await deliveriesOf(server.maestro.db, 'loginApproved')).find((d) => d.status === 'failed'), 'the failed delivery');
      assert.deepEqual([failed.attempts, failed.lastError], [1, 'the push service answered 410 Gone']);
      pushService.answer(201);
      const [subscription] = (await alice.pushSubscriptions.describe()).items;
      await alice.pushSubscriptions.remove({ id: subscription!.id });
      await assert.rejects(alice.pushSubscriptions.remove({ id: subscription!.id }), failsWith('not_found'));
      const deliveries = (await deliveriesOf(server.maestro.db, 'loginApproved')).length;
      await approveLogin();
      await eventually(async () => (await alice.notifications.describe({ type: 'loginApproved' })).items.length === 4, 'the in-app copy');
      assert.equal((await deliveriesOf(server.maestro.db, 'loginApproved')).length, deliveries);
    });

    it("sends what the service worker shows, with the console page a click opens", async () => {
      const phone = browser();
      await alice.pushSubscriptions.register({ endpoint: `${pushService.url}/push/phone`, keys: phone.keys });
      await approveLogin();
      const request = await eventually(() => pushService.requests.find((r) => r.path === '/push/phone'), 'the push request');
      const message = phone.read(request.body);
      const notification = (await alice.notifications.describe({ type: 'loginApproved' })).items.find((n) => n.id === message.id);
      assert.ok(notification, 'the message is one of the user\'s notifications');
      assert.equal(message.type, 'loginApproved');
      assert.equal(message.title, notification.subject);
      assert.equal(message.url, `notifications?id=${notification.id}`);
    });
  });
}

describe('web push settings', () => {
  it('are made at first start, kept readable by their owner only, and read again', () => {
    const data = tempDir('maestro-vapid-');
    try {
      const made = loadVapidKeys({}, data.dir);
      assert.equal(statSync(path.join(data.dir, 'vapid.json')).mode & 0o777, 0o600);
      assert.deepEqual(loadVapidKeys({}, data.dir), made);
      assert.deepEqual(loadVapidKeys({ publicKey: 'pub', privateKey: 'priv' }, data.dir), { publicKey: 'pub', privateKey: 'priv' });
      assert.throws(() => loadVapidKeys({ publicKey: 'pub' }, data.dir), /set together/);
    } finally {
      data.remove();
    }
  });

  it('plain http push endpoints are refused unless allowed', async () => {
    const server = await startTestServer({ config: quietConfig });
    try {
      await server.admin.customers.create({ name: 'acme' });
      await server.admin.users.create({ name: 'alice', customer: 'acme' });
      const alice = createClient({ url: server.url, ...(await server.admin.keys.create({ user: 'alice' })) });
      await assert.rejects(alice.pushSubscriptions.register({ endpoint: 'http://127.0.0.1:9/push', keys: browserKeys() }), failsWith('invalid_input', /https/));
    } finally {
      await server.close();
    }
  });
});
