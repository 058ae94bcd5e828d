import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/domain/clock.js';
import { loginApproved } from '../../src/protocol/events/login.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { simulatedTenant } from '../compute/setup.js';
import { recordEvent } from '../notifications/setup.js';
import { eventually } from '../support/eventually.js';
import { openStreams, startLiveServer, TEST_USER_HEADER, type LiveTestServer } from './live-server.js';
import { SseClient, type ReceivedEvent } from './sse-client.js';

const MAX_REPLAY = 20;
const MAX_STREAMS = 6;

describe('the live stream: audit events and notifications as server-sent events (embedded database)', () => {
  let server: LiveTestServer;
  let admin: MaestroClient;
  let alice: MaestroClient;
  let aliceId: string;
  const open: SseClient[] = [];

  /** A stream as `user`, ready (caught up and live) unless the server refused it. */
  const stream = async (user: string | null, options: { query?: string; lastEventId?: string; ready?: boolean } = {}) => {
    const headers: Record<string, string> = {};
    if (user) headers[TEST_USER_HEADER] = user;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const client = await SseClient.open(server.streamUrl(options.query), headers);
    open.push(client);
    if (client.status === 200 && options.ready !== false) await client.next('ready');
    return client;
  };
  const closeAll = async () => {
    for (const client of open.splice(0)) client.close();
    await eventually(async () => (await openStreams(server.url)) === 0, 'every stream closed on the server');
  };
  const cadf = (client: SseClient, match: (event: ReceivedEvent['json']) => boolean, what: string) =>
    client.next('cadf', (event) => match(event.json), what);
  const seqOf = (event: ReceivedEvent) => Number(event.json.seq);
  /** Maestro keeps tenant names in capitals. */
  const named = (event: ReceivedEvent['json'], name: string) => String(event.target.name).toLowerCase() === name;

  before(async () => {
    server = await startLiveServer({ live: { maxReplay: MAX_REPLAY, maxStreams: MAX_STREAMS } });
    admin = server.admin;
    await simulatedTenant(admin, { customer: 'acme', tenant: 'acme-dev', region: 'SIM-1' });
    await admin.customers.create({ name: 'globex' });
    await admin.tenants.create({ customer: 'globex', name: 'globex-main' });
    aliceId = (await admin.users.create({ name: 'alice', customer: 'acme' })).id;
    await admin.users.addCustomerRole({ name: 'alice', role: 'admin' });
    await admin.users.create({ name: 'carol', customer: 'globex' });
    await admin.users.addCustomerRole({ name: 'carol', role: 'admin' });
    alice = createClient({ url: server.url, ...(await admin.keys.create({ user: 'alice' })) });
  });
  after(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  it('refuses a request that proves no user, with 401 and what to do', async () => {
    const response = await fetch(server.streamUrl());
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { error: string }).error, /signed-in user/);
    const stranger = await fetch(server.streamUrl(), { headers: { [TEST_USER_HEADER]: 'nobody-of-that-name' } });
    assert.equal(stranger.status, 401);
    // HEAD would hold a slot for a stream nobody can read.
    assert.equal((await fetch(server.streamUrl(), { method: 'HEAD', headers: { [TEST_USER_HEADER]: 'alice' } })).status, 404);
  });

  it('answers as an event stream proxies do not buffer, telling the browser when to reconnect', async () => {
    const client = await stream('alice');
    assert.equal(client.status, 200);
    assert.match(client.response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(client.response.headers.get('cache-control'), 'no-cache');
    assert.equal(client.response.headers.get('x-accel-buffering'), 'no');
    assert.equal(client.retry, 2000);
    assert.deepEqual(client.of('ready')[0]!.json, { resumed: false });
    assert.match(client.of('ready')[0]!.id ?? '', /^\d+\.\d+$/);
    await closeAll();
  });

  it('shows an instance run in the simulated region as it happens, pending then running, and none of it to another customer', async () => {
    const aliceStream = await stream('alice');
    const carolStream = await stream('carol');
    const { instances } = await alice.instances.run({ tenant: 'acme-dev', region: 'SIM-1', image: 'ubuntu-24.04', shape: 'SMALL', name: 'web-1' });
    const id = instances[0]!.id;
    const launched = await cadf(aliceStream, (e) => e.type === 'instance.launched' && e.target.id === id, 'the launch');
    assert.equal(launched.json.data.state, 'pending');
    assert.equal(launched.json.tenant, 'ACME-DEV');
    const running = await cadf(aliceStream, (e) => e.type === 'instance.stateChanged' && e.data.id === id && e.data.state === 'running', 'running');
    assert.ok(seqOf(running) > seqOf(launched));
    // The same answer events.describe gives alice for that event.
    const described = await alice.events.describe({ id: launched.json.id });
    assert.deepEqual(launched.json, JSON.parse(JSON.stringify(described.items[0])));

    // A later event of carol's customer: the stream is in log order, so by then acme's were passed over.
    await admin.tenants.create({ customer: 'globex', name: 'globex-marker' });
    await cadf(carolStream, (e) => named(e, 'globex-marker'), "globex's new tenant");
    const seen = carolStream.of('cadf').map((event) => event.json);
    assert.ok(seen.every((e) => e.tenant !== 'ACME-DEV' && e.target.id !== id), `carol saw acme's events: ${carolStream.describe()}`);
    await closeAll();
  });

  it('delivers a notification addressed to the user as notifications.describe shows it, to them only', async () => {
    const aliceStream = await stream('alice');
    const carolStream = await stream('carol');
    const data = { userId: aliceId, approverId: null, approverName: 'otto', address: '198.51.100.7' };
    await recordEvent(server.maestro, systemClock, loginApproved, data, { target: { id: aliceId, name: 'alice' }, customerId: (await admin.customers.describe({ name: 'acme' })).items[0]!.id });
    const told = await aliceStream.next('notification', (n) => n.json.type === 'loginApproved');
    assert.equal(told.json.subject, 'Your login was approved');
    assert.equal(told.json.read, false);
    const [listed] = (await alice.notifications.describe({ id: told.json.id })).items;
    assert.deepEqual(told.json, JSON.parse(JSON.stringify(listed)));
    await admin.tenants.create({ customer: 'globex', name: 'globex-after-login' });
    await cadf(carolStream, (e) => named(e, 'globex-after-login'), 'a later globex event');
    assert.equal(carolStream.of('notification').length, 0);
    await closeAll();
  });

  it('resumes from Last-Event-ID with exactly what was missed, then goes on live', async () => {
    const first = await stream('alice');
    await admin.tenants.create({ customer: 'acme', name: 'acme-r1' });
    const r1 = await cadf(first, (e) => named(e, 'acme-r1'), 'acme-r1');
    const resumeId = first.lastId!;
    first.close();
    await eventually(async () => (await openStreams(server.url)) === 0, 'the first stream closed on the server');
    await admin.tenants.create({ customer: 'acme', name: 'acme-r2' });
    await admin.tenants.create({ customer: 'globex', name: 'globex-r2' });
    await admin.tenants.create({ customer: 'acme', name: 'acme-r3' });
    // And a notification while she was away, once it is stored.
    const acmeId = (await admin.customers.describe({ name: 'acme' })).items[0]!.id;
    const missed = await recordEvent(server.maestro, systemClock, loginApproved, { userId: aliceId, approverId: null, approverName: 'otto', address: '192.0.2.44' }, { target: { id: aliceId, name: 'alice' }, customerId: acmeId });
    await eventually(async () => (await server.maestro.db.query('SELECT 1 FROM notifications WHERE event_id = $1', [missed.id])).rows.length === 1, 'the missed notification stored');

    for (const resumed of [await stream('alice', { lastEventId: resumeId }), await stream('alice', { query: `lastEventId=${encodeURIComponent(resumeId)}` })]) {
      const ready = resumed.of('ready')[0]!;
      assert.deepEqual(ready.json, { resumed: true });
      const replayed = resumed.events.slice(0, resumed.events.indexOf(ready)).filter((e) => e.event === 'cadf');
      const names = replayed.map((e) => String(e.json.target.name).toLowerCase());
      assert.ok(names.includes('acme-r2') && names.includes('acme-r3'), `replayed: ${names.join(', ')}`);
      assert.ok(!names.includes('acme-r1') && !names.includes('globex-r2'), `replayed: ${names.join(', ')}`);
      const seqs = replayed.map(seqOf);
      // Exactly what events.describe gives alice after the last event she had, up to the last replayed.
      const described = (await alice.events.describe({ limit: 500, order: 'oldest' })).items.map((e) => e.seq).filter((seq) => seq > seqOf(r1) && seq <= seqs.at(-1)!);
      assert.deepEqual(seqs, described);
      const notified = resumed.events.slice(0, resumed.events.indexOf(ready)).filter((e) => e.event === 'notification');
      assert.deepEqual(notified.map((n) => n.json.data.address), ['192.0.2.44'], 'the missed notification, once, and none she had');
    }
    const [live] = open.slice(-1);
    await admin.tenants.create({ customer: 'acme', name: 'acme-r4' });
    await cadf(live!, (e) => named(e, 'acme-r4'), 'acme-r4, live');
    assert.equal(live!.of('cadf').filter((e) => named(e.json, 'acme-r4')).length, 1);
    await closeAll();
  });

  it('says reset for a position it never gave, and for more missed than it replays', async () => {
    for (const unknown of ['not-a-position', '999999999.0']) {
      const client = await stream('alice', { lastEventId: unknown });
      assert.deepEqual(client.events.map((e) => e.event), ['reset', 'ready']);
      assert.match(client.events[0]!.json.reason, /unknown position/);
    }
    // The administrator sees everything: far more than MAX_REPLAY events since the beginning.
    const admins = (await server.maestro.db.query<{ name: string }>('SELECT name FROM users WHERE system_admin')).rows[0]!.name;
    const flooded = await stream(admins, { lastEventId: '0.0' });
    assert.deepEqual(flooded.events.map((e) => e.event), ['reset', 'ready']);
    assert.match(flooded.events[0]!.json.reason, new RegExp(`more than ${MAX_REPLAY}`));
    // After a reset the stream goes on from the end: the next event arrives once.
    await admin.tenants.create({ customer: 'acme', name: 'acme-after-reset' });
    await cadf(flooded, (e) => named(e, 'acme-after-reset'), 'the event after the reset');
    await closeAll();
  });

  it('follows permissions that change while the stream is open: a tenant role granted shows that tenant from then on, and only it', async () => {
    await admin.users.create({ name: 'tina', customer: 'acme' });
    await admin.tenants.create({ customer: 'acme', name: 'acme-ops' });
    const tina = await stream('tina');
    await admin.tenants.create({ customer: 'acme', name: 'acme-before-role' });
    await admin.users.addRole({ name: 'tina', tenant: 'acme-dev', role: 'admin' });
    const { instances } = await alice.instances.run({ tenant: 'acme-dev', region: 'SIM-1', image: 'ubuntu-24.04', shape: 'SMALL', name: 'after-role' });
    await cadf(tina, (e) => e.type === 'instance.launched' && e.target.id === instances[0]!.id, 'the launch in the tenant she was given');
    const seen = tina.of('cadf').map((event) => event.json);
    // Before the role she saw nothing; after it, acme-dev only (not acme-ops, nor the customer's own events).
    assert.ok(seen.every((e) => e.tenant === 'ACME-DEV'), `tina saw: ${tina.describe()} in ${seen.map((e) => e.tenant).join(', ')}`);
    await closeAll();
  });

  it('sends a keepalive comment on every tick', async () => {
    const client = await stream('alice');
    server.ticker.tick();
    await client.until((c) => c.comments.includes('keepalive'), 'a keepalive');
    await closeAll();
  });

  it('serves at most its number of streams, and a browser that leaves frees its slot at once', async () => {
    const clients = [];
    for (let i = 0; i < MAX_STREAMS; i++) clients.push(await stream('alice'));
    const refused = await stream('alice', { ready: false });
    assert.equal(refused.status, 503);
    assert.equal(refused.response.headers.get('retry-after'), '5');
    clients[0]!.close();
    await eventually(async () => (await openStreams(server.url)) === MAX_STREAMS - 1, 'the slot freed');
    const admitted = await stream('alice');
    assert.equal(admitted.status, 200);
    await closeAll();
  });
});
