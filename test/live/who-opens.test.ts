import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIVE_STREAM_PATH } from '../../src/server/live/route.js';
import { signHeaders } from '../api/rpc-http.js';
import { logIn, logOut } from '../session/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { SseClient } from './sse-client.js';

describe('who may open the live stream on a node as it is wired for real', () => {
  let server: TestServer;
  const open: SseClient[] = [];
  const stream = async (headers: Record<string, string>) => {
    const client = await SseClient.open(`${server.url}${LIVE_STREAM_PATH}`, headers);
    open.push(client);
    return client;
  };

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    // Streams still open (the signed one of the first test): closing the node ends them instead of waiting on them.
    const stillOpen = open.filter((client) => client.status === 200 && !client.ended);
    await server?.close();
    for (const client of stillOpen) await client.until((c) => c.ended, 'the stream to end as the node closes');
    for (const client of open) client.close();
  });

  it('a console session (its cookie alone: a GET changes nothing, so no CSRF token), and its stream ends with it', async () => {
    const session = await logIn(server.url, 'admin', server.maestro.bootstrap!.consolePassword);
    assert.equal(session.status, 200);
    const client = await stream({ cookie: session.cookie! });
    assert.equal(client.status, 200);
    await client.next('ready');
    // The same user through a signed request: nothing ends that stream but the connection.
    const signed = await stream(signHeaders(server.credentials, ''));
    await signed.next('ready');
    await logOut(server.url, session.cookie!, String(session.body.csrfToken));
    await signed.next('cadf', (e) => e.json.type === 'login.loggedOut', 'the log-out, on the signed stream');
    await client.until((c) => c.ended, 'the session’s stream to end with the session');
    assert.equal(signed.ended, false);
    const after = await stream({ cookie: session.cookie! });
    assert.equal(after.status, 401, 'a session that ended opens no stream');
  });

  it('a request signed with an access key, as SDK and CLI calls are; a signature that does not hold is refused with why', async () => {
    const signed = await stream(signHeaders(server.credentials, ''));
    assert.equal(signed.status, 200);
    await signed.next('ready');
    const forged = await stream(signHeaders({ ...server.credentials, secretKey: 'not-the-secret-key' }, ''));
    assert.equal(forged.status, 401);
    assert.match(((await forged.response.json()) as { error: string }).error, /signature/i);
  });

  it('nobody, without either', async () => {
    assert.equal((await stream({})).status, 401);
  });
});
