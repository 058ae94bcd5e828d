/**
 * Connecting to PostgreSQL at start waits for a server that is not there yet, with back-off and
 * within a time limit, and then says which server (never the password) and what to do (issue 14,
 * item 15). Time is the test's: waiting moves a clock by hand instead of sleeping.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { openPostgres } from '../../src/store/postgres.js';
import { PostgresConnectError, waitForPostgres, type ConnectPolicy } from '../../src/store/postgres-connect.js';
import { postgresSkip, postgresUrl } from '../support/databases.js';

/** A clock that only moves when the code under test waits; `onWait` sees each wait. */
function manualTime(onWait: (ms: number, waits: number[]) => void | Promise<void> = () => undefined): ConnectPolicy & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    timeoutMs: 10_000,
    waits,
    now: () => now,
    async wait(ms) {
      waits.push(ms);
      now += ms;
      await onWait(ms, waits);
    },
  };
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Forwards `port` to the test PostgreSQL server: a server that comes up late. */
async function forwardToPostgres(port: number): Promise<{ close(): Promise<void> }> {
  const target = new URL(postgresUrl);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const withoutPostgres = await postgresSkip();

describe('connecting to PostgreSQL', () => {
  it('retries a server that does not answer with growing waits, then names it without the password', async () => {
    const port = await closedPort();
    const time = manualTime();
    await assert.rejects(waitForPostgres(`postgres://maestro:s3cret-pw@127.0.0.1:${port}/maestro`, time), (error: unknown) => {
      assert.ok(error instanceof PostgresConnectError, String(error));
      assert.equal(error.reason, 'unreachable');
      assert.match(error.message, new RegExp(`^PostgreSQL at postgres://maestro@127\\.0\\.0\\.1:${port}/maestro cannot be reached \\(.*ECONNREFUSED`));
      assert.match(error.message, new RegExp(`after ${time.waits.length + 1} attempts`));
      assert.match(error.message, /check that the server is running .*DATABASE_URL/);
      assert.ok(!error.message.includes('s3cret-pw'));
      return true;
    });
    assert.deepEqual(time.waits, [250, 500, 1000, 2000, 2000, 2000, 2000]);
    assert.ok(time.waits.reduce((sum, ms) => sum + ms, 0) <= time.timeoutMs);
  });

  it('tries once with no time to wait', async () => {
    const time = { ...manualTime(), timeoutMs: 0 };
    await assert.rejects(waitForPostgres(`postgres://maestro@127.0.0.1:${await closedPort()}/maestro`, time), /after 1 attempt in 0 s/);
    assert.deepEqual(time.waits, []);
  });

  it('refuses a URL it cannot read, without repeating it', async () => {
    await assert.rejects(waitForPostgres('postgres://maestro:s3cret-pw@[::1/maestro', manualTime()), (error: unknown) => {
      assert.ok(error instanceof PostgresConnectError && error.reason === 'url', String(error));
      assert.ok(!error.message.includes('s3cret-pw'));
      return true;
    });
  });

  it('uses a server that comes up while it waits', { skip: withoutPostgres }, async () => {
    const port = await closedPort();
    let forward: { close(): Promise<void> } | undefined;
    // The server "starts" during the second wait: two attempts fail, the third connects.
    const time = manualTime(async (_ms, waits) => {
      if (waits.length === 2) forward = await forwardToPostgres(port);
    });
    const url = new URL(postgresUrl);
    url.host = `127.0.0.1:${port}`;
    try {
      const db = await openPostgres({ url: url.toString(), poolSize: 1, connect: time });
      try {
        assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
      } finally {
        await db.close();
      }
      assert.deepEqual(time.waits, [250, 500]);
    } finally {
      await forward?.close();
    }
  });

  it('does not wait for an answer that will not change (no such database)', { skip: withoutPostgres }, async () => {
    const url = new URL(postgresUrl);
    url.pathname = '/maestro_no_such_database';
    const time = manualTime();
    await assert.rejects(openPostgres({ url: url.toString(), connect: time }), (error: unknown) => {
      assert.ok(error instanceof PostgresConnectError && error.reason === 'refused', String(error));
      assert.match(error.message, /has no database "maestro_no_such_database"; create it/);
      return true;
    });
    assert.deepEqual(time.waits, []);
  });
});

describe('a PostgreSQL test suite without PostgreSQL', () => {
  const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/postgres-suite.ts');
  const runFixture = async (env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', fixture], {
      // Without NODE_TEST_CONTEXT, which would make the child a part of this run instead of a run of its own.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_TEST_CONTEXT')), DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/test`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, output };
  };

  it('is skipped outside CI with one line saying why', async () => {
    const { code, output } = await runFixture({ CI: 'false' });
    assert.equal(code, 0, output);
    const lines = output.split('\n').filter((line) => line.includes('PostgreSQL'));
    assert.equal(lines.length, 1, output);
    assert.match(lines[0]!, /skipped without PostgreSQL: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test cannot be reached/);
  });

  it('fails in CI', async () => {
    const { code, output } = await runFixture({ CI: 'true', MAESTRO_TEST_POSTGRES_WAIT_MS: '300' });
    assert.notEqual(code, 0, output);
    assert.match(output, /PostgreSQL is required in CI: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test cannot be reached/);
  });
});
