/**
 * `maestro serve` start-up mistakes end with one line on stderr (what was wrong, what to do) and
 * an exit code of their own, never a stack trace (issue 14, item 4). Each case runs the real
 * command in a child process and waits for it to end.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { startMaestro } from '../../src/server/runtime.js';
import { StartupError, startupProblems, type StartupProblem } from '../../src/server/startup-error.js';
import { postgresSkip, postgresUrl } from '../support/databases.js';
import { tempDir } from '../support/store-helpers.js';
import { runCli } from '../cli/run-cli.js';
import { spawnServe } from './serve-process.js';

const temp = tempDir('maestro-serve-startup-');
after(() => temp.remove());
let dirs = 0;
const freshDir = () => path.join(temp.dir, `data-${dirs++}`);

/** Runs `maestro serve` with `env` until it ends, and checks it ended as `problem` says, in one line. */
async function failsWith(env: Record<string, string>, problem: StartupProblem, message: RegExp): Promise<string> {
  const { code, stderr } = await spawnServe(env).exited;
  const lines = stderr.split('\n');
  assert.equal(lines.length, 2, `expected one line on stderr, got:\n${stderr}`);
  assert.equal(lines[1], '');
  assert.doesNotMatch(stderr, /^\s+at /m, 'a stack trace');
  assert.match(lines[0]!, new RegExp(`^error \\(${problem}\\): `));
  assert.match(lines[0]!, message);
  assert.equal(code, startupProblems[problem].exitCode, stderr);
  return lines[0]!;
}

/** A port something else listens on, until `close`. */
async function takenPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { port: address.port, server };
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const { port, server } = await takenPort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A data directory a node has started on and stopped: a database with its key check. */
async function usedDataDir(): Promise<string> {
  const dataDir = freshDir();
  const maestro = await startMaestro({
    config: loadConfig({}, { dataDir, logLevel: 'silent', defaultSimulatedRegion: false }),
    listen: false,
  });
  await maestro.close();
  return dataDir;
}

const withoutPostgres = await postgresSkip();

