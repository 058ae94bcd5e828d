import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSecretBox, loadMasterKey, parseMasterKey } from '../../src/server/secrets.js';
import { StartupError } from '../../src/server/startup-error.js';

let root: string;
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'maestro-secrets-test-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
const freshDir = () => path.join(root, `data-${dirs++}`);

/** Flips one bit of the decoded sealed value at `index` (negative counts from the end). */
function tamper(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(3), 'base64');
  const at = index < 0 ? raw.length + index : index;
  raw[at]! ^= 0x01;
  return `v1:${raw.toString('base64')}`;
}

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('opens what it sealed', () => {
    for (const secret of ['', 'a', 'Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6', 'päss wörd 🔑', 'x'.repeat(10_000)]) {
      const sealed = box.seal(secret);
      assert.match(sealed, /^v1:[A-Za-z0-9+/]+={0,2}$/);
      assert.equal(box.open(sealed), secret);
      if (secret.length >= 8) assert.ok(!sealed.includes(secret));
    }
  });

  it('seals the same secret differently every time (fresh IV)', () => {
    const a = box.seal('same secret');
    const b = box.seal('same secret');
    assert.notEqual(a, b);
    assert.notEqual(Buffer.from(a.slice(3), 'base64').subarray(0, 12).toString('hex'), Buffer.from(b.slice(3), 'base64').subarray(0, 12).toString('hex'));
    assert.equal(box.open(a), box.open(b));
  });

  it('refuses a tampered IV, ciphertext or tag', () => {
    const sealed = box.seal('do not touch');
    for (const index of [0, 11, 12, 15, -17, -16, -1]) {
      assert.throws(() => box.open(tamper(sealed, index)), /cannot decrypt a stored secret/, `byte ${index}`);
    }
  });

  it('refuses a truncated or extended value', () => {
    const sealed = box.seal('do not touch');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    assert.throws(() => box.open(`v1:${raw.subarray(0, raw.length - 1).toString('base64')}`), /cannot decrypt/);
    assert.throws(() => box.open(`v1:${Buffer.concat([raw, Buffer.from([0])]).toString('base64')}`), /cannot decrypt/);
    assert.throws(() => box.open(`v1:${raw.subarray(0, 20).toString('base64')}`), /truncated/);
    assert.throws(() => box.open('v1:'), /truncated/);
  });

  it('refuses an unknown format', () => {
    assert.throws(() => box.open('v2:AAAA'), /unknown secret format/);
    assert.throws(() => box.open('plain text'), /unknown secret format/);
  });

  it('cannot be opened with another master key, and says so', () => {
    const other = createSecretBox(randomBytes(32));
    assert.throws(() => other.open(box.seal('mine')), /master key is not the one it was sealed with/);
  });

  it('needs a 32-byte master key', () => {
    assert.throws(() => createSecretBox(randomBytes(16)), /32 bytes/);
    assert.throws(() => createSecretBox(Buffer.alloc(0)), /32 bytes/);
  });
});

