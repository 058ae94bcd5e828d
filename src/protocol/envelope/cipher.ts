import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';

/**
 * The body encryption of the Maestro protocol (PROTOCOL.md): AES-GCM keyed with the UTF-8 bytes
 * of the secret key, a fresh 12-byte IV, a 128-bit tag, sent as base64(IV || ciphertext || tag).
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AES_KEY_BYTES = new Set([16, 24, 32]);

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

function aesKey(secretKey: string): Buffer {
  const key = Buffer.from(secretKey, 'utf8');
  if (!AES_KEY_BYTES.has(key.length)) {
    throw new EnvelopeError(
      `this access key's secret key is ${key.length} bytes long, but the Maestro protocol uses it as an AES key, ` +
        'which must be 16, 24 or 32 bytes: create a new key pair (maestro admin key create) for this client',
    );
  }
  return key;
}

const algorithm = (key: Buffer): CipherGCMTypes => `aes-${key.length * 8}-gcm` as CipherGCMTypes;

/** Checks the secret key can serve as an AES key before anything else is done with the request. */
export function assertUsableSecret(secretKey: string): void {
  aesKey(secretKey);
}

/**
 * Fresh IVs cut from a pool of random bytes refilled 256 at a time: one call into the random
 * source per 256 messages instead of one per message. Every IV is still random and used once.
 */
let ivPool = Buffer.alloc(0);
function freshIv(): Buffer {
  if (ivPool.length < IV_BYTES) ivPool = randomBytes(IV_BYTES * 256);
  const iv = ivPool.subarray(0, IV_BYTES);
  ivPool = ivPool.subarray(IV_BYTES);
  return iv;
}

export function sealBody(secretKey: string, plaintext: string): string {
  const key = aesKey(secretKey);
  const iv = freshIv();
  const cipher = createCipheriv(algorithm(key), key, iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64');
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function openBody(secretKey: string, body: string): string {
  const key = aesKey(secretKey);
  const text = body.trim();
  if (!base64.test(text) || text.length % 4 === 1) {
    throw new EnvelopeError('the body is not base64: the Maestro protocol sends base64(IV || AES-GCM ciphertext || tag)');
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES + 1) {
    throw new EnvelopeError(`the encrypted body is ${bytes.length} bytes, too short for a 12-byte IV, a ciphertext and a 16-byte tag`);
  }
  const decipher = createDecipheriv(algorithm(key), key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new EnvelopeError('the body could not be decrypted: it was not encrypted with this access key\'s secret key, or it was changed or cut');
  }
}
