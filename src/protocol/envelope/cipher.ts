import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type CipherGCMTypes, type KeyObject } from 'node:crypto';

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

interface AesKey {
  key: KeyObject;
  algorithm: CipherGCMTypes;
}

/**
 * Keys by secret, checked and turned into key objects once: a cipher made from a KeyObject skips
 * copying and checking the key bytes, which was a third of a short message's sealing. A few keys
 * are in use at any moment (an agent's, a client's); a flood of others only refills the cache.
 */
const aesKeys = new Map<string, AesKey>();

function aesKey(secretKey: string): AesKey {
  let cached = aesKeys.get(secretKey);
  if (cached) return cached;
  const bytes = Buffer.from(secretKey, 'utf8');
  if (!AES_KEY_BYTES.has(bytes.length)) {
    throw new EnvelopeError(
      `this access key's secret key is ${bytes.length} bytes long, but the Maestro protocol uses it as an AES key, ` +
        'which must be 16, 24 or 32 bytes: create a new key pair (maestro admin key create) for this client',
    );
  }
  if (aesKeys.size >= 1024) aesKeys.clear();
  cached = { key: createSecretKey(bytes), algorithm: `aes-${bytes.length * 8}-gcm` as CipherGCMTypes };
  aesKeys.set(secretKey, cached);
  return cached;
}

/** Checks the secret key can serve as an AES key before anything else is done with the request. */
export function assertUsableSecret(secretKey: string): void {
  aesKey(secretKey);
}

/**
 * Fresh IVs cut from a pool of random bytes refilled 256 at a time: one call into the random
 * source per 256 messages instead of one per message. Every IV is still random and used once.
 */
let ivPool = Buffer.alloc(0);
let ivTaken = 0;
function freshIv(): Buffer {
  if (ivTaken + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * 256);
    ivTaken = 0;
  }
  ivTaken += IV_BYTES;
  return ivPool.subarray(ivTaken - IV_BYTES, ivTaken);
}

/** IV || ciphertext || tag, as bytes. */
function seal(secretKey: string, plaintext: string): Buffer {
  const { key, algorithm } = aesKey(secretKey);
  const iv = freshIv();
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: TAG_BYTES });
  const ciphertext = cipher.update(plaintext, 'utf8');
  cipher.final();
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()], IV_BYTES + ciphertext.length + TAG_BYTES);
}

export function sealBody(secretKey: string, plaintext: string): string {
  return seal(secretKey, plaintext).toString('base64');
}

/** The sealed body as the ASCII bytes of its base64 text, as a message carries it. */
export function sealBodyBytes(secretKey: string, plaintext: string): Buffer {
  return Buffer.from(seal(secretKey, plaintext).toString('base64'), 'latin1');
}

/**
 * The bytes of base64 text (standard alphabet, padding optional), or what is wrong with it. Node's
 * decoder skips characters outside the alphabet and stops at '=', so text with any such character
 * decodes to fewer bytes than its length promises: comparing the two checks every character
 * without a pass of its own. Node also takes the URL-safe alphabet, which the protocol does not.
 */
function decodeBase64(text: string): Buffer {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end -= 1;
  const bytes = end % 4 === 1 || text.length % 4 === 1 || text.length - end > 2 ? null : Buffer.from(text, 'base64');
  if (!bytes || bytes.length !== Math.floor((end * 3) / 4) || text.includes('-') || text.includes('_')) {
    throw new EnvelopeError('the body is not base64: the Maestro protocol sends base64(IV || AES-GCM ciphertext || tag)');
  }
  if (bytes.length < IV_BYTES + TAG_BYTES + 1) {
    throw new EnvelopeError(`the encrypted body is ${bytes.length} bytes, too short for a 12-byte IV, a ciphertext and a 16-byte tag`);
  }
  return bytes;
}

/** A sealed body decoded but not yet opened: its IV and tag tell one sealed message from another. */
export interface SealedBody {
  readonly bytes: Buffer;
  /** IV and tag in base64: equal for two bodies only if they are the same message (or one is forged). */
  readonly seal: string;
}

export function decodeSealedBody(body: string): SealedBody {
  const bytes = decodeBase64(body.trim());
  return { bytes, seal: bytes.toString('base64', 0, IV_BYTES) + bytes.toString('base64', bytes.length - TAG_BYTES) };
}

export function openBody(secretKey: string, body: string): string {
  const key = aesKey(secretKey);
  return open(key, decodeBase64(body.trim()));
}

export function openSealedBody(secretKey: string, sealed: SealedBody): string {
  return open(aesKey(secretKey), sealed.bytes);
}

function open({ key, algorithm }: AesKey, bytes: Buffer): string {
  const decipher = createDecipheriv(algorithm, key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    const plaintext = decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES));
    decipher.final();
    return plaintext.toString('utf8');
  } catch {
    throw new EnvelopeError('the body could not be decrypted: it was not encrypted with this access key\'s secret key, or it was changed or cut');
  }
}
