import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * SSH key material in OpenSSH's own formats: key generation (Ed25519, private key in the
 * `openssh-key-v1` container, which `ssh` and `ssh-keygen` read; OpenSSH does not read the PKCS#8
 * PEM that Node exports for Ed25519), parsing and checking of public keys users import, and
 * OpenSSH's SHA256 fingerprints. Nothing here touches the database or throws AppErrors: parse
 * failures are `SshKeyFormatError`s whose message is fit to show the user.
 */

export const supportedKeyTypes = ['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'] as const;
export type SshKeyType = (typeof supportedKeyTypes)[number];

/** The smallest RSA modulus we accept, in bits (OpenSSH's own floor is 1024; 2048 is the current advice). */
export const minRsaBits = 2048;
/** OpenSSH refuses larger RSA keys (SSH_RSA_MAXIMUM_MODULUS_SIZE). */
export const maxRsaBits = 16384;

export interface ParsedPublicKey {
  type: SshKeyType;
  /** The decoded wire-format key blob, what fingerprints are computed over. */
  blob: Buffer;
  /** The comment after the key, or null when there is none. */
  comment: string | null;
  /** `type base64 [comment]`, single spaces: the form we store and hand to clouds. */
  normalized: string;
}

export interface GeneratedKeyPair {
  type: SshKeyType;
  /** OpenSSH one-line public key (`ssh-ed25519 AAAA… comment`). */
  publicKey: string;
  /** Unencrypted private key, `-----BEGIN OPENSSH PRIVATE KEY-----` armoured. */
  privateKey: string;
  fingerprint: string;
}

export class SshKeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshKeyFormatError';
  }
}

function fail(message: string): never {
  throw new SshKeyFormatError(message);
}

// Wire encoding (RFC 4251 §5)

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
}

/** Reads length-prefixed fields from a blob, failing with a user-facing message on malformed input. */
class BlobReader {
  #offset = 0;
  constructor(private readonly blob: Buffer) {}

  string(what: string): Buffer {
    if (this.#offset + 4 > this.blob.length) fail(`the key data is truncated (expected the ${what})`);
    const length = this.blob.readUInt32BE(this.#offset);
    const start = this.#offset + 4;
    if (length > this.blob.length - start) fail(`the key data is truncated (the ${what} is cut short)`);
    this.#offset = start + length;
    return this.blob.subarray(start, this.#offset);
  }

  /** An mpint that must be positive and minimally encoded (RFC 4251 §5). */
  positiveMpint(what: string): Buffer {
    const bytes = this.string(what);
    if (bytes.length === 0) fail(`the ${what} of the key is zero`);
    if (bytes[0]! & 0x80) fail(`the ${what} of the key is negative`);
    if (bytes[0] === 0 && (bytes.length === 1 || !(bytes[1]! & 0x80))) fail(`the ${what} of the key is not minimally encoded`);
    return bytes[0] === 0 ? bytes.subarray(1) : bytes;
  }

  end(): void {
    if (this.#offset !== this.blob.length) fail(`the key data has ${this.blob.length - this.#offset} unexpected bytes after the key`);
  }
}

function bitLength(magnitude: Buffer): number {
  if (magnitude.length === 0) return 0;
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!));
}

// Fingerprints

/** OpenSSH's default fingerprint: `SHA256:` and the unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

// Generation

/**
 * A fresh Ed25519 key pair. The private key is in OpenSSH's `openssh-key-v1` container,
 * unencrypted (cipher and KDF "none"), which `ssh -i` and `ssh-keygen -y -f` accept.
 */
export function generate(comment = 'maestro'): GeneratedKeyPair {
  if (/[\r\n]/.test(comment)) throw new RangeError('an SSH key comment is one line');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  if (pub.length !== 32 || seed.length !== 32) throw new Error('unexpected Ed25519 key length from node:crypto');

  const type = 'ssh-ed25519';
  const blob = Buffer.concat([sshString(type), sshString(pub)]);
  const publicLine = comment === '' ? `${type} ${blob.toString('base64')}` : `${type} ${blob.toString('base64')} ${comment}`;

  const check = randomBytes(4);
  const unpadded = Buffer.concat([
    check,
    check, // two equal check ints: a wrong passphrase shows as a mismatch
    sshString(type),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])), // OpenSSH keeps Ed25519 private keys as seed || public key
    sshString(comment),
  ]);
  const blockSize = 8; // the cipher "none" block size
  const padLength = (blockSize - (unpadded.length % blockSize)) % blockSize;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const privateSection = Buffer.concat([unpadded, padding]);

  const container = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'), // cipher
    sshString('none'), // KDF
    sshString(Buffer.alloc(0)), // KDF options
    uint32(1), // number of keys
    sshString(blob),
    sshString(privateSection),
  ]);
  seed.fill(0);
  const base64 = container.toString('base64');
  const lines = base64.match(/.{1,70}/g) ?? [];
  const armoured = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');
  return { type, publicKey: publicLine, privateKey: armoured, fingerprint: fingerprint(blob) };
}

// Parsing

const ecdsaCurves = {
  'ecdsa-sha2-nistp256': { identifier: 'nistp256', jwkCurve: 'P-256', coordinateBytes: 32 },
  'ecdsa-sha2-nistp384': { identifier: 'nistp384', jwkCurve: 'P-384', coordinateBytes: 48 },
  'ecdsa-sha2-nistp521': { identifier: 'nistp521', jwkCurve: 'P-521', coordinateBytes: 66 },
} as const;

const isSupportedType = (value: string): value is SshKeyType => (supportedKeyTypes as readonly string[]).includes(value);

const supportedList = supportedKeyTypes.join(', ');

