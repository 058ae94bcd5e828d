import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID key pair web push messages are signed with, kept like the master key: from the
 * settings (MAESTRO_VAPID_PUBLIC_KEY and MAESTRO_VAPID_PRIVATE_KEY, what a cluster's nodes
 * share), else from `vapid.json` in the data directory, made at first start and readable by its
 * owner only. Browsers subscribe with the public key: a new pair orphans their subscriptions.
 */
export function loadVapidKeys(configured: { publicKey?: string | undefined; privateKey?: string | undefined }, dataDir: string): VapidKeys {
  if (configured.publicKey || configured.privateKey) {
    if (!configured.publicKey || !configured.privateKey) {
      throw new Error('MAESTRO_VAPID_PUBLIC_KEY and MAESTRO_VAPID_PRIVATE_KEY are set together, or neither (a pair is then made in the data directory)');
    }
    return { publicKey: configured.publicKey, privateKey: configured.privateKey };
  }
  const file = path.join(dataDir, 'vapid.json');
  if (existsSync(file)) {
    if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<VapidKeys>;
    if (typeof stored.publicKey !== 'string' || typeof stored.privateKey !== 'string') {
      throw new Error(`${file} must hold {"publicKey", "privateKey"}; remove it to make a new pair (browsers then subscribe again)`);
    }
    return { publicKey: stored.publicKey, privateKey: stored.privateKey };
  }
  mkdirSync(dataDir, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}
