import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { credentialsEnv, runCli, type CliResult } from './run-cli.js';

function ok(result: CliResult): string {
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  return result.stdout;
}

function json<T>(result: CliResult): T {
  return JSON.parse(ok(result)) as T;
}

// Each spawn costs about half a second of tsx start-up, so independent calls run together.
describe('the maestro CLI against a live server', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  let alice: Record<string, string>;
  let aliceKeys: { accessKey: string; secretKey: string };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-cli-'));

  before(async () => {
    server = await startTestServer();
    admin = credentialsEnv(server.url, server.credentials);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an administrator build the organisation with maestro admin …', async () => {
    const customer = ok(await runCli(['admin', 'customer', 'create', '--name', 'acme', '--display-name', 'ACME Corp'], admin));
    // A change prints the resource as a row of its family's table (customers describe's columns).
    assert.match(customer, /^name\s+displayName\s+status\s+createdAt$/m);
    assert.match(customer, /^ACME\s+ACME Corp\s+active\s+\d{4}-/m);

    const [tenant, region, user] = await Promise.all([
      runCli(['admin', 'tenant', 'create', '--customer', 'acme', '--name', 'acme-dev', '--contacts', 'a@acme.test', '--contacts', 'b@acme.test', '--json'], admin),
      // --input gives the whole object; the flags add to it.
      runCli(['admin', 'region', 'create', '--input', '{"cloud":"SIMULATED","kind":"private","name":"ignored"}', '--name', 'sim-east', '--native-name', 'east-1', '--json'], admin),
      runCli(['admin', 'user', 'create', '--name', 'Alice', '--customer', 'acme', '--email', 'alice@acme.test', '--json'], admin),
    ]);
    assert.deepEqual(json<{ contacts: string[] }>(tenant).contacts, ['a@acme.test', 'b@acme.test']);
    const created = json<{ name: string; cloud: string; nativeName: string }>(region);
    assert.deepEqual([created.name, created.cloud, created.nativeName], ['SIM-EAST', 'SIMULATED', 'east-1']);
    assert.equal(json<{ name: string }>(user).name, 'alice');

    const [activated, role, key] = await Promise.all([
      runCli(['admin', 'tenant', 'activate-region', '--tenant', 'acme-dev', '--region', 'sim-east'], admin),
      runCli(['admin', 'user', 'add-role', '--name', 'alice', '--tenant', 'acme-dev', '--role', 'admin', '--json'], admin),
      runCli(['admin', 'key', 'create', '--user', 'alice', '--json'], admin),
    ]);
    assert.match(ok(activated), /^ACME-DEV\s+ACME\s+-\s+active\s+SIM-EAST$/m);
    assert.deepEqual(json<{ roles: unknown }>(role).roles, [{ tenant: 'ACME-DEV', role: 'admin' }]);
    const { accessKey, secretKey } = json<{ accessKey: string; secretKey: string }>(key);
    assert.equal(secretKey.length, 32);
    aliceKeys = { accessKey, secretKey };
    alice = credentialsEnv(server.url, aliceKeys);
  });

  it('shows a user their tenants as JSON and as a table, and pages with --all', async () => {
    await server.admin.customers.create({ name: 'beta' });
    const [asJson, asTable, all] = await Promise.all([
      runCli(['tenants', 'describe', '--json'], alice),
      runCli(['tenants', 'describe'], alice),
      runCli(['admin', 'customer', 'describe', '--limit', '1', '--all'], admin),
    ]);
    assert.deepEqual(json(asJson), await server.admin.tenants.describe({ name: 'acme-dev' }));
    const lines = ok(asTable).trimEnd().split('\n');
    assert.deepEqual(lines.map((line) => line.split(/\s+/)), [
      ['name', 'customer', 'group', 'status', 'regions'],
      ['ACME-DEV', 'ACME', '-', 'active', 'SIM-EAST'],
    ]);
    const customers = ok(all).trimEnd().split('\n').slice(1).map((line) => line.split(/\s+/)[0]);
    assert.deepEqual(customers, ['ACME', 'BETA']);
  });

  it('push-subscriptions describe shows the VAPID public key a browser subscribes with', async () => {
    const [table, asYaml] = await Promise.all([runCli(['push-subscriptions', 'describe'], alice), runCli(['push-subscriptions', 'describe', '-o', 'yaml'], alice)]);
    const { publicKey } = await server.admin.pushSubscriptions.describe();
    assert.match(publicKey, /^[A-Za-z0-9_-]{80,}$/);
    assert.equal(ok(table), `publicKey: ${publicKey}\n\n(none)\n`);
    assert.equal(ok(asYaml), `publicKey: ${publicKey}\nitems: []\n`);
  });

  it('exits with the code of each kind of failure, naming what was wrong', async () => {
    const [badValue, unknownFlag, forbidden, noCredentials, unreachable] = await Promise.all([
      runCli(['tenants', 'describe', '--limit', 'many'], alice),
      runCli(['tenants', 'describe', '--colour', 'red'], alice),
      runCli(['admin', 'customer', 'create', '--name', 'evil'], alice),
      runCli(['tenants', 'describe']),
      runCli(['system', 'status'], { ...alice, MAESTRO_URL: 'http://127.0.0.1:9' }),
    ]);
    assert.equal(badValue.code, 2);
    assert.match(badValue.stderr, /--limit/);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /unknown option '--colour'/);
    assert.equal(forbidden.code, 3);
    assert.match(forbidden.stderr, /^error \(forbidden\): .*CREATE_CUSTOMER/m);
    assert.equal(noCredentials.code, 3);
    assert.match(noCredentials.stderr, /maestro configure/);
    assert.match(noCredentials.stderr, /MAESTRO_URL/);
    assert.equal(unreachable.code, 7);
    assert.match(unreachable.stderr, /^error \(transport\): cannot reach Maestro/m);
  });

  it('configure writes a 0600 file that later commands use; set-password reads a piped line', async () => {
    const config = { MAESTRO_CLI_CONFIG: path.join(dir, 'maestro', 'config.json') };
    const written = await runCli(
      ['configure', '--url', server.url, '--access-key', aliceKeys.accessKey, '--secret-key', aliceKeys.secretKey],
      config,
    );
    assert.match(ok(written), /wrote .*config\.json/);
    assert.equal(statSync(config.MAESTRO_CLI_CONFIG).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(config.MAESTRO_CLI_CONFIG, 'utf8')), { url: server.url, ...aliceKeys });

    const [whoami, password] = await Promise.all([
      runCli(['users', 'whoami'], config),
      runCli(['admin', 'user', 'set-password', '--name', 'alice'], config, 'correct-horse-battery\nnext line\n'),
    ]);
    assert.match(ok(whoami), /^name: +alice$/m);
    assert.equal(ok(password), 'ok\n');
    const [described] = (await server.admin.users.describe({ name: 'alice' })).items;
    assert.equal(described?.hasPassword, true);
  });
});
