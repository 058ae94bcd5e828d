import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient, MaestroError, type MaestroClient } from '../../src/sdk/client.js';
import { fingerprint, generate, parsePublicKey, SshKeyFormatError } from '../../src/server/compute/ssh-key-material.js';
import { startTestServer, type TestServer } from '../support/server.js';

// ssh-keygen is the reference implementation. Without it the cross-checks skip, except in CI
// (CI=true), where its absence is a failure: .ci/run installs openssh-client.
const sshKeygenMissing = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error !== undefined;
const inCi = process.env.CI === 'true';
const skipWithoutSshKeygen =
  sshKeygenMissing && !inCi ? 'ssh-keygen is not installed (apt-get install -y openssh-client); skipping the OpenSSH cross-checks' : false;

function sshKeygen(args: string[], stdin?: string): string {
  const result = spawnSync('ssh-keygen', args, { encoding: 'utf8', input: stdin ?? '', timeout: 60_000 });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `ssh-keygen ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** `ssh-keygen -lf` prints `bits SHA256:… comment (TYPE)`. */
const referenceFingerprint = (file: string) => sshKeygen(['-l', '-E', 'sha256', '-f', file]).split(' ')[1]!;

// Wire-format helpers to build damaged and edge-case blobs.
function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
const mpint = (magnitude: Buffer) => sshString(magnitude[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude);
const line = (type: string, blob: Buffer, comment = '') => `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;

function rsaBlob(bits: number): Buffer {
  const jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
  return Buffer.concat([sshString('ssh-rsa'), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))]);
}

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parsePublicKey(text),
    (error: unknown) => {
      assert.ok(error instanceof SshKeyFormatError, `expected an SshKeyFormatError, got ${String(error)}`);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

// Keys made by ssh-keygen once, with the fingerprints `ssh-keygen -lf` printed for them, so the
// format checks run even where ssh-keygen is absent.
const vectors = [
  {
    text: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICSBuQxg3gXmcL2cEZk5OT2hKLZBvcZKx+//n6jMOWW3 vector v_ed25519',
    fingerprint: 'SHA256:HFSSVF7Sf3+1Q5Pt1LvV7rUKLPOUBH2EfGZbxNDMy9Y',
  },
  {
    text:
      'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBHUpr99LUs+r0M1p6ty9uSPsjJG1HmnWq+jFwbZ+HBnMG4k7eB6h40Ce' +
      'jIJqz+1QrbbMWuPLgfAUT0hHUb7q/GI9Kykd6a8w6AZjNRzYrKZ6nCS7yMlJVo8qv7kdliA6pQ== vector v_ecdsa',
    fingerprint: 'SHA256:sVqWLcEoEsjVyBHlg72ZVfvNI16O/FaKkSG08NOIjmQ',
  },
  {
    text:
      'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCwMK4SCgNcIGxeTacyEsPTRlF+BjQh3uCc1/zfNx/GALup+9+NYK4dZw1+z82b3ceVhwo6BmVpg+lV5D0mLeLmQ4to' +
      'Hhj8GsmDuTY+4aI/YO9nkr+3fNjLYVGg5ArAKovpHvs2SehwGFJ5Fo4tjWnzJsfV9IZQAJkmd1OpFLOEOUoPSF5sUGwKodI3wED2M9Guyd5vcnya6J/MkUhFtzPkEKy5aGuV' +
      'BldU+Xp3bS9YkcDqbHVb/U5QoEQb64VzRwstdcMExSnzzDT931DynhzVXVoU12vyzkLoUoEF1ooaBPQK/Dfq3ZPREy6W0zuN4IzoNbvju4vR5hbjOSa9sZKf vector v_rsa',
    fingerprint: 'SHA256:Pox/aG8OFnDdlrIUBHA6TRDcp2XguGv/w+9FneW87lI',
  },
];

describe('SSH key material', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-ssh-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  if (sshKeygenMissing && inCi) {
    it('has ssh-keygen to check against (required in CI)', () => {
      assert.fail('ssh-keygen is not installed; CI must install openssh-client');
    });
  }

  it('parses known keys and computes the fingerprints ssh-keygen printed for them', () => {
    for (const vector of vectors) {
      const parsed = parsePublicKey(`  ${vector.text}\n`);
      assert.equal(parsed.normalized, vector.text);
      assert.equal(parsed.type, vector.text.split(' ')[0]);
      assert.equal(parsed.comment, vector.text.split(' ').slice(2).join(' '));
      assert.equal(fingerprint(parsed.blob), vector.fingerprint);
    }
  });

  it('normalises whitespace and keeps a missing comment null', () => {
    const [type, data] = vectors[0]!.text.split(' ');
    const bare = parsePublicKey(`${type}\t ${data}`);
    assert.equal(bare.comment, null);
    assert.equal(bare.normalized, `${type} ${data}`);
    const spaced = parsePublicKey(`${type} ${data}   alice@laptop   work key`);
    assert.equal(spaced.comment, 'alice@laptop work key');
    assert.equal(spaced.normalized, `${type} ${data} alice@laptop work key`);
  });

  it('generates Ed25519 keys whose public line it parses back', () => {
    const pair = generate();
    assert.equal(pair.type, 'ssh-ed25519');
    assert.match(pair.publicKey, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} maestro$/);
    assert.match(pair.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH PRIVATE KEY-----\n$/);
    const parsed = parsePublicKey(pair.publicKey);
    assert.equal(parsed.normalized, pair.publicKey);
    assert.equal(fingerprint(parsed.blob), pair.fingerprint);
    assert.notEqual(generate().publicKey, pair.publicKey);
  });

  for (const [label, args] of [
    ['ed25519', ['-t', 'ed25519']],
    ['rsa 2048', ['-t', 'rsa', '-b', '2048']],
    ['rsa 3072', ['-t', 'rsa', '-b', '3072']],
    ['ecdsa 256', ['-t', 'ecdsa', '-b', '256']],
    ['ecdsa 384', ['-t', 'ecdsa', '-b', '384']],
    ['ecdsa 521', ['-t', 'ecdsa', '-b', '521']],
  ] as const) {
    it(`accepts a ${label} key from ssh-keygen, with the fingerprint ssh-keygen -lf gives`, { skip: skipWithoutSshKeygen }, () => {
      const file = path.join(dir, label.replace(' ', '-'));
      sshKeygen(['-q', ...args, '-N', '', '-C', `test ${label}`, '-f', file]);
      const text = readFileSync(`${file}.pub`, 'utf8');
      const parsed = parsePublicKey(text);
      assert.equal(parsed.normalized, text.trim());
      assert.equal(parsed.comment, `test ${label}`);
      assert.equal(fingerprint(parsed.blob), referenceFingerprint(`${file}.pub`));
      // The private key pasted by mistake is refused, and says why.
      rejects(readFileSync(file, 'utf8'), /private key/);
    });
  }

  it('generates private keys ssh-keygen reads, signs with and derives our public key from', { skip: skipWithoutSshKeygen }, () => {
    const pair = generate();
    const file = path.join(dir, 'generated');
    writeFileSync(file, pair.privateKey, { mode: 0o600 });
    writeFileSync(`${file}.pub`, `${pair.publicKey}\n`);
    assert.equal(sshKeygen(['-y', '-f', file]).trim(), pair.publicKey);
    assert.equal(referenceFingerprint(file), pair.fingerprint);
    assert.equal(referenceFingerprint(`${file}.pub`), pair.fingerprint);
    // -y reads the public half stored beside the secret; a signature proves the secret matches it.
    const message = path.join(dir, 'message');
    writeFileSync(message, 'maestro');
    sshKeygen(['-Y', 'sign', '-q', '-f', file, '-n', 'file', message]);
    const allowed = path.join(dir, 'allowed_signers');
    writeFileSync(allowed, `tester ${pair.publicKey}\n`);
    sshKeygen(['-Y', 'verify', '-f', allowed, '-I', 'tester', '-n', 'file', '-s', `${message}.sig`], 'maestro');
  });

  it('refuses private keys, PEM and RFC 4716 documents with a message saying what they are', { skip: skipWithoutSshKeygen }, () => {
    const file = path.join(dir, 'for-export');
    sshKeygen(['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', file]);
    rejects(sshKeygen(['-e', '-f', `${file}.pub`]), /RFC 4716/);
    rejects(sshKeygen(['-e', '-m', 'PKCS8', '-f', `${file}.pub`]), /PEM/);
    rejects(sshKeygen(['-e', '-m', 'PEM', '-f', `${file}.pub`]), /PEM/);
    // An old-style PEM private key (ssh-keygen -m PEM).
    const pem = path.join(dir, 'pem-private');
    sshKeygen(['-q', '-t', 'ecdsa', '-m', 'PEM', '-N', '', '-f', pem]);
    rejects(readFileSync(pem, 'utf8'), /private key/);
  });

  it('refuses private keys in every form we produce or Node exports', () => {
    const pair = generate();
    rejects(pair.privateKey, /private key/);
    // Only the base64 body, without the armour.
    rejects(pair.privateKey.split('\n').slice(1, -2).join(''), /private key/);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    rejects(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /private key/);
    rejects(publicKey.export({ type: 'spki', format: 'pem' }).toString(), /PEM/);
    rejects('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n', /private key/);
  });

  it('refuses several keys, empty input and garbage', () => {
    rejects(`${vectors[0]!.text}\n${vectors[2]!.text}`, /one line/);
    rejects('   ', /empty/);
    rejects('hello world', /'hello' is not an SSH public key type we support/);
    rejects('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsDCuEgoDXCBsXk2nMhLD==', /^this is not an SSH public key;/);
    rejects(vectors[0]!.text.split(' ')[1]!, /type is missing/);
    rejects('ssh-ed25519', /no key data/);
    rejects('ssh-ed25519 !!!notbase64!!!', /base64/);
    rejects('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICSBuQxg3gXmcL2cEZk5OT2hKLZBvcZKx+//n6jMOWW', /base64/);
    rejects(`ssh-ed25519 ${vectors[0]!.text.split(' ')[1]} bell\u0007`, /control characters/);
  });

  it('refuses unsupported key types by name', () => {
    const dss = line('ssh-dss', Buffer.concat([sshString('ssh-dss'), sshString(Buffer.alloc(128, 1))]));
    rejects(dss, /'ssh-dss' is not an SSH public key type we support/);
    rejects('ssh-ed25519-cert-v01@openssh.com AAAA', /certificates are not supported/);
    rejects('sk-ssh-ed25519@openssh.com AAAA', /security-key/);
  });

  it('refuses blobs whose embedded type differs from the declared one', () => {
    const blob = parsePublicKey(vectors[0]!.text).blob;
    rejects(line('ssh-rsa', blob), /of type 'ssh-ed25519' but the line declares 'ssh-rsa'/);
    const rsa = parsePublicKey(vectors[2]!.text).blob;
    rejects(line('ssh-ed25519', rsa), /of type 'ssh-rsa'/);
  });

  it('refuses malformed blobs: truncated, trailing bytes, wrong lengths, bad points', () => {
    const ed = parsePublicKey(vectors[0]!.text).blob;
    rejects(line('ssh-ed25519', ed.subarray(0, ed.length - 1)), /truncated/);
    rejects(line('ssh-ed25519', ed.subarray(0, 3)), /truncated/);
    rejects(line('ssh-ed25519', Buffer.concat([ed, Buffer.from([0])])), /1 unexpected bytes after the key/);
    rejects(line('ssh-ed25519', Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(31, 9))])), /32 bytes/);

    const ec = parsePublicKey(vectors[1]!.text).blob;
    const offCurve = Buffer.from(ec);
    offCurve[offCurve.length - 1]! ^= 0x01;
    rejects(line('ecdsa-sha2-nistp384', offCurve), /not on the curve/);
    const wrongCurve = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp384'), sshString(Buffer.alloc(65, 4))]);
    rejects(line('ecdsa-sha2-nistp256', wrongCurve), /names the curve 'nistp384'/);
    const compressed = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(Buffer.alloc(33, 2))]);
    rejects(line('ecdsa-sha2-nistp256', compressed), /uncompressed/);

    const rsa = parsePublicKey(vectors[2]!.text).blob;
    rejects(line('ssh-rsa', Buffer.concat([rsa, Buffer.from('junk')])), /unexpected bytes/);
    const negative = Buffer.concat([sshString('ssh-rsa'), sshString(Buffer.from([1, 0, 1])), sshString(Buffer.alloc(257, 0xff))]);
    rejects(line('ssh-rsa', negative), /negative/);
  });

  it('refuses RSA keys under 2048 bits and accepts 2048', () => {
    rejects(line('ssh-rsa', rsaBlob(1024), 'old'), /1024 bits; RSA keys need at least 2048/);
    const blob = rsaBlob(2048);
    assert.equal(parsePublicKey(line('ssh-rsa', blob)).type, 'ssh-rsa');
  });
});

