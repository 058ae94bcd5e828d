import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A private certificate authority and a certificate it signed for 127.0.0.1, made with the
 * openssl command in a temporary folder; null when openssl is not installed.
 */
export async function privateCertificates(): Promise<{ caFile: string; server: { key: string; cert: string } } | null> {
  const dir = mkdtempSync(path.join(tmpdir(), 'maestro-tls-'));
  const at = (name: string) => path.join(dir, name);
  try {
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=Maestro test CA', '-keyout', at('ca.key'), '-out', at('ca.pem')]);
    await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', at('server.key'), '-out', at('server.csr')]);
    writeFileSync(at('san.ext'), 'subjectAltName = IP:127.0.0.1\n');
    await run('openssl', ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', at('san.ext'), '-out', at('server.pem')]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { caFile: at('ca.pem'), server: { key: readFileSync(at('server.key'), 'utf8'), cert: readFileSync(at('server.pem'), 'utf8') } };
}
