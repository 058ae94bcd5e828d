import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const AAD = Buffer.from('maestro-secret-v1');

/** Seals secrets (API secret keys, cloud credentials) at rest with the master key (AES-256-GCM). */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1:')) throw new Error('unknown secret format');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      if (raw.length < 28) throw new Error('sealed secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, 12));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      try {
        return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(
          'cannot decrypt a stored secret: the master key is not the one it was sealed with ' +
            '(check MAESTRO_MASTER_KEY or the master.key file in the data directory)',
        );
      }
    },
  };
}

export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return decoded;
  throw new Error(
    `${source} must be 32 random bytes written as 64 hex characters or as base64 ` +
      '(make one with: openssl rand -base64 32)',
  );
}

export interface MasterKeySource {
  key: Buffer;
  origin: 'environment' | 'existing file' | 'new file';
  file?: string;
}

/**
 * The master key comes from MAESTRO_MASTER_KEY, or else from `master.key` in the data directory,
 * created on first start readable by its owner only. Every node of a cluster needs the same key.
 */
export function loadMasterKey(configured: string | undefined, dataDir: string): MasterKeySource {
  if (configured) return { key: parseMasterKey(configured, 'MAESTRO_MASTER_KEY'), origin: 'environment' };
  const file = path.join(dataDir, 'master.key');
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return { key: parseMasterKey(readFileSync(file, 'utf8'), file), origin: 'existing file', file };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, origin: 'new file', file };
}
