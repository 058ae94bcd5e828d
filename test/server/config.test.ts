import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig, settingNames } from '../../src/server/config.js';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-config-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(content: string | object): string {
  const file = path.join(dir, `config-${files++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The ConfigError loadConfig throws, with its problems. */
function configError(env: NodeJS.ProcessEnv, overrides: Parameters<typeof loadConfig>[1] = {}): ConfigError {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.ok(error.problems.length > 0);
    for (const problem of error.problems) assert.ok(error.message.includes(problem));
    return error;
  }
  assert.fail('loadConfig accepted the configuration');
}

describe('loadConfig defaults', () => {
  it('has a default for everything but the database URL and the master key', () => {
    const config = loadConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databasePoolSize, 10);
    assert.equal(config.masterKey, undefined);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.bodyLimitBytes, 1024 * 1024);
    assert.equal(config.signatureWindowSeconds, 300);
    assert.equal(config.nodeName, os.hostname());
    assert.equal(config.relayIntervalMs, 1000);
    assert.equal(config.validateOutputs, false);
  });

  it('ignores the real environment when given another one', () => {
    const saved = process.env.MAESTRO_PORT;
    process.env.MAESTRO_PORT = 'not-a-port';
    try {
      assert.equal(loadConfig({}).port, 8080);
    } finally {
      if (saved === undefined) delete process.env.MAESTRO_PORT;
      else process.env.MAESTRO_PORT = saved;
    }
  });

  it('reads every setting from its environment variable', () => {
    const config = loadConfig({
      MAESTRO_HOST: '0.0.0.0',
      MAESTRO_PORT: '9090',
      MAESTRO_DATA_DIR: 'relative/data',
      DATABASE_URL: 'postgresql://maestro@db.example:5432/maestro',
      MAESTRO_DB_POOL_SIZE: '25',
      MAESTRO_MASTER_KEY: 'k'.repeat(10),
      MAESTRO_LOG_LEVEL: 'debug',
      MAESTRO_BODY_LIMIT: '4096',
      MAESTRO_SIGNATURE_WINDOW: '60',
      MAESTRO_NODE_NAME: 'node-a',
      MAESTRO_RELAY_INTERVAL_MS: '250',
      MAESTRO_VALIDATE_OUTPUTS: 'true',
    });
    const known = {
      host: '0.0.0.0',
      port: 9090,
      dataDir: path.resolve('relative/data'),
      databaseUrl: 'postgresql://maestro@db.example:5432/maestro',
      databasePoolSize: 25,
      masterKey: 'k'.repeat(10),
      logLevel: 'debug',
      bodyLimitBytes: 4096,
      signatureWindowSeconds: 60,
      nodeName: 'node-a',
      relayIntervalMs: 250,
      validateOutputs: true,
    };
    const got = Object.fromEntries(Object.keys(known).map((key) => [key, config[key as keyof typeof config]]));
    assert.deepEqual(got, known);
    // Every setting has its environment variable.
    assert.deepEqual(Object.keys(settingNames).sort(), Object.keys(config).sort());
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(loadConfig({ MAESTRO_PORT: '' }).port, 8080);
    const file = configFile({ port: 7000 });
    assert.equal(loadConfig({ MAESTRO_CONFIG: file, MAESTRO_PORT: '' }).port, 7000);
  });
});

describe('loadConfig precedence', () => {
  it('lets the environment win over the file, and the file over the defaults', () => {
    const file = configFile({ port: 9000, logLevel: 'warn', host: '10.0.0.1', validateOutputs: true });
    const config = loadConfig({ MAESTRO_CONFIG: file, MAESTRO_PORT: '9100', MAESTRO_LOG_LEVEL: 'error' });
    assert.equal(config.port, 9100);
    assert.equal(config.logLevel, 'error');
    assert.equal(config.host, '10.0.0.1');
    assert.equal(config.validateOutputs, true);
    assert.equal(config.bodyLimitBytes, 1024 * 1024);
  });

  it('lets explicit overrides win over both', () => {
    const file = configFile({ port: 9000 });
    assert.equal(loadConfig({ MAESTRO_CONFIG: file, MAESTRO_PORT: '9100' }, { port: 0 }).port, 0);
  });

  it('validates file values as strictly as environment values', () => {
    const file = configFile({ port: 'nine thousand' });
    const error = configError({ MAESTRO_CONFIG: file });
    assert.match(error.problems[0]!, new RegExp(`^port \\(in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    // The environment fixes it.
    assert.equal(loadConfig({ MAESTRO_CONFIG: file, MAESTRO_PORT: '1234' }).port, 1234);
  });
});

