import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { credentialsEnv, runCli } from './run-cli.js';

/** The `npx maestro instances …` lines of the README's quick start, as argument lists. */
function quickStartCommands(): string[][] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const quickStart = readme.slice(0, readme.indexOf('\n## '));
  return quickStart
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.startsWith('npx maestro instances '))
    .map((line) => line.split(/\s+/).slice(2));
}

describe('the README quick start: start, then run an instance with the CLI', () => {
  let server: TestServer;
  before(async () => {
    // As `npm start` runs on a new installation: the default simulated region is on.
    server = await startTestServer({ config: { defaultSimulatedRegion: true, simLatencyMs: 0 } });
  });
  after(() => server?.close());

  it('runs the first instance and lists it, with no other setup', async () => {
    const commands = quickStartCommands();
    assert.deepEqual(commands.map((args) => args[1]), ['run', 'describe']);
    const env = credentialsEnv(server.url, server.credentials);
    const [run, describeAll] = [commands[0]!, commands[1]!];
    const ran = await runCli([...run, '--json'], env);
    assert.equal(ran.code, 0, ran.stderr);
    const [instance] = (JSON.parse(ran.stdout) as { instances: Array<{ id: string; region: string; tenant: string }> }).instances;
    assert.deepEqual([instance!.region, instance!.tenant], ['SIM-LOCAL', 'DEFAULT']);
    const [listed, asTable, protectedRow] = await Promise.all([
      runCli(describeAll, env),
      runCli(run, env),
      runCli(['instances', 'set-termination-protection', '--tenant', 'default', '--id', instance!.id, '--enabled'], env),
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${instance!.id}\\s`, 'm'));
    // The instance family prints one table shape: run and a change to one instance print describe's header.
    const header = (text: string) => text.split('\n')[0]!.split(/\s+/);
    assert.deepEqual(header(listed.stdout), ['id', 'name', 'state', 'shape', 'region', 'owner', 'managed']);
    assert.deepEqual(header(asTable.stdout), header(listed.stdout), asTable.stderr);
    assert.deepEqual(header(protectedRow.stdout), header(listed.stdout), protectedRow.stderr);
    assert.match(protectedRow.stdout.split('\n')[1]!, new RegExp(`^${instance!.id}\\s`));
  });
});
