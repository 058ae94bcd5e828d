import { createHash } from 'node:crypto';
import { CloudError } from '../driver.js';

/**
 * The name a public key is imported under: derived from the key itself, so importing the same key
 * again finds it instead of adding a copy, and two different keys never share a name. The
 * comment after the key is left out (it does not change the key).
 */
export function keyPairName(publicKey: string): string {
  const [type, body] = publicKey.trim().split(/\s+/);
  if (!type || !body || !/^(ssh-|ecdsa-|sk-)/.test(type) || !/^[A-Za-z0-9+/]+=*$/.test(body)) {
    throw new CloudError('invalid', 'the public key is not in OpenSSH form ("ssh-ed25519 AAAA… comment")');
  }
  return `maestro-${createHash('sha256').update(`${type} ${body}`).digest('hex').slice(0, 24)}`;
}
