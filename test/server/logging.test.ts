/**
 * Nothing secret reaches the log: not secret keys, passwords, password hashes, signature header
 * values, sealed secrets or the master key, whatever calls arrive and however they fail.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createClient, MaestroError, type MaestroClient } from '../../src/sdk/client.js';
import { loadConfig, type ConfigInput } from '../../src/server/config.js';
import { createLogger, type Logger } from '../../src/server/logger.js';
import { hashPassword } from '../../src/server/passwords.js';
import { startMaestro, type Maestro } from '../../src/server/runtime.js';
import { StartupError } from '../../src/server/startup-error.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { closeConnections, request, signHeaders, type Credentials, type RawResponse } from '../api/rpc-http.js';
import { m3Client } from '../compat/support/m3-client.js';

/** Everything a logger writes, as text. */
class LogSink extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  get text(): string {
    return this.chunks.join('');
  }
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

interface LoggedServer {
  maestro: Maestro;
  url: string;
  credentials: Credentials | null;
  admin: MaestroClient | null;
  close(): Promise<void>;
}

/** startTestServer with a logger of our own (and optionally a database and a data directory). */
async function startLoggedServer(
  logger: Logger,
  options: { dataDir: string; db?: Database; config?: ConfigInput },
): Promise<LoggedServer> {
  const config = loadConfig({}, { port: 0, dataDir: options.dataDir, logLevel: 'trace', validateOutputs: true, ...options.config });
  const maestro = await startMaestro({ config, logger, ...(options.db ? { db: options.db } : {}) });
  const credentials = maestro.bootstrap ? { accessKey: maestro.bootstrap.accessKey, secretKey: maestro.bootstrap.secretKey } : null;
  return {
    maestro,
    url: maestro.url,
    credentials,
    admin: credentials ? createClient({ url: maestro.url, ...credentials }) : null,
    close: () => maestro.close(),
  };
}

/**
 * A database whose event inserts can be made to fail for real (PGlite errors carry the
 * statement's parameters, which is what must not be logged).
 */
function withFailingEventInserts(db: Database): { db: Database; failing: { on: boolean; hits: number } } {
  const failing = { on: false, hits: 0 };
  const breakSql = (sql: string) => {
    if (!failing.on || !/INSERT INTO event_log/i.test(sql)) return sql;
    failing.hits += 1;
    return sql.replace(/INSERT INTO event_log/i, 'INSERT INTO event_log_that_is_missing');
  };
  const wrapQueryable = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver);
        if (property === 'query' && typeof value === 'function') {
          return (sql: string, params?: readonly unknown[]) => (value as Database['query']).call(object, breakSql(sql), params);
        }
        if (property === 'transaction' && typeof value === 'function') {
          return <R>(fn: (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<R>) =>
            (value as Database['transaction']).call(object, (tx) => fn(wrapQueryable(tx)));
        }
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
      },
    });
  return { db: wrapQueryable(db), failing };
}