/** A string from inside a blob, safe to put in a message. */
// eslint-disable-next-line no-control-regex
const printable = (value: string) => value.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');

/** Refuses what people paste by mistake, with a message that says what it is and what to do. */
function refuseWrongMaterial(text: string): void {
  // PEM/OpenSSH/SSH2 armour, PuTTY's .ppk, or the bare base64 body of an openssh-key-v1 file.
  if (/BEGIN [A-Z0-9 ]*PRIVATE KEY|PuTTY-User-Key-File-|b3BlbnNzaC1rZXktdjE/.test(text)) {
    fail(
      'this is a private key, not a public key: it is not needed here and should never leave your machine; ' +
        'paste the public key instead (the .pub file, or the output of `ssh-keygen -y -f <private key file>`)',
    );
  }
  if (/BEGIN SSH2 PUBLIC KEY/.test(text)) {
    fail('this is an RFC 4716 (SSH2) public key; convert it to the OpenSSH one-line form with `ssh-keygen -i -f <file>` and paste that');
  }
  if (/-----BEGIN [A-Z0-9 ]*-----/.test(text)) {
    fail(
      'this is a PEM document, not an OpenSSH public key; paste the one-line form (`ssh-ed25519 AAAA… comment`); ' +
        'a PEM public key converts with `ssh-keygen -i -m PKCS8 -f <file>` (`-m PEM` for an RSA PUBLIC KEY)',
    );
  }
}

/**
 * Parses and checks one OpenSSH public key line (`type base64 [comment]`): the declared type is
 * one we support, the base64 is canonical, the type inside the blob matches, the blob is
 * well-formed to its last byte, RSA moduli have at least 2048 bits and ECDSA points lie on
 * their curve.
 */
export function parsePublicKey(text: string): ParsedPublicKey {
  const trimmed = text.trim();
  if (trimmed === '') fail('the public key is empty; paste the one-line OpenSSH form (`ssh-ed25519 AAAA… comment`)');
  refuseWrongMaterial(trimmed);
  if (/[\r\n]/.test(trimmed)) {
    fail('the public key spans several lines; paste exactly one key, on one line (`ssh-ed25519 AAAA… comment`)');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(trimmed)) fail('the public key contains control characters');

  const [declared = '', encoded, ...rest] = trimmed.split(/[ \t]+/);
  if (!isSupportedType(declared)) {
    if (declared.includes('-cert-v01@openssh.com')) fail(`SSH certificates are not supported; paste the plain public key (${supportedList})`);
    if (declared.startsWith('sk-')) fail(`security-key (FIDO) SSH keys are not supported; use one of ${supportedList}`);
    if (/^AAAA[A-Za-z0-9+/]/.test(declared)) fail(`the key type is missing; the line must start with the key type (${supportedList})`);
    // Echo the first word only when it looks like a type name: never repeat pasted key material.
    const named = /^[A-Za-z0-9@._-]{1,40}$/.test(declared) ? `'${declared}' is not an SSH public key type we support` : 'this is not an SSH public key';
    fail(`${named}; paste one OpenSSH public key line starting with one of ${supportedList}`);
  }
  if (encoded === undefined) fail(`the ${declared} key has no key data after its type`);
  const base64 = encoded;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) fail('the key data is not valid base64');
  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64') !== base64) fail('the key data is not valid base64');

  const reader = new BlobReader(blob);
  const embedded = reader.string('key type').toString('latin1');
  if (embedded !== declared) {
    fail(`the key data is of type '${printable(embedded)}' but the line declares '${declared}'; the key is damaged or was edited`);
  }
  const type: SshKeyType = declared;
  switch (type) {
    case 'ssh-ed25519': {
      const key = reader.string('Ed25519 public key');
      reader.end();
      if (key.length !== 32) fail(`an Ed25519 public key is 32 bytes, this one is ${key.length}`);
      break;
    }
    case 'ssh-rsa': {
      const exponent = reader.positiveMpint('exponent');
      const modulus = reader.positiveMpint('modulus');
      reader.end();
      const bits = bitLength(modulus);
      if (bits < minRsaBits) fail(`the RSA key has ${bits} bits; RSA keys need at least ${minRsaBits} bits (better: use Ed25519)`);
      if (bits > maxRsaBits) fail(`the RSA key has ${bits} bits; OpenSSH accepts at most ${maxRsaBits}`);
      if ((modulus[modulus.length - 1]! & 1) === 0) fail('the RSA modulus is even; the key is damaged');
      if ((exponent[exponent.length - 1]! & 1) === 0 || bitLength(exponent) < 2) fail('the RSA exponent is not valid; the key is damaged');
      break;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521': {
      const curve = ecdsaCurves[type];
      const identifier = reader.string('curve name').toString('latin1');
      const point = reader.string('curve point');
      reader.end();
      if (identifier !== curve.identifier) {
        fail(`the key declares ${type} but names the curve '${printable(identifier)}'; the key is damaged or was edited`);
      }
      const n = curve.coordinateBytes;
      if (point.length !== 1 + 2 * n || point[0] !== 0x04) fail(`the ${curve.identifier} point is not an uncompressed curve point`);
      try {
        createPublicKey({
          key: {
            kty: 'EC',
            crv: curve.jwkCurve,
            x: point.subarray(1, 1 + n).toString('base64url'),
            y: point.subarray(1 + n).toString('base64url'),
          },
          format: 'jwk',
        });
      } catch {
        fail(`the ${curve.identifier} point is not on the curve; the key is damaged`);
      }
      break;
    }
  }

  const comment = rest.length > 0 ? rest.join(' ') : null;
  const normalized = comment === null ? `${type} ${base64}` : `${type} ${base64} ${comment}`;
  return { type, blob, comment, normalized };
}
