import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SharedReplayCache } from '../../src/server/auth/shared-replay-cache.js';
import type { Logger } from '../../src/server/logger.js';
import type { Maestro } from '../../src/server/runtime.js';
import { m3Client } from '../compat/support/m3-client.js';
import { createPostgresDatabase, postgresSkip } from '../support/databases.js';
import { startSecondNode, startTestServer, type TestServer } from '../support/server.js';
import { request, signHeaders } from './rpc-http.js';

describe('replays across nodes sharing one PostgreSQL', { skip: await postgresSkip() }, () => {
  let database: { url: string; drop: () => Promise<void> };
  let node1: TestServer;
  let node2: Maestro;
  before(async () => {
    database = await createPostgresDatabase();
    node1 = await startTestServer({ config: { databaseUrl: database.url } });
    node2 = await startSecondNode(node1, database.url);
  });
  after(async () => {
    await node2?.close();
    await node2?.db.close();
    await node1?.close();
    await database?.drop();
  });

  it('refuses a JSON-RPC request captured on one node and replayed to the other', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system.status', params: {} });
    const headers = signHeaders(node1.credentials, body);
    assert.equal((await request(`${node1.url}/api/v1/rpc`, { body, headers })).status, 200);
    const replayed = await request(`${node2.url}/api/v1/rpc`, { body, headers });
    assert.equal(replayed.status, 401, replayed.text);
    assert.match(replayed.text, /replay/);
  });

  it('refuses a Maestro-protocol request captured on one node and replayed to the other', async () => {
    const on1 = m3Client({ url: node1.url, ...node1.credentials });
    const captured = on1.build([{ type: 'M3_STATUS' }]);
    assert.equal((await on1.post(captured)).httpStatus, 200);
    const replayed = await m3Client({ url: node2.url, ...node1.credentials }).post(captured);
    assert.equal(replayed.httpStatus, 401);
    assert.match(replayed.message!, /replay/);
  });

  it('shares what each node saw, and forgets it once past the window', async () => {
    const logger = { warn: () => undefined } as unknown as Logger;
    const windowMs = 60_000;
    const [first, second] = [new SharedReplayCache(node2.db, windowMs, logger), new SharedReplayCache(node2.db, windowMs, logger)];
    try {
      const now = Date.now();
      assert.equal(await first.remember('signature-a', now), true);
      assert.equal(await first.remember('signature-a', now), false);
      assert.equal(await second.remember('signature-a', now), false);
      assert.equal(await second.remember('signature-b', now), true);
      assert.equal(await first.sweep(now + windowMs), 0);
      assert.ok((await first.sweep(now + 2 * windowMs + 1)) >= 2);
    } finally {
      first.close();
      second.close();
    }
  });

  it('lets each of many requests arriving at once through exactly once, whichever node and however they are batched', async () => {
    const logger = { warn: () => undefined } as unknown as Logger;
    const nodes = [new SharedReplayCache(node2.db, 60_000, logger), new SharedReplayCache(node2.db, 60_000, logger)];
    try {
      const now = Date.now();
      // 200 distinct signatures, each sent three times, spread over both nodes, all in flight together.
      const attempts = Array.from({ length: 600 }, (_, i) => ({ key: `burst-${i % 200}`, node: nodes[i % 2]! }));
      const answers = await Promise.all(attempts.map(({ key, node }) => node.remember(key, now)));
      const accepted = new Map<string, number>();
      attempts.forEach(({ key }, i) => accepted.set(key, (accepted.get(key) ?? 0) + (answers[i] ? 1 : 0)));
      assert.deepEqual([...new Set(accepted.values())], [1]);
      assert.equal(accepted.size, 200);
    } finally {
      for (const node of nodes) node.close();
    }
  });
});
