import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { sign, signedHeaders } from '../../src/protocol/signing.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  closeConnections,
  freshDate,
  referenceSignature,
  request,
  sha256,
  signedCall,
  signHeaders,
  type Credentials,
  type RawResponse,
  type RpcErrorBody,
  type RpcResultBody,
} from './rpc-http.js';

/** A refusal by signature checking: HTTP 401 and a JSON-RPC error of kind unauthenticated. */
function assertRefused(response: RawResponse, message: RegExp): void {
  assert.equal(response.status, 401, response.text);
  const body = response.json as RpcErrorBody;
  assert.equal(body.jsonrpc, '2.0');
  assert.equal(body.id, null);
  assert.equal(body.error.code, -32001);
  assert.equal(body.error.data?.kind, 'unauthenticated');
  assert.equal(body.error.data?.retryable, false);
  assert.match(body.error.message, message);
}

function assertAccepted(response: RawResponse): RpcResultBody {
  assert.equal(response.status, 200, response.text);
  const body = response.json as RpcResultBody & { error?: unknown };
  assert.equal(body.error, undefined, response.text);
  assert.ok('result' in body, response.text);
  return body;
}

describe('request signing (known answers)', () => {
  // Computed with `openssl dgst -sha256 -hmac <secret><date>` and the bytes rewritten as "1xx".
  const secretKey = 'secret-key-0123456789abcdefghij';
  const accessKey = 'MKTESTACCESSKEY0001';
  const date = '1767225600000';

  it('matches the vector with a user identifier', () => {
    const expected =
      '1911781de12b12910414e18817010819b19914112d12c10e1c71961541ae1a11a615019516e14a14917913719016c19c';
    assert.equal(expected.length, 96);
    assert.equal(referenceSignature(secretKey, `M3-POST:${accessKey}:${date}:ops@example.test`, date), expected);
    assert.equal(sign(secretKey, { accessKey, date, userIdentifier: 'ops@example.test' }), expected);
  });

  it("matches the vector of the seed's three-part message", () => {
    const expected =
      '1511a517c1ee16417c14a1621fe1451251961661d01021c919b1111661191cf1971e113917b14c1d11d215518f1f7117';
    assert.equal(referenceSignature(secretKey, `M3-POST:${accessKey}:${date}`, date), expected);
    assert.equal(sign(secretKey, { accessKey, date }), expected);
  });

  it('the SDK signs what the protocol describes, body digest included', () => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"system.status","params":{}}';
    const headers = signedHeaders({ accessKey, secretKey }, body, { date: Number(date), userIdentifier: 'UNKNOWN' });
    assert.equal(headers['maestro-content-sha256'], sha256(body));
    const message = `M3-POST:${accessKey}:${date}:UNKNOWN:${sha256(body)}`;
    assert.equal(headers['maestro-authentication'], referenceSignature(secretKey, message, date));
  });
});

