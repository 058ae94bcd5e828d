/**
 * The first administrator's secret key is shown once, and never to the server log (issue 14,
 * item 6b). Without a console, standard output is the log (systemd, containers): the key then
 * goes to a file only its owner may read, and no log line, at any level, holds it.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createClient } from '../../src/sdk/client.js';
import { tempDir } from '../support/store-helpers.js';
import { readCredentialsFile, spawnServe, type ServeProcess } from './serve-process.js';

const temp = tempDir('maestro-first-start-');
let serve: ServeProcess | undefined;
after(async () => {
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  temp.remove();
});

describe('the first start without a console', () => {
  it('writes the administrator credentials to a file of its own, 0600, and keeps the secret key out of the log', async () => {
    const dataDir = path.join(temp.dir, 'data');
    serve = spawnServe({ MAESTRO_DATA_DIR: dataDir, MAESTRO_PORT: '0', MAESTRO_LOG_LEVEL: 'trace', MAESTRO_DEFAULT_SIM_REGION: 'false' });
    // Either the new log line naming the file, or (the old way) the secret key itself on standard output.
    const shown = await serve.line((line) => line.includes('credentials are in this file') || line.includes('MAESTRO_SECRET_KEY='));
    assert.doesNotMatch(shown, /MAESTRO_SECRET_KEY=/, 'the secret key was written to standard output, the server log');
    const { file } = JSON.parse(shown) as { file: string };
    assert.equal(file, path.join(dataDir, 'admin-credentials.env'));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const values = readCredentialsFile(file);
    const { MAESTRO_URL: url, MAESTRO_ACCESS_KEY: accessKey, MAESTRO_SECRET_KEY: secretKey } = values;
    assert.ok(url && accessKey && secretKey, `incomplete credentials file: ${Object.keys(values).join(', ')}`);
    // They are the administrator's.
    const status = await createClient({ url, accessKey, secretKey }).system.status();
    assert.equal(status.database, 'pglite');

    serve.child.kill('SIGTERM');
    const { code, stdout, stderr } = await serve.exited;
    assert.equal(code, 0, stderr);
    assert.ok(stdout.split('\n').filter((line) => line.startsWith('{')).length > 3, 'the log (trace) was captured');
    assert.ok(!stdout.includes(secretKey), 'the secret key is in the log');
    assert.ok(!stderr.includes(secretKey), 'the secret key is on stderr');
  });
});
