/**
 * A node started with another installation's master key used to report healthy and then answer
 * every signed call with 500 (issue 14, item 3). It now refuses to start, naming the setting.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { StartupError } from '../../src/server/startup-error.js';
import { flavours } from '../support/databases.js';
import { startNode, tempDir } from '../support/store-helpers.js';

const keyDir = tempDir('maestro-key-check-');
after(() => keyDir.remove());

const newKey = () => randomBytes(32).toString('base64');

/** Asserts that starting fails for the master key, with a message naming `source`. */
async function refused(start: Promise<unknown>, source: string): Promise<void> {
  await assert.rejects(start, (error: unknown) => {
    assert.ok(error instanceof StartupError, `expected a StartupError, got ${String(error)}`);
    assert.equal(error.problem, 'master_key');
    assert.ok(error.message.includes(source), error.message);
    assert.match(error.message, /is not the master key of this database/);
    assert.match(error.message, /start with the key the first start used/);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
}

for (const flavour of flavours) {
  describe(`the master key check (${flavour.name})`, { skip: await flavour.skip() }, () => {
    it('a node with another master key refuses to start, naming MAESTRO_MASTER_KEY', async () => {
      const t = await flavour.open();
      try {
        const key = newKey();
        await (await startNode(t.db, { config: { masterKey: key } })).close();
        await refused(startNode(t.db, { config: { masterKey: newKey() } }), 'MAESTRO_MASTER_KEY');
        // The right key still starts.
        await (await startNode(t.db, { config: { masterKey: key } })).close();
      } finally {
        await t.close();
      }
    });

    it('a node with another key file refuses to start, naming the file', async () => {
      const t = await flavour.open();
      try {
        const first = path.join(keyDir.dir, `${flavour.name}-first.key`);
        const other = path.join(keyDir.dir, `${flavour.name}-other.key`);
        await (await startNode(t.db, { config: { masterKey: undefined, masterKeyFile: first } })).close();
        await refused(startNode(t.db, { config: { masterKey: undefined, masterKeyFile: other } }), other);
      } finally {
        await t.close();
      }
    });

    it('a database from before the check gets one on its next start, once the key opened a stored secret', async () => {
      const t = await flavour.open();
      try {
        const key = newKey();
        // The first start made the administrator's access key, sealed with `key`; then forget the check.
        await (await startNode(t.db, { config: { masterKey: key } })).close();
        await t.db.query('DELETE FROM installation');
        await refused(startNode(t.db, { config: { masterKey: newKey() } }), 'MAESTRO_MASTER_KEY');
        assert.equal((await t.db.query('SELECT 1 FROM installation')).rows.length, 0, 'a refused key writes no check');
        await (await startNode(t.db, { config: { masterKey: key } })).close();
        assert.equal((await t.db.query('SELECT 1 FROM installation')).rows.length, 1);
        await refused(startNode(t.db, { config: { masterKey: newKey() } }), 'MAESTRO_MASTER_KEY');
      } finally {
        await t.close();
      }
    });

    it('a database from before the check with no secret in it takes the key of its next start', async () => {
      const t = await flavour.open();
      try {
        const key = newKey();
        await (await startNode(t.db, { config: { masterKey: key } })).close();
        await t.db.query('DELETE FROM installation');
        await t.db.query('DELETE FROM access_keys');
        const other = newKey();
        await (await startNode(t.db, { config: { masterKey: other } })).close();
        await refused(startNode(t.db, { config: { masterKey: key } }), 'MAESTRO_MASTER_KEY');
      } finally {
        await t.close();
      }
    });
  });
}
