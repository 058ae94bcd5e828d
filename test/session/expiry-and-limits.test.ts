/**
 * Sessions end after the idle timeout and after their lifetime, and failed log-ins are limited;
 * all measured on the server's clock, moved by hand (no test sleeps).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { currentSession, logIn, rpcWithSession } from './browser.js';

const password = 'a password long enough';
const minutes = (n: number) => n * 60_000;
const clock = new ManualClock(new Date());
let server: TestServer;

before(async () => {
  server = await startTestServer({ clock, config: { sessionLifetimeMinutes: 120, sessionIdleMinutes: 30 } });
  // Signed calls need the server clock near the real one: every user is made before the clock moves.
  for (const name of ['idle', 'lifetime', 'limited', 'other']) {
    await server.admin.users.create({ name });
    await server.admin.users.setPassword({ name, password });
  }
});
after(() => server.close());

describe('session expiry', () => {
  it('ends a session unused for longer than the idle timeout; use keeps it alive', async () => {
    const { cookie, body } = await logIn(server.url, 'idle', password);
    assert.equal(body.idleTimeoutMs, minutes(30));
    clock.advance(minutes(29));
    assert.equal((await currentSession(server.url, cookie)).status, 200);
    clock.advance(minutes(29));
    assert.equal((await rpcWithSession(server.url, cookie!, String(body.csrfToken), 'users.whoami')).status, 200, 'a call is use too');
    clock.advance(minutes(31));
    const ended = await currentSession(server.url, cookie);
    assert.equal(ended.status, 401);
    assert.match(String(ended.body.error), /unused for more than 30 minutes.*log in again/);
    assert.match(ended.headers.get('set-cookie') ?? '', /Max-Age=0/, 'the dead cookie is cleared');
  });

  it('ends a session at the end of its lifetime, however much it is used', async () => {
    const { cookie, body } = await logIn(server.url, 'lifetime', password);
    assert.equal(Date.parse(String(body.expiresAt)), clock.now().getTime() + minutes(120));
    for (let step = 0; step < 4; step++) {
      clock.advance(minutes(25));
      assert.equal((await currentSession(server.url, cookie)).status, 200);
    }
    clock.advance(minutes(21));
    const ended = await rpcWithSession(server.url, cookie!, String(body.csrfToken), 'users.whoami');
    assert.equal(ended.status, 401);
    assert.match(ended.error!.message, /expired at .*log in again/);
  });
});

describe('failed log-ins', () => {
  it('after five failures for a user from one address, answers 429 with Retry-After, even to the right password, until the window passes', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal((await logIn(server.url, 'limited', `wrong password ${attempt}`)).status, 401);
      clock.advance(1000);
    }
    const limited = await logIn(server.url, 'limited', password);
    assert.equal(limited.status, 429);
    assert.equal(limited.setCookie, null);
    const retryAfter = Number(limited.headers.get('retry-after'));
    // The first failure leaves the 15-minute window 15 min - 5 s from now.
    assert.equal(retryAfter, 15 * 60 - 5);
    assert.match(String(limited.body.error), /too many failed log-ins; try again in \d+ seconds/);
    assert.equal((await logIn(server.url, 'other', password)).status, 200, 'other users from the same address are not limited by it');
    clock.advance(retryAfter * 1000);
    assert.equal((await logIn(server.url, 'limited', password)).status, 200);
  });

  it('after twenty failures from one address, whatever the user names, limits that address', async () => {
    clock.advance(minutes(16));
    for (let attempt = 0; attempt < 20; attempt++) {
      assert.equal((await logIn(server.url, `guess${attempt % 5}`, 'some password')).status, 401);
    }
    const limited = await logIn(server.url, 'other', password);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const { rows } = await server.maestro.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE type = 'login.failed'`);
    assert.equal(rows[0]!.n, 25, 'every refused password is audited; attempts refused by the limit are not');
    clock.advance(minutes(15));
    assert.equal((await logIn(server.url, 'other', password)).status, 200);
  });
});
