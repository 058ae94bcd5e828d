/**
 * Behind a reverse proxy, the client's address (rate limit, audit) and whether it came over https
 * (the cookie's Secure flag) come from X-Forwarded-For / X-Forwarded-Proto, and only when the
 * proxy is trusted (MAESTRO_TRUST_PROXY); otherwise anyone could claim any address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { logIn } from './browser.js';

const password = 'behind the proxy we go';
const forwarded = (address: string) => ({ 'x-forwarded-for': address, 'x-forwarded-proto': 'https' });

async function withUser(server: TestServer, name: string): Promise<void> {
  await server.admin.users.create({ name });
  await server.admin.users.setPassword({ name, password });
}

async function lastLoginAddress(server: TestServer, user: string): Promise<unknown> {
  const { rows } = await server.maestro.db.query<{ address: unknown }>(
    `SELECT data->>'address' AS address FROM event_log WHERE type = 'login.succeeded' AND target_name = $1 ORDER BY seq DESC LIMIT 1`,
    [user],
  );
  return rows[0]?.address;
}

describe('MAESTRO_TRUST_PROXY', () => {
  it('takes true, false, a number of hops, or proxy addresses and ranges, and says what is wrong otherwise', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ MAESTRO_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ MAESTRO_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ MAESTRO_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1', '::1']);
    assert.throws(
      () => loadConfig({ MAESTRO_TRUST_PROXY: '10.0.0.1,proxy.example' }),
      (error: unknown) => error instanceof ConfigError && /MAESTRO_TRUST_PROXY: .*not an address: proxy\.example/.test(error.message),
    );
  });
});

describe('log-in behind an untrusted proxy (the default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await withUser(server, 'olga');
  });
  after(() => server.close());

  it('ignores the forwarded address and protocol', async () => {
    const answer = await logIn(server.url, 'olga', password, forwarded('203.0.113.7'));
    assert.equal(answer.status, 200);
    assert.ok(!answer.setCookie!.includes('Secure'));
    assert.equal(await lastLoginAddress(server, 'olga'), '127.0.0.1');
  });
});

describe('log-in behind a trusted proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { trustProxy: '127.0.0.1', loginFailuresPerAddress: 3 } });
    await withUser(server, 'pete');
  });
  after(() => server.close());

  it('sets a Secure cookie for https at the proxy, and records the client address', async () => {
    const answer = await logIn(server.url, 'pete', password, forwarded('203.0.113.7'));
    assert.equal(answer.status, 200);
    assert.ok(answer.setCookie!.split('; ').includes('Secure'), answer.setCookie!);
    assert.equal(await lastLoginAddress(server, 'pete'), '203.0.113.7');
  });

  it('limits failed log-ins per client address, not per proxy', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.equal((await logIn(server.url, `who${attempt}`, 'a wrong password', forwarded('198.51.100.1'))).status, 401);
    }
    assert.equal((await logIn(server.url, 'pete', password, forwarded('198.51.100.1'))).status, 429);
    assert.equal((await logIn(server.url, 'pete', password, forwarded('198.51.100.2'))).status, 200, 'another client behind the same proxy');
  });
});
