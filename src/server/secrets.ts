import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeFileError, StartupError } from './startup-error.js';

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
            '(check MAESTRO_MASTER_KEY or the master key file)',
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

export interface MasterKeySettings {
  /** MAESTRO_MASTER_KEY: the key itself. */
  key?: string | undefined;
  /** MAESTRO_MASTER_KEY_FILE: where the key file is, when not in the data directory. */
  file?: string | undefined;
  dataDir: string;
}

export interface MasterKeySource {
  key: Buffer;
  origin: 'environment' | 'existing file' | 'new file';
  file?: string;
  /** How an operator names where the key came from: the setting, or the file. */
  source: string;
  /** Something the operator should fix although the node can start (a key file others may read). */
  warning?: string;
}

/** Where the key file is: MAESTRO_MASTER_KEY_FILE, or `master.key` in the data directory. */
export function masterKeyFile(settings: MasterKeySettings): string {
  return settings.file ?? path.join(settings.dataDir, 'master.key');
}

/**
 * The master key comes from MAESTRO_MASTER_KEY, or else from a key file (MAESTRO_MASTER_KEY_FILE,
 * by default `master.key` in the data directory), created on first start readable by its owner
 * only. Every node of a cluster needs the same key. A key file others may read is made 0600 and
 * reported, not refused: a node restored from a backup that lost the mode should still start,
 * and the warning tells the operator to look at who could have read it.
 */
export function loadMasterKey(settings: MasterKeySettings): MasterKeySource {
  if (settings.key) {
    try {
      return { key: parseMasterKey(settings.key, 'MAESTRO_MASTER_KEY'), origin: 'environment', source: 'MAESTRO_MASTER_KEY' };
    } catch (error) {
      throw new StartupError('master_key', (error as Error).message);
    }
  }
  const file = masterKeyFile(settings);
  const source = settings.file ? `the master key file ${file} (MAESTRO_MASTER_KEY_FILE)` : `the master key file ${file}`;
  // Only a missing file is created: a key file on a read-only mount (a container secret) is only read.
  const created = existsSync(file) ? null : createKeyFile(file, settings);
  if (created) return { key: created, origin: 'new file', file, source };
  let text: string;
  let warning: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
    warning = tightenMode(file);
  } catch (error) {
    throw new StartupError(
      'master_key',
      `cannot read ${source}: ${describeFileError(error)}; make it readable by the user running Maestro`,
      { cause: error },
    );
  }
  try {
    return { key: parseMasterKey(text, file), origin: 'existing file', file, source, ...(warning ? { warning } : {}) };
  } catch (error) {
    throw new StartupError(
      'master_key',
      `${(error as Error).message}; if it was damaged, restore it from a backup: secrets sealed with the lost key cannot be opened with a new one`,
    );
  }
}

/** A new key in a new file (0600; its directory 0700 when made here), or null when another process made it first. */
function createKeyFile(file: string, settings: MasterKeySettings): Buffer | null {
  const key = randomBytes(32);
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another node sharing the directory made it first (or it was there all along): read that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (error as NodeJS.ErrnoException).path === file) return null;
    const what = `cannot create the master key file ${file}: ${describeFileError(error)}`;
    throw settings.file
      ? new StartupError('master_key', `${what}; make its directory writable by the user running Maestro, or set MAESTRO_MASTER_KEY_FILE elsewhere`, { cause: error })
      : new StartupError(
          'data_dir',
          `${what}; make the data directory writable by the user running Maestro, or choose another with MAESTRO_DATA_DIR (or --data-dir)`,
          { cause: error },
        );
  }
}

/** Makes a key file others may read 0600, and says so; null when it was fine. */
function tightenMode(file: string): string | undefined {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  const octal = mode.toString(8).padStart(4, '0');
  try {
    chmodSync(file, 0o600);
    return `the master key file ${file} was readable by others (mode ${octal}); it is now 0600, but whoever could read it could open the secrets it seals`;
  } catch (error) {
    // A read-only mount (a container secret) cannot be changed: the node still starts.
    return `the master key file ${file} is readable by others (mode ${octal}) and could not be made 0600 (${describeFileError(error)}); make it readable by its owner only`;
  }
}