describe('master key', () => {
  it('is created in the data directory, readable by its owner only, and reused', () => {
    const dataDir = freshDir();
    // Even with a permissive umask, the file is created 0600.
    const umask = process.umask(0o000);
    let first;
    try {
      first = loadMasterKey({ dataDir });
    } finally {
      process.umask(umask);
    }
    assert.equal(first.origin, 'new file');
    assert.equal(first.file, path.join(dataDir, 'master.key'));
    assert.equal(first.key.length, 32);
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(first.file, 'utf8').trim(), 'base64').toString('hex'), first.key.toString('hex'));

    const sealed = createSecretBox(first.key).seal('survives a restart');
    const second = loadMasterKey({ dataDir });
    assert.equal(second.origin, 'existing file');
    assert.deepEqual(second.key, first.key);
    assert.equal(createSecretBox(second.key).open(sealed), 'survives a restart');
  });

  it('tightens the permissions of an existing key file others may read, and warns', () => {
    const dataDir = freshDir();
    const { file } = loadMasterKey({ dataDir });
    assert.equal(loadMasterKey({ dataDir }).warning, undefined);
    chmodSync(file!, 0o644);
    const loaded = loadMasterKey({ dataDir });
    assert.equal(statSync(file!).mode & 0o777, 0o600);
    assert.ok(loaded.warning?.includes(file!), loaded.warning);
    assert.match(loaded.warning!, /readable by others \(mode 0644\); it is now 0600/);
    assert.equal(loadMasterKey({ dataDir }).warning, undefined);
  });

  it('lives where MAESTRO_MASTER_KEY_FILE says, away from the data, created 0600 in a directory of its owner', () => {
    const dataDir = freshDir();
    const file = path.join(root, `keys-${dirs++}`, 'nested', 'maestro.key');
    const umask = process.umask(0o000);
    let first;
    try {
      first = loadMasterKey({ file, dataDir });
    } finally {
      process.umask(umask);
    }
    assert.equal(first.origin, 'new file');
    assert.equal(first.file, file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(existsSync(path.join(dataDir, 'master.key')), false);
    assert.match(first.source, /MAESTRO_MASTER_KEY_FILE/);
    const second = loadMasterKey({ file, dataDir });
    assert.equal(second.origin, 'existing file');
    assert.deepEqual(second.key, first.key);
  });

  it('says which setting to fix when the key file cannot be made', () => {
    const blocker = path.join(root, `file-${dirs++}`);
    writeFileSync(blocker, 'a file where a directory should be');
    // In the data directory: the data directory is the mistake.
    assert.throws(
      () => loadMasterKey({ dataDir: path.join(blocker, 'data') }),
      (error: StartupError) => error instanceof StartupError && error.problem === 'data_dir' && /MAESTRO_DATA_DIR/.test(error.message),
    );
    // Somewhere of its own: the key file setting is.
    assert.throws(
      () => loadMasterKey({ file: path.join(blocker, 'master.key'), dataDir: freshDir() }),
      (error: StartupError) => error instanceof StartupError && error.problem === 'master_key' && /MAESTRO_MASTER_KEY_FILE/.test(error.message),
    );
  });

  it('reports a damaged key file by name', () => {
    const dataDir = freshDir();
    const { file } = loadMasterKey({ dataDir });
    writeFileSync(file!, 'not a key\n');
    assert.throws(() => loadMasterKey({ dataDir }), (error: Error) => {
      assert.ok(error.message.includes(file!), error.message);
      assert.match(error.message, /32 random bytes/);
      return true;
    });
  });

  it('comes from MAESTRO_MASTER_KEY as hex or base64, without touching the data directory', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), `  ${key.toString('base64')}\n`]) {
      const dataDir = freshDir();
      const loaded = loadMasterKey({ key: text, dataDir });
      assert.equal(loaded.origin, 'environment');
      assert.deepEqual(loaded.key, key);
      assert.equal(existsSync(path.join(dataDir, 'master.key')), false);
    }
  });

  it('refuses a bad MAESTRO_MASTER_KEY with a clear message that does not repeat it', () => {
    const bad = [
      'correct horse battery staple',
      randomBytes(31).toString('hex') + 'a',
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(32).toString('base64url').replace(/[^-_]/, '-'),
      'g'.repeat(64),
    ];
    for (const text of bad) {
      assert.throws(
        () => loadMasterKey({ key: text, dataDir: freshDir() }),
        (error: Error) => {
          assert.ok(error instanceof StartupError && error.problem === 'master_key', String(error));
          assert.match(error.message, /^MAESTRO_MASTER_KEY must be 32 random bytes written as 64 hex characters or as base64/);
          assert.match(error.message, /openssl rand -base64 32/);
          assert.ok(!error.message.includes(text.trim()), error.message);
          return true;
        },
        text,
      );
    }
    assert.throws(() => parseMasterKey('short', 'SOURCE'), /^Error: SOURCE must be/);
  });
});
