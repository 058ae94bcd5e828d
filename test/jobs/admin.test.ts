import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClient, MaestroError, type MaestroClient } from '../../src/sdk/client.js';
import { runCli, credentialsEnv } from '../cli/run-cli.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { waitFor } from './support/helpers.js';

describe('the JMX page: nodes and jobs for system administrators', () => {
  let server: TestServer;
  let admin: MaestroClient;
  let failedJob: string;

  before(async () => {
    server = await startTestServer({ config: { jobPollMs: 20, nodeName: 'jmx-node' } });
    admin = server.admin;
    server.maestro.jobs.register(
      'test.fails',
      async function failsEveryTime() {
        throw new Error('no luck');
      },
      { maxAttempts: 1 },
    );
    failedJob = (await server.maestro.jobs.enqueue({ type: 'test.fails', payload: { n: 1 } })).id;
    await waitFor(async () => (await admin.jobs.describe({ id: failedJob })).items[0]?.status === 'failed', 'the job to fail');
  });
  after(() => server?.close());

  it('lists the nodes with their heartbeat and load; a node that stopped beating is lost', async () => {
    const now = Date.now();
    for (const [name, status, heartbeatAgoMs] of [
      ['gone-node', 'running', 3_600_000],
      ['old-node', 'stopped', 7_200_000],
    ] as const) {
      await server.maestro.db.query(
        `INSERT INTO nodes (id, name, host, pid, url, version, started_at, heartbeat_at, status, load)
         VALUES ($1, $2, 'elsewhere', 1, NULL, '0.0.1', $3, $3, $4, '{"loadAverage":[0,0,0],"rssBytes":1,"heapUsedBytes":1,"jobsRunning":0,"jobConcurrency":4}')`,
        [randomUUID(), name, new Date(now - heartbeatAgoMs).toISOString(), status],
      );
    }
    const all = await admin.nodes.describe();
    const byName = Object.fromEntries(all.items.map((node) => [node.name, node]));
    assert.deepEqual(
      Object.fromEntries(all.items.map((node) => [node.name, node.status])),
      { 'jmx-node': 'running', 'gone-node': 'lost', 'old-node': 'stopped' },
    );
    assert.equal(byName['jmx-node']!.url, server.url);
    assert.equal(byName['jmx-node']!.load.jobConcurrency, 4);
    assert.equal(byName['jmx-node']!.pid, process.pid);
    assert.deepEqual((await admin.nodes.describe({ status: 'lost' })).items.map((node) => node.name), ['gone-node']);
  });

  it('lists jobs by status and type, page by page, with the error and its stack', async () => {
    const failed = await admin.jobs.describe({ status: 'failed' });
    assert.deepEqual(failed.items.map((job) => job.id), [failedJob]);
    const [job] = failed.items;
    assert.equal(job!.error, 'no luck');
    assert.match(job!.errorStack!, /failsEveryTime/);
    assert.deepEqual([job!.type, job!.attempts, job!.maxAttempts, job!.node, job!.payload], ['test.fails', 1, 1, 'jmx-node', { n: 1 }]);

    server.maestro.jobs.register('test.quick', async (payload: unknown) => payload);
    for (let i = 0; i < 3; i++) await server.maestro.jobs.enqueue({ type: 'test.quick', payload: { i } });
    await waitFor(async () => (await admin.jobs.describe({ type: 'test.quick', status: 'success' })).items.length === 3, 'the quick jobs');
    const first = await admin.jobs.describe({ type: 'test.quick', limit: 2 });
    const second = await admin.jobs.describe({ type: 'test.quick', limit: 2, cursor: first.nextCursor! });
    assert.deepEqual([...first.items, ...second.items].map((item) => item.result), [{ i: 2 }, { i: 1 }, { i: 0 }], 'newest first');
    assert.equal(second.nextCursor, null);
  });

  it('retries a failed job, audited, and refuses to retry any other', async () => {
    const retried = await admin.jobs.retry({ id: failedJob });
    assert.deepEqual([retried.status, retried.attempts, retried.error], ['pending', 0, null]);
    const { rows } = await server.maestro.db.query<{ initiator: { name: string }; data: Record<string, unknown> }>(
      `SELECT initiator, data FROM event_log WHERE type = 'job.retried' AND target_id = $1`,
      [failedJob],
    );
    assert.deepEqual(rows.map((row) => [row.initiator.name, row.data]), [['admin', { id: failedJob, type: 'test.fails', previousError: 'no luck' }]]);
    await waitFor(async () => (await admin.jobs.describe({ id: failedJob })).items[0]?.status === 'failed', 'the retried job to fail again');

    const quick = (await admin.jobs.describe({ type: 'test.quick', limit: 1 })).items[0]!;
    await assert.rejects(admin.jobs.retry({ id: quick.id }), (error: MaestroError) => error.kind === 'invalid_state' && /success/.test(error.message));
    await assert.rejects(admin.jobs.retry({ id: randomUUID() }), (error: MaestroError) => error.kind === 'not_found');
  });

  it('shows the recurring system jobs with their schedules, last and next runs', async () => {
    const recurring = await admin.jobs.describeRecurring();
    assert.deepEqual(
      recurring.items.map((item) => [item.name, item.schedule, item.enabled]),
      [
        ['billing.hourly', 'every 1 min', true],
        ['compute.discovery', 'every 30 min', true],
        ['jobs.cleanup', '30 * * * * (UTC)', true],
        ['notifications.deliver', 'every 5 s', true],
        ['quotas.evaluate', 'every 5 min', true],
      ],
    );
    for (const item of recurring.items) assert.ok(Date.parse(item.nextRunAt!) > Date.now() - 60_000, `${item.name} has a next run`);
    assert.deepEqual((await admin.jobs.describeRecurring({ name: 'jobs.cleanup' })).items.map((item) => item.cron), ['30 * * * *']);
  });

  it('answers `maestro admin nodes` and `maestro admin jobs`', async () => {
    const env = credentialsEnv(server.url, server.credentials);
    const nodes = await runCli(['admin', 'nodes', '--json'], env);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.ok((JSON.parse(nodes.stdout) as { items: Array<{ name: string }> }).items.some((node) => node.name === 'jmx-node'));
    const jobs = await runCli(['admin', 'jobs', '--status', 'failed'], env);
    assert.equal(jobs.code, 0, jobs.stderr);
    assert.match(jobs.stdout, /test\.fails/);
  });

  it('refuses all of it to anyone but a system administrator, even a customer administrator', async () => {
    await admin.customers.create({ name: 'acme' });
    await admin.tenants.create({ customer: 'acme', name: 'acme-prod' });
    await admin.users.create({ name: 'carol', customer: 'acme' });
    await admin.users.addCustomerRole({ name: 'carol', role: 'admin' });
    await admin.users.addRole({ name: 'carol', tenant: 'acme-prod', role: 'admin' });
    const carol = createClient({ url: server.url, ...(await admin.keys.create({ user: 'carol' })) });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['nodes.describe', () => carol.nodes.describe()],
      ['jobs.describe', () => carol.jobs.describe()],
      ['jobs.retry', () => carol.jobs.retry({ id: failedJob })],
      ['jobs.describeRecurring', () => carol.jobs.describeRecurring()],
    ];
    for (const [name, call] of calls) {
      await assert.rejects(call(), (error: MaestroError) => error.kind === 'forbidden', name);
    }
  });
});
