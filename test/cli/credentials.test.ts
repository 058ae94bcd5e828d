import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { configPath, readConfigFile, resolveCredentials, writeConfigFile } from '../../src/cli/credentials.js';
import { CliError } from '../../src/cli/errors.js';

describe('CLI credentials', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the config file: MAESTRO_CLI_CONFIG, then XDG_CONFIG_HOME, then ~/.config', () => {
    assert.equal(configPath({ MAESTRO_CLI_CONFIG: '/x/c.json', XDG_CONFIG_HOME: '/xdg' }), '/x/c.json');
    assert.equal(configPath({ XDG_CONFIG_HOME: '/xdg' }), '/xdg/maestro/config.json');
    assert.equal(configPath({ XDG_CONFIG_HOME: 'relative' }), path.join(os.homedir(), '.config/maestro/config.json'));
  });

  it('writes the file 0600 and takes each value from the environment first', () => {
    const file = path.join(dir, 'nested', 'config.json');
    writeConfigFile(file, { url: 'http://file', accessKey: 'AK', secretKey: 'SK' });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(resolveCredentials({ MAESTRO_CLI_CONFIG: file, MAESTRO_URL: 'http://env' }), {
      url: 'http://env',
      accessKey: 'AK',
      secretKey: 'SK',
    });
  });

  it('says how to get credentials when there are none (exit code 3)', () => {
    assert.throws(
      () => resolveCredentials({ MAESTRO_CLI_CONFIG: path.join(dir, 'none.json'), MAESTRO_URL: 'http://x' }),
      (error: CliError) => error.exitCode === 3 && /MAESTRO_ACCESS_KEY/.test(error.message) && /maestro configure/.test(error.message),
    );
    // Public commands need only the URL.
    assert.deepEqual(resolveCredentials({ MAESTRO_CLI_CONFIG: path.join(dir, 'none.json'), MAESTRO_URL: 'http://x' }, { anonymous: true }), {
      url: 'http://x',
    });
  });

  it('names a broken config file', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{nope', { mode: 0o600 });
    assert.throws(() => readConfigFile(file), (error: CliError) => error.exitCode === 2 && error.message.includes(file));
  });
});