describe('loadConfig errors name the setting', () => {
  it('MAESTRO_PORT=abc', () => {
    const error = configError({ MAESTRO_PORT: 'abc' });
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0]!, /^MAESTRO_PORT: /);
    assert.match(error.problems[0]!, /"abc"/);
    assert.match(error.message, /^invalid configuration:\n {2}- MAESTRO_PORT/);
  });

  it('out-of-range and fractional numbers', () => {
    for (const [name, value] of [
      ['MAESTRO_PORT', '65536'],
      ['MAESTRO_PORT', '-1'],
      ['MAESTRO_PORT', '80.5'],
      ['MAESTRO_DB_POOL_SIZE', '0'],
      ['MAESTRO_BODY_LIMIT', '10'],
      ['MAESTRO_SIGNATURE_WINDOW', '86400'],
      ['MAESTRO_RELAY_INTERVAL_MS', 'soon'],
    ] as const) {
      const error = configError({ [name]: value });
      assert.match(error.problems[0]!, new RegExp(`^${name}: `), `${name}=${value}`);
    }
  });

  it('DATABASE_URL=mysql://… without showing the URL', () => {
    const error = configError({ DATABASE_URL: 'mysql://root:hunter2@db.example/maestro' });
    assert.match(error.problems[0]!, /^DATABASE_URL: .*postgres/);
    assert.doesNotMatch(error.message, /hunter2/);
    assert.match(error.message, /\(hidden\)/);
  });

  it('an unknown log level, and a bad boolean', () => {
    assert.match(configError({ MAESTRO_LOG_LEVEL: 'loud' }).problems[0]!, /^MAESTRO_LOG_LEVEL: /);
    assert.match(configError({ MAESTRO_VALIDATE_OUTPUTS: 'yes' }).problems[0]!, /^MAESTRO_VALIDATE_OUTPUTS: /);
  });

  it('reports every problem at once', () => {
    const error = configError({ MAESTRO_PORT: 'abc', MAESTRO_LOG_LEVEL: 'loud', DATABASE_URL: 'sqlite:x' });
    assert.deepEqual(error.problems.map((p) => p.split(':')[0]).sort(), ['DATABASE_URL', 'MAESTRO_LOG_LEVEL', 'MAESTRO_PORT']);
  });

  it('an unknown key in the MAESTRO_CONFIG file, listing the known ones', () => {
    const file = configFile({ port: 9000, prot: 9001 });
    const error = configError({ MAESTRO_CONFIG: file });
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0]!, /^prot \(in .*config-\d+\.json\): unknown setting/);
    assert.match(error.problems[0]!, /known ones are host, port, dataDir/);
    // Environment variable names are not setting names in the file.
    const envNames = configError({ MAESTRO_CONFIG: configFile({ MAESTRO_PORT: 1 }) });
    assert.match(envNames.problems[0]!, /^MAESTRO_PORT \(in .*\): unknown setting/);
  });

  it('an unreadable MAESTRO_CONFIG file', () => {
    const missing = path.join(dir, 'missing.json');
    const error = configError({ MAESTRO_CONFIG: missing });
    assert.match(error.problems[0]!, /^MAESTRO_CONFIG: cannot read .*missing\.json/);
    assert.match(error.problems[0]!, /ENOENT/);
    const directory = path.join(dir, 'a-directory.json');
    mkdirSync(directory);
    assert.match(configError({ MAESTRO_CONFIG: directory }).problems[0]!, /^MAESTRO_CONFIG: cannot read /);
    if (process.getuid?.() !== 0) {
      const locked = configFile({ port: 1 });
      chmodSync(locked, 0o000);
      assert.match(configError({ MAESTRO_CONFIG: locked }).problems[0]!, /^MAESTRO_CONFIG: cannot read .*EACCES/);
    }
  });

  it('a MAESTRO_CONFIG file that is not JSON says where, without quoting it', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"port": 9000,}', /line 1, column 15/],
      ['{"masterKey": SECRETMASTERKEYVALUE}', /line 1, column 15/],
      ['{\n  "port": 9000,\n  "databaseUrl": "postgres://u:SECRETPASSWORD@db/x" "logLevel": "info"\n}', /line 3, column \d+/],
      ['{"databaseUrl": "postgres://u:SECRETPASSWORD@db/x"} SECRET', /line 1, column \d+/],
      ['{"masterKey": "SECRET\u0001KEY"}', /line 1, column \d+/],
      ['', /Unexpected end/],
      ['{"port": 90', /./],
    ];
    for (const [text, where] of cases) {
      const error = configError({ MAESTRO_CONFIG: configFile(text) });
      assert.equal(error.problems.length, 1);
      assert.match(error.problems[0]!, /^MAESTRO_CONFIG: .*config-\d+\.json is not valid JSON: /, text);
      assert.match(error.problems[0]!, where, `${text}: ${error.problems[0]}`);
      assert.doesNotMatch(error.message, /SECRET/, `${text}: ${error.message}`);
    }
  });

  it('a MAESTRO_CONFIG file holding something else than an object', () => {
    for (const text of ['[]', '"port"', '8080', 'null']) {
      assert.match(configError({ MAESTRO_CONFIG: configFile(text) }).problems[0]!, /^MAESTRO_CONFIG: .* must hold one JSON object/, text);
    }
  });

  it('does not show a bad master key from the file', () => {
    const file = configFile({ masterKey: '', databaseUrl: 'ftp://user:SECRETPASSWORD@x' });
    const error = configError({ MAESTRO_CONFIG: file });
    assert.equal(error.problems.length, 2);
    assert.doesNotMatch(error.message, /SECRETPASSWORD/);
    assert.match(error.message, /masterKey \(in /);
  });
});
