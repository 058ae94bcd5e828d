import { generateKeyPairSync } from 'node:crypto';

const sshString = (bytes: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
/** An SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
const mpint = (base64url: string) => {
  const bytes = Buffer.from(base64url, 'base64url');
  return sshString(bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};

/**
 * An OpenSSH `ssh-rsa` public key line of 4096 bits: its 535-byte blob ends in `==` padding,
 * which the command-line client's import-key cuts off (with the comment) before sending.
 */
export function rsa4096PublicKey(comment = 'alice@laptop'): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`;
}

/** What the command-line client sends for a key file: the text up to its first `==`. */
export const asImportKeySendsIt = (fileText: string) => fileText.split('==')[0]!;
