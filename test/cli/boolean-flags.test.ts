import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runningInstance, simulatedTenant } from '../compute/setup.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { credentialsEnv, runCli, type CliResult } from './run-cli.js';

function ok(result: CliResult): string {
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  return result.stdout;
}

// Each spawn costs about half a second of tsx start-up, so independent calls run together.
describe('boolean and nullable flags, typed as users type them', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    admin = credentialsEnv(server.url, server.credentials);
  });
  after(() => server?.close());

  it('toggle-feature takes --enabled false, --enabled true, --enabled, --no-enabled, and --clear-enabled follows the edition again', async () => {
    const customers = ['bool-a', 'bool-b', 'bool-c', 'bool-d'];
    for (const name of customers) await server.admin.customers.create({ name });
    const toggle = (customer: string, ...flags: string[]) =>
      runCli(['admin', 'license', 'toggle-feature', '--customer', customer, '--feature', 'iac', ...flags], admin);
    const spellings: Array<[string, string[], boolean]> = [
      ['bool-a', ['--enabled', 'false'], false],
      ['bool-b', ['--enabled', 'true'], true],
      ['bool-c', ['--enabled'], true],
      ['bool-d', ['--no-enabled'], false],
    ];
    const results = await Promise.all(spellings.map(([customer, flags]) => toggle(customer, ...flags)));
    results.forEach((result) => ok(result));
    for (const [customer, flags, enabled] of spellings) {
      const license = await server.admin.licenses.describe({ customer });
      assert.deepEqual(license.toggles, { iac: enabled }, `${flags.join(' ')} on ${customer}`);
    }

    const [cleared, both] = await Promise.all([toggle('bool-a', '--clear-enabled'), toggle('bool-b', '--enabled', 'false', '--clear-enabled')]);
    ok(cleared);
    assert.deepEqual((await server.admin.licenses.describe({ customer: 'bool-a' })).toggles, {});
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--enabled.*--clear-enabled|--clear-enabled.*--enabled/);
    assert.deepEqual((await server.admin.licenses.describe({ customer: 'bool-b' })).toggles, { iac: true }, 'a refused command changes nothing');
  });

  it('refuses --enabled null and anything else that is not a boolean, pointing at --clear-enabled', async () => {
    await server.admin.customers.create({ name: 'bool-e' });
    const [asNull, asWord] = await Promise.all([
      runCli(['admin', 'license', 'toggle-feature', '--customer', 'bool-e', '--feature', 'iac', '--enabled', 'null'], admin),
      runCli(['admin', 'license', 'toggle-feature', '--customer', 'bool-e', '--feature', 'iac', '--enabled', 'maybe'], admin),
    ]);
    assert.equal(asNull.code, 2);
    assert.match(asNull.stderr, /--enabled takes true or false.*--clear-enabled/);
    assert.equal(asWord.code, 2);
    assert.match(asWord.stderr, /--enabled takes true or false, not 'maybe'/);
    assert.deepEqual((await server.admin.licenses.describe({ customer: 'bool-e' })).toggles, {});
  });

  it('shows both spellings and the way to clear in --help', async () => {
    const [toggleHelp, tenantHelp] = await Promise.all([
      runCli(['admin', 'license', 'toggle-feature', '--help'], admin),
      runCli(['admin', 'tenant', 'update', '--help'], admin),
    ]);
    const help = ok(toggleHelp);
    assert.match(help, /--enabled \[true\|false\]/);
    assert.match(help, /--no-enabled +sets enabled to false/);
    assert.match(help, /--clear-enabled +sets enabled to null/);
    assert.match(ok(tenantHelp), /--clear-group +sets group to null/);
  });

  it('the termination-protection hint works as typed', async () => {
    await simulatedTenant(server.admin, { customer: 'prot', tenant: 'prot-dev', region: 'prot-sim' });
    const instance = await runningInstance(server.admin, 'prot-dev', 'prot-sim', 'guarded');
    await server.admin.instances.setTerminationProtection({ tenant: 'prot-dev', id: instance.id, enabled: true });
    const where = ['--tenant', 'prot-dev', '--id', instance.id];

    const refused = await runCli(['instances', 'terminate', ...where], admin);
    assert.notEqual(refused.code, 0);
    const hint = /`maestro (instances set-termination-protection [^`]*)`/.exec(refused.stderr);
    assert.ok(hint, `the refusal says how to turn protection off: ${refused.stderr}`);
    ok(await runCli([...hint[1]!.split(' '), ...where], admin));
    const [described] = (await server.admin.instances.describe({ tenant: 'prot-dev', ids: [instance.id] })).items;
    assert.equal(described?.terminationProtection, false);

    ok(await runCli(['instances', 'set-termination-protection', ...where, '--enabled', 'true'], admin));
    const [again] = (await server.admin.instances.describe({ tenant: 'prot-dev', ids: [instance.id] })).items;
    assert.equal(again?.terminationProtection, true);
  });
});