describe('request signing against a server', () => {
  let server: TestServer;
  let creds: Credentials;
  let url: string;
  // Starts at the real time, so the SDK client (which signs with Date.now()) keeps working.
  const clock = new ManualClock(new Date());
  const now = () => freshDate(clock.now().getTime());
  const status = (credentials: Credentials, options: Parameters<typeof signedCall>[4] = {}) =>
    signedCall(url, credentials, 'system.status', {}, { date: now(), ...options });

  before(async () => {
    server = await startTestServer({ clock });
    creds = server.credentials;
    url = server.url;
  });
  after(async () => {
    closeConnections();
    await server?.close();
  });

  it('accepts a request signed by the independent implementation, body digest included', async () => {
    const body = assertAccepted(await status(creds, { style: 'body' }));
    assert.equal((body.result as { database: string }).database, 'pglite');
  });

  it('refuses a signature that does not cover the body, naming the digest header', async () => {
    // The seed's message and the published clients' message sign no body: on this endpoint a
    // captured one could carry any other body within the date window.
    for (const style of ['seed', 'user'] as const) {
      const body = JSON.stringify({ jsonrpc: '2.0', id: style, method: 'customers.create', params: { name: `unsigned-body-${style}` } });
      const headers = signHeaders(creds, body, { style, date: now() });
      assert.equal(headers['maestro-content-sha256'], undefined);
      const forged = body.replace('unsigned-body', 'forged-body');
      assertRefused(await request(url, { body: forged, headers }), /maestro-content-sha256 missing/);
      assertRefused(await request(url, { body, headers }), /maestro-content-sha256 missing/);
    }
    const names = (await server.admin.customers.describe()).items.map((customer) => customer.name);
    assert.ok(!names.some((name) => /BODY/.test(name)), names.join(', '));
  });

  it('refuses a wrong secret, saying the signature does not match', async () => {
    assertRefused(await status({ accessKey: creds.accessKey, secretKey: `${creds.secretKey}x` }), /signature/);
    // A signature of the wrong length, and one of the right length in upper case.
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system.status', params: {} });
    const headers = signHeaders(creds, body, { date: now() });
    assertRefused(
      await request(url, { body, headers: { ...headers, 'maestro-authentication': headers['maestro-authentication']!.slice(3) } }),
      /signature/,
    );
    assertRefused(
      await request(url, { body, headers: { ...headers, 'maestro-authentication': headers['maestro-authentication']!.toUpperCase() } }),
      /signature/,
    );
  });

  it('refuses a request missing any signature header, naming it', async () => {
    for (const name of ['maestro-accesskey', 'maestro-date', 'maestro-authentication']) {
      const body = JSON.stringify({ jsonrpc: '2.0', id: name, method: 'system.status', params: {} });
      const headers = signHeaders(creds, body, { date: now() });
      delete headers[name];
      assertRefused(await request(url, { body, headers }), new RegExp(`${name} missing`));
      // An empty value is as good as none.
      assertRefused(await request(url, { body, headers: { ...signHeaders(creds, body, { date: now() }), [name]: '' } }), new RegExp(name));
    }
    // No signature headers at all: an anonymous caller, refused by the method rather than the signature check.
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system.status', params: {} });
    const anonymous = await request(url, { body, headers: { 'content-type': 'application/json' } });
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.json as RpcErrorBody).error.data?.kind, 'unauthenticated');
    assert.match((anonymous.json as RpcErrorBody).error.message, /sign/);
    assert.equal((anonymous.json as RpcErrorBody).id, 1);
  });

  it('refuses dates more than five minutes away from the server clock', async () => {
    const minute = 60_000;
    for (const offset of [-6 * minute, 6 * minute, -24 * 60 * minute, 365 * 24 * 60 * minute]) {
      assertRefused(await status(creds, { date: clock.now().getTime() + offset }), /clock/);
    }
    // Just inside the window, both ways, is fine.
    assertAccepted(await status(creds, { date: clock.now().getTime() - 4 * minute }));
    assertAccepted(await status(creds, { date: clock.now().getTime() + 4 * minute }));
  });

  it('refuses a date that is not milliseconds as digits', async () => {
    for (const date of ['yesterday', '1.767e12', '-1000', ' 1767225600000', String(clock.now().toISOString()), '0x19b7', '99999999999999999999']) {
      assertRefused(await status(creds, { date }), /maestro-date|clock/);
    }
  });

  it('refuses an unknown access key', async () => {
    assertRefused(await status({ accessKey: 'MK00000000000000000000', secretKey: creds.secretKey }), /unknown access key/);
  });

  it('refuses the same request sent twice as a replay', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'system.status', params: {} });
    const headers = signHeaders(creds, body, { date: now() });
    assertAccepted(await request(url, { body, headers }));
    assertRefused(await request(url, { body, headers }), /replay/);
    assertRefused(await request(url, { body, headers }), /replay/);
  });

  it('a replayed create changes nothing', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'customers.create', params: { name: 'replayed-co' } });
    const headers = signHeaders(creds, body, { date: now() });
    assertAccepted(await request(url, { body, headers }));
    const seq = (await server.admin.system.status()).eventSeq;
    assertRefused(await request(url, { body, headers }), /replay/);
    assert.equal((await server.admin.system.status()).eventSeq, seq);
  });

  it('refuses a body changed after signing', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'customers.create', params: { name: 'honest-co' } });
    const headers = signHeaders(creds, body, { date: now() });
    const forged = body.replace('honest-co', 'forged-co');
    assertRefused(await request(url, { body: forged, headers }), /maestro-content-sha256|changed/);
    // A forged digest header that matches the forged body breaks the signature instead.
    assertRefused(await request(url, { body: forged, headers: { ...headers, 'maestro-content-sha256': sha256(forged) } }), /signature/);
    // Dropping the digest header breaks the signature too, as it was part of the message.
    const withoutDigest = { ...headers };
    delete withoutDigest['maestro-content-sha256'];
    assertRefused(await request(url, { body: forged, headers: withoutDigest }), /signature/);
    const customers = await server.admin.customers.describe();
    assert.ok(!customers.items.some((c) => c.name === 'FORGED-CO' || c.name === 'HONEST-CO'));
  });

  it('a deleted key stops working on the next call', async () => {
    await server.admin.users.create({ name: 'deleted-key-user', systemAdmin: true });
    const key = await server.admin.keys.create({ user: 'deleted-key-user' });
    const mine: Credentials = { accessKey: key.accessKey, secretKey: key.secretKey };
    assertAccepted(await signedCall(url, mine, 'users.whoami', {}, { date: now() }));
    assertAccepted(await signedCall(url, mine, 'users.whoami', {}, { date: now() })); // now in the credential cache
    await server.admin.keys.delete({ accessKey: key.accessKey });
    assertRefused(await signedCall(url, mine, 'users.whoami', {}, { date: now() }), /unknown access key/);
    // The administrator's own key is unaffected.
    assertAccepted(await status(creds));
  });

  it('a key can delete itself, and is refused right after', async () => {
    await server.admin.users.create({ name: 'self-deleter' });
    const key = await server.admin.keys.create({ user: 'self-deleter' });
    const mine: Credentials = { accessKey: key.accessKey, secretKey: key.secretKey };
    assertAccepted(await signedCall(url, mine, 'keys.delete', { accessKey: key.accessKey }, { date: now() }));
    assertRefused(await signedCall(url, mine, 'users.whoami', {}, { date: now() }), /unknown access key/);
  });

  it('refuses a disabled user, and accepts again once enabled', async () => {
    await server.admin.users.create({ name: 'disabled-user' });
    const key = await server.admin.keys.create({ user: 'disabled-user' });
    const mine: Credentials = { accessKey: key.accessKey, secretKey: key.secretKey };
    assertAccepted(await signedCall(url, mine, 'users.whoami', {}, { date: now() }));
    await server.admin.users.update({ name: 'disabled-user', status: 'disabled' });
    assertRefused(await signedCall(url, mine, 'users.whoami', {}, { date: now() }), /disabled/);
    await server.admin.users.update({ name: 'disabled-user', status: 'active' });
    assertAccepted(await signedCall(url, mine, 'users.whoami', {}, { date: now() }));
  });

  it('does not say whether a key is disabled or expired to someone without its secret', async () => {
    await server.admin.users.create({ name: 'probed-user' });
    const key = await server.admin.keys.create({ user: 'probed-user' });
    await server.admin.users.update({ name: 'probed-user', status: 'disabled' });
    const response = await signedCall(url, { accessKey: key.accessKey, secretKey: 'guessed-secret-guessed-secret-00' }, 'users.whoami', {}, { date: now() });
    assertRefused(response, /signature/);
    assert.doesNotMatch((response.json as RpcErrorBody).error.message, /disabled/);
  });

  it('refuses an expired key', async () => {
    const start = clock.now().getTime();
    await server.admin.users.create({ name: 'expiring-user' });
    const expiresAt = new Date(start + 60 * 60_000).toISOString();
    const key = await server.admin.keys.create({ user: 'expiring-user', expiresAt });
    assert.equal(key.expiresAt, expiresAt);
    const mine: Credentials = { accessKey: key.accessKey, secretKey: key.secretKey };
    assertAccepted(await signedCall(url, mine, 'users.whoami', {}, { date: start + 1 }));
    try {
      // One second before expiry: still good. At and after expiry: refused.
      clock.set(new Date(start + 60 * 60_000 - 1000));
      assertAccepted(await signedCall(url, mine, 'users.whoami', {}, { date: clock.now().getTime() }));
      clock.set(new Date(start + 60 * 60_000));
      assertRefused(await signedCall(url, mine, 'users.whoami', {}, { date: clock.now().getTime() }), /expired/);
      clock.set(new Date(start + 2 * 60 * 60_000));
      assertRefused(await signedCall(url, mine, 'users.whoami', {}, { date: clock.now().getTime() }), /expired/);
      // A key without expiry keeps working at the same time.
      assertAccepted(await status(creds, { date: clock.now().getTime() }));
    } finally {
      clock.set(new Date(start));
    }
  });

  it('refuses creating a key that has already expired', async () => {
    await assert.rejects(
      server.admin.keys.create({ user: 'expiring-user', expiresAt: new Date(clock.now().getTime() - 1000).toISOString() }),
      (error: Error & { kind?: string }) => error.kind === 'invalid_input' && /expiresAt/.test(error.message),
    );
  });
});
