/**
 * Console log-in (docs/console.md): the session cookie, its CSRF token, calls made with it as the
 * user, and the ways a session ends. A real server on PGlite; the browser is plain fetch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allPermissionActions } from '../../src/protocol/permissions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { currentSession, logIn, logOut, rpcWithSession } from './browser.js';

const password = 'correct horse battery staple';
let server: TestServer;
let customer: string;
let tenant: string;

async function newUser(name: string, options: { role?: string } = {}): Promise<void> {
  await server.admin.users.create({ name, customer });
  await server.admin.users.setPassword({ name, password });
  if (options.role) await server.admin.users.addRole({ name, tenant, role: options.role });
}

async function loginEvents(user: string): Promise<Array<{ type: string; outcome: string; data: Record<string, unknown>; initiator: Record<string, unknown> }>> {
  const { rows } = await server.maestro.db.query<{ type: string; outcome: string; data: Record<string, unknown>; initiator: Record<string, unknown> }>(
    `SELECT type, outcome, data, initiator FROM event_log WHERE type LIKE 'login.%' AND target_name = $1 ORDER BY seq`,
    [user],
  );
  return rows;
}

before(async () => {
  server = await startTestServer();
  customer = 'SESSION-ACME';
  tenant = 'SESSION-DEV';
  await server.admin.customers.create({ name: customer });
  await server.admin.tenants.create({ customer, name: tenant });
});
after(() => server.close());

describe('logging in to the console', () => {
  it('answers the user, a CSRF token, expiry, features and actions, and sets an HttpOnly SameSite=Strict cookie', async () => {
    await newUser('alice', { role: 'readonly' });
    const answer = await logIn(server.url, 'alice', password, { 'user-agent': 'session-test-browser' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.user, { name: 'alice', displayName: 'alice', customer, systemAdmin: false });
    assert.match(String(answer.body.csrfToken), /^[A-Za-z0-9_-]{20,}$/);
    assert.ok(Date.parse(String(answer.body.expiresAt)) > Date.now() + 11 * 3_600_000, 'the session lasts about 12 hours');
    assert.equal(answer.body.idleTimeoutMs, 30 * 60_000);
    assert.ok((answer.body.features as string[]).includes('compute'), 'the default edition (enterprise) has compute');
    const actions = answer.body.actions as string[];
    assert.ok(actions.length > 0 && actions.length < allPermissionActions.length, `a read-only user holds some actions: ${actions.join(', ')}`);
    assert.ok(!actions.includes('CREATE_TENANT'));
    const cookie = answer.setCookie!;
    assert.match(cookie, /^maestro_session=[A-Za-z0-9_-]{40,}; /);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(cookie.split('; ').includes(flag), `${flag} in ${cookie}`);
    assert.ok(!cookie.includes('Secure'), 'plain http: no Secure flag (the browser would drop the cookie)');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    // Only a hash of the cookie value is stored.
    const token = answer.cookie!.split('=')[1]!;
    const { rows } = await server.maestro.db.query<{ n: number }>('SELECT count(*)::int AS n FROM console_sessions WHERE token_hash = $1', [token]);
    assert.equal(rows[0]!.n, 0);
  });

  it('gives a system administrator every action', async () => {
    const answer = await logIn(server.url, 'admin', server.maestro.bootstrap!.consolePassword);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.actions, allPermissionActions);
    assert.equal((answer.body.user as { systemAdmin: boolean }).systemAdmin, true);
  });

  it('refuses a wrong password, an unknown user, a user without password and a disabled user with the same 401', async () => {
    await newUser('bob');
    await server.admin.users.create({ name: 'nopass', customer });
    await newUser('dora');
    await server.admin.users.update({ name: 'dora', status: 'disabled' });
    const answers = [
      await logIn(server.url, 'bob', 'not the password at all'),
      await logIn(server.url, 'nobody-here', password),
      await logIn(server.url, 'nopass', password),
      await logIn(server.url, 'dora', password),
    ];
    for (const answer of answers) {
      assert.equal(answer.status, 401);
      assert.equal(answer.setCookie, null);
      assert.equal(answer.body.error, answers[0]!.body.error, 'one message for every refusal');
    }
    assert.match(String(answers[0]!.body.error), /user name or password/);
  });

  it('says what is wrong with a malformed log-in', async () => {
    const response = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user": "bob"}' });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /password/);
    const notJson = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'user=bob' });
    assert.equal(notJson.status, 400);
    // What a form of another site can send (text/plain, form-encoded) is not a log-in: no log-in forged from elsewhere.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const form = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': type }, body: '{"user":"bob","password":"x"}' });
      assert.equal(form.status, 415, type);
    }
  });

  it('records successes and failures in the audit log, with the address and browser', async () => {
    await newUser('erin');
    assert.equal((await logIn(server.url, 'erin', 'wrong password here', { 'user-agent': 'audit-browser' })).status, 401);
    const ok = await logIn(server.url, 'erin', password, { 'user-agent': 'audit-browser' });
    assert.equal(ok.status, 200);
    await logOut(server.url, ok.cookie!, String(ok.body.csrfToken));
    const events = await loginEvents('erin');
    assert.deepEqual(
      events.map((event) => [event.type, event.outcome]),
      [
        ['login.failed', 'failure'],
        ['login.succeeded', 'success'],
        ['login.loggedOut', 'success'],
      ],
    );
    assert.equal(events[0]!.data.reason, 'wrong_password');
    assert.equal(events[0]!.data.agent, 'audit-browser');
    assert.ok(events[1]!.data.address, 'the address is recorded');
    assert.equal(events[1]!.initiator.name, 'erin');
    const unknown = await loginEvents('nobody-here');
    assert.equal(unknown[0]?.data.reason, 'unknown_user');
  });
});

describe('calls with the session cookie', () => {
  it('run JSON-RPC as the user, with the permissions of the user', async () => {
    await newUser('fred', { role: 'readonly' });
    const { cookie, body } = await logIn(server.url, 'fred', password);
    const csrf = String(body.csrfToken);
    const whoami = await rpcWithSession(server.url, cookie!, csrf, 'users.whoami');
    assert.equal(whoami.status, 200);
    assert.equal((whoami.result as { name: string }).name, 'fred');
    const refused = await rpcWithSession(server.url, cookie!, csrf, 'tenants.create', { customer, name: 'FRED-TENANT' });
    assert.equal(refused.error?.data?.kind, 'forbidden', JSON.stringify(refused));
    assert.match(refused.error!.message, /CREATE_TENANT/);
  });

  it('are refused with 403 without the x-maestro-csrf header, or with a wrong one', async () => {
    await newUser('gina', { role: 'readonly' });
    const { cookie, body } = await logIn(server.url, 'gina', password);
    const missing = await rpcWithSession(server.url, cookie!, null, 'users.whoami');
    assert.equal(missing.status, 403);
    assert.equal(missing.error?.data?.kind, 'forbidden');
    assert.match(missing.error!.message, /x-maestro-csrf/);
    const wrong = await rpcWithSession(server.url, cookie!, `${String(body.csrfToken).slice(0, -2)}xx`, 'users.whoami');
    assert.equal(wrong.status, 403);
    assert.match(wrong.error!.message, /x-maestro-csrf.*does not match/);
    // A CSRF token of another session is wrong too.
    const other = await logIn(server.url, 'fred', password);
    assert.equal((await rpcWithSession(server.url, cookie!, String(other.body.csrfToken), 'users.whoami')).status, 403);
  });

  it("follow the licence of the user's customer, which the session's features show", async () => {
    await server.admin.customers.create({ name: 'SESSION-SMALL' });
    await server.admin.tenants.create({ customer: 'SESSION-SMALL', name: 'SMALL-DEV' });
    await server.admin.licenses.set({ customer: 'SESSION-SMALL', edition: 'standard' });
    await server.admin.users.create({ name: 'lou', customer: 'SESSION-SMALL' });
    await server.admin.users.setPassword({ name: 'lou', password });
    await server.admin.users.addRole({ name: 'lou', tenant: 'SMALL-DEV', role: 'readonly' });
    const { cookie, body } = await logIn(server.url, 'lou', password);
    const features = body.features as string[];
    assert.ok(features.includes('organisation') && !features.includes('compute'), features.join(', '));
    const refused = await rpcWithSession(server.url, cookie!, String(body.csrfToken), 'instances.describe', { tenant: 'SMALL-DEV' });
    assert.equal(refused.error?.data?.kind, 'license', JSON.stringify(refused));
  });

  it('leave signed calls exactly as they were', async () => {
    assert.equal((await server.admin.users.whoami()).name, 'admin');
  });
});

describe('the end of a session', () => {
  it('log-out needs the CSRF token, revokes the session and clears the cookie', async () => {
    await newUser('hank');
    const { cookie, body } = await logIn(server.url, 'hank', password);
    const csrf = String(body.csrfToken);
    const refused = await logOut(server.url, cookie!, null);
    assert.equal(refused.status, 403);
    assert.equal((await currentSession(server.url, cookie)).status, 200, 'a refused log-out leaves the session');
    const done = await logOut(server.url, cookie!, csrf);
    assert.equal(done.status, 204);
    assert.match(done.headers.get('set-cookie') ?? '', /^maestro_session=; .*Max-Age=0/);
    const after = await currentSession(server.url, cookie);
    assert.equal(after.status, 401);
    assert.match(String(after.body.error), /session ended.*log in again/);
    const call = await rpcWithSession(server.url, cookie!, csrf, 'users.whoami');
    assert.equal(call.status, 401);
    assert.equal(call.error?.data?.kind, 'unauthenticated');
    assert.match(call.error!.message, /session ended.*log in again/);
  });

  it('a password change ends every session of the user', async () => {
    await newUser('ivan');
    const first = await logIn(server.url, 'ivan', password);
    const second = await logIn(server.url, 'ivan', password);
    await newUser('judy');
    const bystander = await logIn(server.url, 'judy', password);
    await server.admin.users.setPassword({ name: 'ivan', password: 'another long password' });
    assert.equal((await currentSession(server.url, first.cookie)).status, 401);
    assert.equal((await currentSession(server.url, second.cookie)).status, 401);
    assert.equal((await currentSession(server.url, bystander.cookie)).status, 200, 'other users keep theirs');
    assert.equal((await logIn(server.url, 'ivan', 'another long password')).status, 200);
  });

  it('disabling the user ends their sessions', async () => {
    await newUser('kate');
    const { cookie, body } = await logIn(server.url, 'kate', password);
    await server.admin.users.update({ name: 'kate', displayName: 'Kate' });
    assert.equal((await currentSession(server.url, cookie)).status, 200, 'another change keeps the session');
    await server.admin.users.update({ name: 'kate', status: 'disabled' });
    assert.equal((await rpcWithSession(server.url, cookie!, String(body.csrfToken), 'users.whoami')).status, 401);
    const { rows } = await server.maestro.db.query<{ reason: string }>(
      `SELECT s.revoked_reason AS reason FROM console_sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'kate'`,
    );
    assert.deepEqual(rows, [{ reason: 'user_disabled' }]);
  });

  it('GET /api/v1/session without a cookie is a 401 saying to log in', async () => {
    const answer = await currentSession(server.url, null);
    assert.equal(answer.status, 401);
    assert.match(String(answer.body.error), /log in/);
  });
});
