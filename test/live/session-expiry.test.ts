import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { logIn } from '../session/browser.js';
import { SseClient } from './sse-client.js';
import { startLiveServer, type LiveTestServer } from './live-server.js';

const IDLE_MINUTES = 30;

describe('a live stream opened with a console session that runs out while it is open', () => {
  const clock = new ManualClock(new Date());
  let server: LiveTestServer;
  const open: SseClient[] = [];

  before(async () => {
    server = await startLiveServer({ clock, realResolver: true, config: { sessionIdleMinutes: IDLE_MINUTES } });
  });
  after(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  it('ends at the first keepalive after the idle timeout, not before', async () => {
    const session = await logIn(server.url, 'admin', server.maestro.bootstrap!.consolePassword);
    assert.equal(session.status, 200);
    const client = await SseClient.open(server.streamUrl(), { cookie: session.cookie! });
    open.push(client);
    assert.equal(client.status, 200);
    await client.next('ready');

    clock.advance((IDLE_MINUTES - 1) * 60_000);
    server.ticker.tick();
    await client.until((c) => c.comments.length >= 1, 'the first keepalive');
    assert.equal(client.ended, false, 'still within the idle timeout');

    clock.advance(2 * 60_000);
    server.ticker.tick();
    await client.until((c) => c.ended, 'the stream to end with the idle session');
    const again = await fetch(server.streamUrl(), { headers: { cookie: session.cookie! } });
    assert.equal(again.status, 401);
  });
});
