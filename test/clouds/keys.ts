import { generateKeyPairSync } from 'node:crypto';

/** A fresh ed25519 public key in OpenSSH form ("ssh-ed25519 AAAA… comment"). */
export function openSshPublicKey(comment = 'conformance'): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const raw = der.subarray(der.length - 32);
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} ${comment}`;
}
