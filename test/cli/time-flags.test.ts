import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { timeForms } from '../../src/protocol/common.js';
import { MaestroError } from '../../src/sdk/client.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { sampleFor, timeFields } from '../support/time-fields.js';
import { credentialsEnv, runCli, type CliResult } from './run-cli.js';

function ok(result: CliResult): string {
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  return result.stdout;
}

describe('times, as the API and the CLI take them', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  before(async () => {
    server = await startTestServer();
    admin = credentialsEnv(server.url, server.credentials);
  });
  after(() => server?.close());

  it('every time-taking command refuses an impossible date over the API with one issue naming the field', async () => {
    const wrong: string[] = [];
    for (const time of timeFields().filter((t) => t.kind === 'time')) {
      const input = { ...sampleFor(time).base, [time.field]: '2026-02-30' };
      try {
        await server.admin.call(time.command.name, input);
        wrong.push(`${time.command.name} took ${time.field} 2026-02-30`);
      } catch (error) {
        assert.ok(error instanceof MaestroError, String(error));
        const expected = `invalid parameters for ${time.command.name}: ${time.field}: must be ${timeForms}, not '2026-02-30'`;
        if (error.kind !== 'invalid_input' || error.message !== expected) wrong.push(`${time.command.name}: ${error.kind} ${error.message}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('refuses --from 2026-13-45 with one error naming the flag and the accepted forms, before calling', async () => {
    const result = await runCli(['admin', 'billing', 'report', '--kind', 'total', '--from', '2026-13-45', '--to', '2026-01-31'], admin);
    assert.equal(result.code, 2);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error'));
    assert.equal(errors.length, 1, result.stderr);
    assert.match(errors[0]!, /--from must be a date YYYY-MM-DD \(the start of that day in UTC\) or an ISO 8601 date-time with Z or an offset .*, not '2026-13-45'/);
    assert.doesNotMatch(result.stderr, /400 days|after to/);
  });
});

// The times reach the queries (timestamptz filters, report days, the licence end): on both databases.
for (const flavour of flavours) {
  describe(`times through the CLI to the store (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let admin: Record<string, string>;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
      admin = credentialsEnv(server.url, server.credentials);
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('takes a date and a date-time alike, from flags and from --input', async () => {
      await server.admin.customers.create({ name: 'dated' });
      const [events, before2021, report, license, fromInput] = await Promise.all([
        runCli(['admin', 'event', 'describe', '--from', '2020-01-01', '--to', '2999-12-31T23:00:00-01:00', '--type', 'customer.created', '--json'], admin),
        runCli(['admin', 'event', 'describe', '--from', '2020-01-01T00:00:00Z', '--to', '2021-01-01', '--type', 'customer.created', '--json'], admin),
        runCli(['admin', 'billing', 'report', '--kind', 'total', '--customer', 'dated', '--from', '2026-01-01T22:30:00-05:00', '--to', '2026-01-31', '--json'], admin),
        runCli(['admin', 'license', 'set', '--customer', 'dated', '--edition', 'standard', '--ends-at', '2030-06-01', '--json'], admin),
        runCli(['admin', 'event', 'describe', '--input', '{"from":"2026-02-30"}'], admin),
      ]);
      const { items } = JSON.parse(ok(events)) as { items: Array<{ target: { name?: string } }> };
      assert.ok(items.some((event) => event.target.name === 'DATED'), 'the customer created today is within 2020-01-01 … 2999-12-31');
      assert.deepEqual((JSON.parse(ok(before2021)) as { items: unknown[] }).items, []);
      // A date-time counts as the UTC day it falls in: 22:30 at -05:00 is 03:30 UTC on the 2nd.
      const range = JSON.parse(ok(report)) as { from: string; to: string };
      assert.deepEqual([range.from, range.to], ['2026-01-02', '2026-01-31']);
      assert.equal((JSON.parse(ok(license)) as { endsAt: string }).endsAt, '2030-06-01T00:00:00.000Z');
      assert.equal(fromInput.code, 2);
      assert.equal(fromInput.stderr.trim(), `error (invalid_input): invalid parameters for events.describe: from: must be ${timeForms}, not '2026-02-30'`);
    });
  });
}
