import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cliEntry } from '../support/cli-entry.js';


function maestro(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
      env: { ...process.env, MAESTRO_LOG_LEVEL: 'silent', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

describe('maestro agent', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-agent-cli-'));
  const config = path.join(dir, 'agent.json');
  writeFileSync(
    config,
    JSON.stringify({
      name: 'edge-1',
      keys: [{ keyId: 'AKCLI', secret: randomBytes(16).toString('hex') }],
      dataDir: path.join(dir, 'data'),
      regions: [{ name: 'priv-1', cloud: 'SIMULATED' }],
    }),
  );

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps credentials sealed in its store and shows only which regions have them', async () => {
    const set = await maestro(['agent', 'credentials', 'set', '--config', config, '--region', 'priv-1', '--file', '-'], {
      input: JSON.stringify({ username: 'maestro', password: 'hunter2-secret' }),
    });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /credentials of PRIV-1 stored, sealed \(2 values: username, password\)/);
    const list = await maestro(['agent', 'credentials', 'list', '--config', config]);
    assert.match(list.stdout, /^PRIV-1\t/);
    assert.doesNotMatch(list.stdout, /hunter2/);
    // Nothing under the data directory holds the password in clear.
    const files = (function walk(at: string): string[] {
      return readdirSync(at).flatMap((name) => {
        const full = path.join(at, name);
        return statSync(full).isDirectory() ? walk(full) : [full];
      });
    })(path.join(dir, 'data'));
    assert.ok(files.every((file) => !readFileSync(file).includes('hunter2-secret')), 'no file holds the password');
    assert.equal(statSync(path.join(dir, 'data', 'master.key')).mode & 0o777, 0o600);
  });

  it('refuses credentials for a region it does not serve, and a configuration without keys, in one line each', async () => {
    const unknown = await maestro(['agent', 'credentials', 'set', '--config', config, '--region', 'other-1', '--set', 'a=b']);
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /^error \(not_found\): region OTHER-1 is not in the agent's configuration \(it serves PRIV-1\)\n$/);
    const bare = path.join(dir, 'bare.json');
    writeFileSync(bare, JSON.stringify({ name: 'edge-2', regions: [{ name: 'priv-2', cloud: 'SIMULATED' }] }));
    const noKeys = await maestro(['agent', '--config', bare]);
    assert.equal(noKeys.code, 2);
    assert.match(noKeys.stderr, /^error \(config\): invalid agent configuration: keys: the agent needs its key pair/);
  });
});