describe('what the server logs', () => {
  const sink = new LogSink();
  const logger = createLogger('trace', sink);
  let dataDir: string;
  let server: LoggedServer;
  let failing: { on: boolean; hits: number };
  let admin: MaestroClient;
  let adminCredentials: Credentials;
  /** Every value that must never appear in the log. */
  const secrets = new Set<string>();
  const remember = (...values: string[]) => values.forEach((value) => secrets.add(value));

  const post = async (body: string, headers: Record<string, string>): Promise<RawResponse> => {
    if (headers['maestro-authentication']) remember(headers['maestro-authentication']);
    return request(server.url, { body, headers });
  };
  const rpc = (method: string, params: unknown, id = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

  function assertNoSecretsLogged(): void {
    const text = sink.text;
    assert.ok(text.length > 0, 'the log is empty: the sink did not capture anything');
    for (const secret of secrets) {
      assert.ok(secret.length >= 8, `too short to look for: ${secret}`);
      const at = text.indexOf(secret);
      assert.equal(at, -1, `a secret (${secret.slice(0, 6)}…) was logged: …${text.slice(Math.max(0, at - 300), at + 100)}…`);
    }
    // Also any recognisable fragment of a password hash or sealed secret.
    assert.doesNotMatch(text, /scrypt\$\d+\$/);
    assert.doesNotMatch(text, /"v1:[A-Za-z0-9+/]{20,}/);
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-logging-test-'));
    const wrapped = withFailingEventInserts(await openPglite());
    failing = wrapped.failing;
    server = await startLoggedServer(logger, { dataDir, db: wrapped.db });
    assert.ok(server.admin && server.credentials);
    admin = server.admin;
    adminCredentials = server.credentials;
    remember(adminCredentials.secretKey);
  });
  after(async () => {
    closeConnections();
    await server?.close();
    await server?.maestro.db.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps keys, passwords and their hashes out of the log through normal work', async () => {
    await admin.users.create({ name: 'alice', email: 'alice@example.test' });
    const aliceKey = await admin.keys.create({ user: 'alice', description: 'for logging' });
    const adminKey = await admin.keys.create({ description: 'second' });
    remember(aliceKey.secretKey, adminKey.secretKey);
    const alice = createClient({ url: server.url, accessKey: aliceKey.accessKey, secretKey: aliceKey.secretKey });

    const passwords = ['correct horse battery staple', 'Tr0ub4dor&3-but-longer', 'admin password 12345'];
    remember(...passwords);
    await admin.users.setPassword({ name: 'alice', password: passwords[0]! });
    await alice.users.setPassword({ name: 'alice', password: passwords[1]! });
    await admin.users.setPassword({ name: 'admin', password: passwords[2]! });
    assert.equal((await alice.users.whoami()).hasPassword, true);

    // Refused calls that carry a password.
    const refusedPassword = 'refused password 0987654321';
    remember(refusedPassword);
    await assert.rejects(alice.users.setPassword({ name: 'admin', password: refusedPassword }), (e: MaestroError) => e.kind === 'forbidden');
    await assert.rejects(admin.users.setPassword({ name: 'nobody', password: refusedPassword }), (e: MaestroError) => e.kind === 'not_found');
    await assert.rejects(
      admin.call('users.setPassword', { name: 'alice', password: refusedPassword, secretKey: refusedPassword }),
      (e: MaestroError) => e.kind === 'invalid_input',
    );
    await admin.keys.delete({ accessKey: adminKey.accessKey });

    const { rows: hashes } = await server.maestro.db.query<{ hash: string }>('SELECT password_hash AS hash FROM users WHERE password_hash IS NOT NULL');
    const { rows: sealed } = await server.maestro.db.query<{ sealed: string }>('SELECT secret_encrypted AS sealed FROM access_keys');
    assert.equal(hashes.length, 2);
    assert.ok(sealed.length >= 2);
    remember(...hashes.map((r) => r.hash), ...sealed.map((r) => r.sealed));
    assertNoSecretsLogged();
  });

  it('keeps signatures and secrets out of the log when signatures fail', async () => {
    const body = rpc('system.status', {});
    const before = sink.chunks.length;
    // A wrong secret, a replay, a changed body, an unknown key, a stale date.
    await post(body, signHeaders({ accessKey: adminCredentials.accessKey, secretKey: 'wrong-secret-wrong-secret-wrong!' }, body));
    const replayed = signHeaders(adminCredentials, body);
    assert.equal((await post(body, replayed)).status, 200);
    assert.equal((await post(body, replayed)).status, 401);
    assert.equal((await post(rpc('system.rebuild', {}), signHeaders(adminCredentials, body))).status, 401);
    assert.equal((await post(body, signHeaders({ accessKey: 'MK0000000000000000000F', secretKey: adminCredentials.secretKey }, body))).status, 401);
    assert.equal((await post(body, signHeaders(adminCredentials, body, { date: Date.now() - 3_600_000 }))).status, 401);
    // A client configured the wrong way round sends its secret key as the access key.
    const swapped = { accessKey: adminCredentials.secretKey, secretKey: adminCredentials.accessKey };
    const response = await post(body, signHeaders(swapped, body));
    assert.equal(response.status, 401);
    assert.match(response.text, /unknown access key/);

    const refusals = sink.lines().filter((line) => line.msg === 'request refused');
    assert.ok(refusals.length >= 6, `expected the refusals to be logged:\n${sink.chunks.slice(before).join('')}`);
    assert.ok(refusals.every((line) => typeof line.reason === 'string' && line.level === 30));
    // The operator still learns what happened, and which key was unknown when it looks like one.
    assert.ok(refusals.some((line) => /unknown access key .*not an access key/.test(String(line.reason))));
    assert.ok(refusals.some((line) => String(line.reason).includes('unknown access key MK0000000000000000000F')));
    assert.ok(refusals.some((line) => /replay/.test(String(line.reason))));
    assertNoSecretsLogged();
  });

  it('keeps secrets out of the log on the Maestro-compatible endpoint, also when calls fail', async () => {
    const client = m3Client({ url: server.url, ...adminCredentials });
    const ok = await client.batch([{ type: 'M3_STATUS' }, { type: 'DESCRIBE_TENANTS', params: {} }, { type: 'NO_SUCH_ACTION' }]);
    assert.equal(ok.httpStatus, 200);
    const captured = client.build([{ type: 'M3_STATUS' }]);
    remember(captured.headers['maestro-authentication']!);
    assert.equal((await client.post(captured)).httpStatus, 200);
    assert.equal((await client.post(captured)).httpStatus, 401);
    const swapped = m3Client({ url: server.url, accessKey: adminCredentials.secretKey, secretKey: adminCredentials.secretKey });
    const request = swapped.build([{ type: 'M3_STATUS' }]);
    remember(request.headers['maestro-authentication']!);
    const refused = await swapped.post(request);
    assert.equal(refused.httpStatus, 401);
    const refusals = sink.lines().filter((line) => line.msg === 'compatible request refused');
    assert.ok(refusals.some((line) => /unknown access key .*not an access key/.test(String(line.reason))));
    assertNoSecretsLogged();
  });

  it('keeps the values of a failed database statement out of the log', async () => {
    failing.on = true;
    try {
      await assert.rejects(admin.keys.create({ user: 'alice', description: 'doomed' }), (e: MaestroError) => e.kind === 'internal');
      await assert.rejects(admin.users.setPassword({ name: 'alice', password: 'doomed password 111' }), (e: MaestroError) => e.kind === 'internal');
    } finally {
      failing.on = false;
    }
    assert.ok(failing.hits >= 2, 'the database failure was not injected');
    remember('doomed password 111');
    const errors = sink.lines().filter((line) => line.level === 50);
    assert.ok(errors.length >= 2, 'internal errors are logged');
    assertNoSecretsLogged();
  });

  it('strips statement parameters from database errors it is given', async () => {
    const hash = await hashPassword('never logged password');
    const sealed = 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    remember(hash, 'never logged password');
    try {
      await server.maestro.db.query('INSERT INTO no_such_table VALUES ($1, $2)', [hash, sealed]);
      assert.fail('the statement should fail');
    } catch (error) {
      assert.deepEqual((error as { params?: unknown }).params, [hash, sealed], 'PGlite attaches the parameters');
      logger.error({ err: error, method: 'users.setPassword' }, 'internal error');
      logger.error(error as Error, 'top-level error');
      logger.error({ err: new AggregateError([error], 'several') }, 'aggregate');
      // The error itself is left alone.
      assert.deepEqual((error as { params?: unknown }).params, [hash, sealed]);
    }
    logger.info({ params: { name: 'alice', password: 'never logged password' } }, 'params');
    logger.info({ req: { headers: { 'maestro-authentication': secrets.values().next().value } } }, 'headers');
    const last = sink.lines().slice(-5);
    assert.match(JSON.stringify(last[0]), /no_such_table/);
    assertNoSecretsLogged();
  });

  it('refuses to start with another master key, and logs neither key', async () => {
    const masterKey = readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim();
    remember(masterKey);
    // The same database, opened by a node with another master key: it used to start, report
    // healthy and fail every signed call; now it stops before serving anything.
    const db = server.maestro.db;
    await server.maestro.close();
    const otherKey = Buffer.alloc(32, 7).toString('base64');
    await assert.rejects(startLoggedServer(logger, { dataDir, db, config: { masterKey: otherKey } }), (error: unknown) => {
      assert.ok(error instanceof StartupError && error.problem === 'master_key', String(error));
      assert.match(error.message, /^MAESTRO_MASTER_KEY is not the master key of this database/);
      return true;
    });
    assertNoSecretsLogged();
    assert.ok(!sink.text.includes(otherKey));
  });
});
