/**
 * The first start gives the administrator a console password beside the access keys, shown once
 * (or written to the credentials file) with where the console is.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { bootstrapMessage, writeCredentialsFile } from '../../src/server/bootstrap.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { logIn } from './browser.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('the first administrator console password', () => {
  it('is generated at first start and logs in as admin', async () => {
    const password = server.maestro.bootstrap!.consolePassword;
    assert.ok(password.length >= 20, 'long enough to need no rate limit to be safe');
    const answer = await logIn(server.url, 'admin', password);
    assert.equal(answer.status, 200);
    assert.equal((answer.body.user as { name: string }).name, 'admin');
  });

  it('is printed once with the console URL, and written to the credentials file', () => {
    const credentials = server.maestro.bootstrap!;
    const message = bootstrapMessage(credentials, server.url);
    assert.ok(message.includes(`MAESTRO_CONSOLE_PASSWORD=${credentials.consolePassword}`));
    assert.ok(message.includes(`${server.url}/console/`));
    const file = writeCredentialsFile(credentials, server.url, server.dataDir);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.ok(lines.includes(`MAESTRO_CONSOLE_URL=${server.url}/console/`), lines.join('\n'));
    assert.ok(lines.includes('MAESTRO_CONSOLE_USER=admin'));
    assert.ok(lines.includes(`MAESTRO_CONSOLE_PASSWORD=${credentials.consolePassword}`));
  });
});
