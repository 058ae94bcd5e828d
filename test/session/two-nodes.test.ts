/**
 * Sessions and the log-in limit live in PostgreSQL, not in a node's memory: behind a load
 * balancer, a browser's next request may reach another node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Maestro } from '../../src/server/runtime.js';
import { createPostgresDatabase, postgresSkip } from '../support/databases.js';
import { startSecondNode, startTestServer, type TestServer } from '../support/server.js';
import { currentSession, logIn, logOut, rpcWithSession } from './browser.js';

const password = 'shared by two nodes';

describe('console sessions across two nodes on one PostgreSQL', { skip: await postgresSkip() }, () => {
  let database: { url: string; drop: () => Promise<void> };
  let node1: TestServer;
  let node2: Maestro;
  before(async () => {
    database = await createPostgresDatabase();
    node1 = await startTestServer({ config: { databaseUrl: database.url } });
    node2 = await startSecondNode(node1, database.url);
    for (const name of ['lena', 'mark', 'nina']) {
      await node1.admin.users.create({ name });
      await node1.admin.users.setPassword({ name, password });
    }
  });
  after(async () => {
    await node2?.close();
    await node2?.db.close();
    await node1?.close();
    await database?.drop();
  });

  it('a session begun on one node works on the other, and a log-out on either ends it on both', async () => {
    const { cookie, body } = await logIn(node1.url, 'lena', password);
    const csrf = String(body.csrfToken);
    assert.equal((await currentSession(node2.url, cookie)).status, 200);
    const whoami = await rpcWithSession(node2.url, cookie!, csrf, 'users.whoami');
    assert.equal((whoami.result as { name: string }).name, 'lena');
    assert.equal((await logOut(node2.url, cookie!, csrf)).status, 204);
    assert.equal((await currentSession(node1.url, cookie)).status, 401);
    assert.equal((await rpcWithSession(node1.url, cookie!, csrf, 'users.whoami')).status, 401);
  });

  it('a password changed through one node ends the sessions the other node serves', async () => {
    const { cookie } = await logIn(node2.url, 'mark', password);
    await node1.admin.users.setPassword({ name: 'mark', password: 'a brand new password' });
    assert.equal((await currentSession(node2.url, cookie)).status, 401);
  });

  it('failed log-ins on both nodes count together', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const node = attempt % 2 === 0 ? node1.url : node2.url;
      assert.equal((await logIn(node, 'nina', `wrong password ${attempt}`)).status, 401);
    }
    assert.equal((await logIn(node1.url, 'nina', password)).status, 429);
    assert.equal((await logIn(node2.url, 'nina', password)).status, 429);
  });
});