// Each case is a process of its own with its own data directory and port: they run side by side.
describe('maestro serve start-up mistakes', { concurrency: 4 }, () => {
  it('are listed with their exit codes in maestro serve --help, beside the master key file setting', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    assert.equal(code, 0);
    for (const [kind, problem] of Object.entries(startupProblems)) {
      assert.match(stdout, new RegExp(`^ +${problem.exitCode} +${kind} +${problem.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
    }
    assert.match(stdout, /MAESTRO_MASTER_KEY_FILE +masterKeyFile/);
    assert.match(stdout, /a key file others may read is made 0600 with a warning/);
  });

  it('a bad setting: exit 2, naming the setting', async () => {
    await failsWith({ MAESTRO_PORT: '99999', MAESTRO_DATA_DIR: freshDir() }, 'config', /MAESTRO_PORT: .*99999.*maestro serve --help/);
    await failsWith(
      { MAESTRO_MASTER_KEY: randomBytes(32).toString('base64'), MAESTRO_MASTER_KEY_FILE: path.join(freshDir(), 'k'), MAESTRO_DATA_DIR: freshDir() },
      'config',
      /MAESTRO_MASTER_KEY and MAESTRO_MASTER_KEY_FILE are both set/,
    );
  });

  it('a port already taken: exit 10, naming the address and MAESTRO_PORT', async () => {
    const { port, server } = await takenPort();
    try {
      await failsWith(
        { MAESTRO_PORT: String(port), MAESTRO_DATA_DIR: freshDir() },
        'listen',
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*in use by another process.*MAESTRO_PORT`),
      );
    } finally {
      server.close();
    }
  });

  it('a data directory that cannot be used: exit 11, naming it and MAESTRO_DATA_DIR', async () => {
    const file = path.join(temp.dir, `not-a-directory-${dirs++}`);
    writeFileSync(file, 'a file where the data directory should be');
    await failsWith({ MAESTRO_DATA_DIR: file, MAESTRO_PORT: '0' }, 'data_dir', new RegExp(`${file}.*MAESTRO_DATA_DIR`));
    await failsWith({ MAESTRO_DATA_DIR: path.join(file, 'below'), MAESTRO_PORT: '0' }, 'data_dir', /not a directory \(ENOTDIR\).*MAESTRO_DATA_DIR/);
  });

  it('a data directory another Maestro runs on: exit 12, naming the process', async () => {
    const dataDir = freshDir();
    mkdirSync(dataDir);
    // This test's own process is alive, as a running node would be.
    writeFileSync(path.join(dataDir, 'maestro.pid'), String(process.pid));
    await failsWith({ MAESTRO_DATA_DIR: dataDir, MAESTRO_PORT: '0' }, 'data_dir_locked', new RegExp(`in use by process ${process.pid}; stop that Maestro first`));
  });

  it('a DATABASE_URL that cannot be read or reached: exit 13, without the password', async () => {
    const password = 'pa55-word-never-shown';
    const unreadable = await failsWith(
      { DATABASE_URL: `postgres://maestro:${password}@[::1/maestro`, MAESTRO_DATA_DIR: freshDir() },
      'database',
      /DATABASE_URL cannot be read as a PostgreSQL URL .*postgres:\/\/user:password@host:5432\/database/,
    );
    assert.ok(!unreadable.includes(password));
    const port = await closedPort();
    const unreachable = await failsWith(
      { DATABASE_URL: `postgres://maestro:${password}@127.0.0.1:${port}/maestro`, MAESTRO_DB_CONNECT_TIMEOUT_MS: '600', MAESTRO_DATA_DIR: freshDir() },
      'database',
      new RegExp(`PostgreSQL at postgres://maestro@127\\.0\\.0\\.1:${port}/maestro cannot be reached \\(.*ECONNREFUSED.*\\) after \\d+ attempts .*correct the host and port in DATABASE_URL`),
    );
    assert.ok(!unreachable.includes(password));
  });

  it('a DATABASE_URL the server refuses (no such database, no such user): exit 13', { skip: withoutPostgres }, async () => {
    const url = new URL(postgresUrl);
    url.pathname = '/maestro_no_such_database';
    await failsWith({ DATABASE_URL: url.toString(), MAESTRO_DATA_DIR: freshDir() }, 'database', /has no database "maestro_no_such_database"; create it/);
    url.pathname = new URL(postgresUrl).pathname;
    url.username = 'maestro_no_such_user';
    await failsWith({ DATABASE_URL: url.toString(), MAESTRO_DATA_DIR: freshDir() }, 'database', /refused the login .*correct the user and password in DATABASE_URL/);
  });

  it('a malformed master key: exit 14, naming MAESTRO_MASTER_KEY without repeating it', async () => {
    const line = await failsWith({ MAESTRO_MASTER_KEY: 'not-a-key-at-all', MAESTRO_DATA_DIR: freshDir(), MAESTRO_PORT: '0' }, 'master_key', /MAESTRO_MASTER_KEY must be 32 random bytes/);
    assert.ok(!line.includes('not-a-key-at-all'));
  });

  it('a master key that is not the database’s: exit 14, naming where the key came from', async () => {
    const dataDir = await usedDataDir();
    await failsWith(
      { MAESTRO_MASTER_KEY: randomBytes(32).toString('base64'), MAESTRO_DATA_DIR: dataDir, MAESTRO_PORT: '0' },
      'master_key',
      /^error \(master_key\): MAESTRO_MASTER_KEY is not the master key of this database/,
    );
    const keyFile = path.join(dataDir, 'master.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await failsWith({ MAESTRO_DATA_DIR: dataDir, MAESTRO_PORT: '0' }, 'master_key', new RegExp(`the master key file ${keyFile} is not the master key of this database`));
  });
});

describe('a first start that cannot listen', () => {
  it('creates no administrator, so the next start still shows its credentials', async () => {
    const dataDir = freshDir();
    const { port, server } = await takenPort();
    const config = (listenOn: number) => loadConfig({}, { dataDir, port: listenOn, logLevel: 'silent', defaultSimulatedRegion: false });
    try {
      await assert.rejects(startMaestro({ config: config(port) }), (error: unknown) => error instanceof StartupError && error.problem === 'listen');
    } finally {
      server.close();
    }
    const maestro = await startMaestro({ config: config(0) });
    try {
      assert.ok(maestro.bootstrap, 'the administrator was made by the start that could not listen, its secret never shown');
    } finally {
      await maestro.close();
    }
  });
});