describe('SSH keys through the API', () => {
  let server: TestServer;
  let admin: MaestroClient;
  before(async () => {
    server = await startTestServer();
    admin = server.admin;
    await admin.customers.create({ name: 'keyco' });
    await admin.tenants.create({ customer: 'keyco', name: 'keys-a' });
    await admin.tenants.create({ customer: 'keyco', name: 'keys-b' });
  });
  after(() => server?.close());

  const kindOf = (kind: string) => (error: unknown) => {
    assert.ok(error instanceof MaestroError, String(error));
    assert.equal(error.kind, kind, error.message);
    return true;
  };

  it('creates a key pair, returns the private key once and records only the public key', async () => {
    const created = await admin.sshKeys.create({ tenant: 'keys-a', name: 'deploy' });
    assert.equal(created.name, 'deploy');
    assert.equal(created.tenant, 'KEYS-A');
    assert.equal(created.owner, 'admin');
    assert.match(created.publicKey, /^ssh-ed25519 AAAA/);
    assert.equal(created.fingerprint, fingerprint(parsePublicKey(created.publicKey).blob));
    assert.match(created.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);

    const described = await admin.sshKeys.describe({ tenant: 'keys-a', name: 'deploy' });
    assert.equal(described.items.length, 1);
    const { privateKey, ...view } = created;
    assert.deepEqual(described.items[0], view);
    assert.equal('privateKey' in described.items[0]!, false);

    // Not in the event log (any column), nor in any projection of the key.
    const secret = privateKey.split('\n').slice(1, -2).join('');
    const body = secret.slice(40, 120);
    const events = await server.maestro.db.query<{ row: string; type: string }>(`SELECT e::text AS row, e.type FROM event_log e`);
    assert.ok(events.rows.some((e) => e.type === 'sshKey.created'));
    for (const event of events.rows) {
      assert.ok(!event.row.includes('PRIVATE KEY') && !event.row.includes(body), `event ${event.type} holds the private key`);
    }
    const stored = await server.maestro.db.query<{ row: string }>(`SELECT k::text AS row FROM ssh_keys k`);
    for (const row of stored.rows) assert.ok(!row.row.includes(body));

    if (!sshKeygenMissing) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-ssh-api-'));
      try {
        writeFileSync(path.join(dir, 'id'), privateKey, { mode: 0o600 });
        assert.equal(sshKeygen(['-y', '-f', path.join(dir, 'id')]).trim(), created.publicKey);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('imports a public key, normalised, with its fingerprint', async () => {
    const vector = vectors[2]!;
    const imported = await admin.sshKeys.import({ tenant: 'keys-a', name: 'laptop', publicKey: `${vector.text.replace(' ', '   ')}\n` });
    assert.equal(imported.publicKey, vector.text);
    assert.equal(imported.fingerprint, vector.fingerprint);
    assert.equal(imported.owner, 'admin');
    assert.equal('privateKey' in imported, false);
    const listed = await admin.sshKeys.describe({ tenant: 'keys-a' });
    assert.deepEqual(
      listed.items.map((k) => k.name),
      ['deploy', 'laptop'],
    );
  });

  it('refuses a duplicate name in the tenant, but not in another tenant', async () => {
    await assert.rejects(admin.sshKeys.create({ tenant: 'keys-a', name: 'deploy' }), kindOf('conflict'));
    await assert.rejects(admin.sshKeys.import({ tenant: 'keys-a', name: 'laptop', publicKey: vectors[0]!.text }), kindOf('conflict'));
    const elsewhere = await admin.sshKeys.import({ tenant: 'keys-b', name: 'laptop', publicKey: vectors[0]!.text });
    assert.equal(elsewhere.tenant, 'KEYS-B');
    const a = await admin.sshKeys.describe({ tenant: 'keys-a', name: 'laptop' });
    assert.equal(a.items[0]!.fingerprint, vectors[2]!.fingerprint);
  });

  it('refuses bad keys as invalid input, with the reason', async () => {
    const bad = async (publicKey: string, pattern: RegExp) => {
      await assert.rejects(admin.sshKeys.import({ tenant: 'keys-a', name: 'bad', publicKey }), (error: unknown) => {
        kindOf('invalid_input')(error);
        assert.match((error as MaestroError).message, pattern);
        return true;
      });
    };
    await bad(generate().privateKey, /private key/);
    await bad('not a key', /not an SSH public key type/);
    await bad(line('ssh-rsa', rsaBlob(1024)), /at least 2048/);
    await bad(`${vectors[0]!.text}\n${vectors[1]!.text}`, /one line/);
    const listed = await admin.sshKeys.describe({ tenant: 'keys-a', name: 'bad' });
    assert.deepEqual(listed.items, []);
  });

  it('deletes a key; a missing one is not found', async () => {
    await admin.sshKeys.import({ tenant: 'keys-a', name: 'temporary', publicKey: vectors[1]!.text });
    assert.deepEqual(await admin.sshKeys.delete({ tenant: 'keys-a', name: 'temporary' }), { ok: true });
    assert.deepEqual((await admin.sshKeys.describe({ tenant: 'keys-a', name: 'temporary' })).items, []);
    await assert.rejects(admin.sshKeys.delete({ tenant: 'keys-a', name: 'temporary' }), kindOf('not_found'));
    // The name is free again.
    await admin.sshKeys.import({ tenant: 'keys-a', name: 'temporary', publicKey: vectors[1]!.text });
    await admin.sshKeys.delete({ tenant: 'keys-a', name: 'temporary' });
    const deleted = await server.maestro.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE type = 'sshKey.deleted'`);
    assert.equal(deleted.rows[0]!.n, 2);
  });

  it("keeps a tenant's keys from the users of another tenant", async () => {
    await admin.users.create({ name: 'bob', customer: 'keyco', email: 'bob@keyco.test' });
    await admin.users.addRole({ name: 'bob', tenant: 'keys-b', role: 'admin' });
    const key = await admin.keys.create({ user: 'bob' });
    const bob = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });

    await assert.rejects(bob.sshKeys.describe({ tenant: 'keys-a' }), kindOf('forbidden'));
    await assert.rejects(bob.sshKeys.delete({ tenant: 'keys-a', name: 'deploy' }), kindOf('forbidden'));
    await assert.rejects(bob.sshKeys.create({ tenant: 'keys-a', name: 'sneaky' }), kindOf('forbidden'));
    await assert.rejects(bob.sshKeys.import({ tenant: 'keys-a', name: 'sneaky', publicKey: vectors[0]!.text }), kindOf('forbidden'));
    assert.equal((await admin.sshKeys.describe({ tenant: 'keys-a', name: 'deploy' })).items.length, 1);

    // In his own tenant he sees that tenant's keys only, and owns what he creates.
    const own = await bob.sshKeys.describe({ tenant: 'keys-b' });
    assert.deepEqual(
      own.items.map((k) => [k.tenant, k.name]),
      [['KEYS-B', 'laptop']],
    );
    const mine = await bob.sshKeys.create({ tenant: 'keys-b', name: 'bobs' });
    assert.equal(mine.owner, 'bob');
    await bob.sshKeys.delete({ tenant: 'keys-b', name: 'bobs' });
  });
});
