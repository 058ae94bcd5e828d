import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEntry } from '../support/cli-entry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in a child process. The child sees none of this process's MAESTRO_*
 * variables, only `env`; MAESTRO_CLI_CONFIG defaults to a file that does not exist so a
 * developer's own ~/.config/maestro never leaks in.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MAESTRO_')));
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: root,
    env: { ...base, MAESTRO_CLI_CONFIG: path.join(root, 'test/cli/.no-such-config.json'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment that signs the CLI's calls with these credentials. */
export function credentialsEnv(url: string, keys: { accessKey: string; secretKey: string }): Record<string, string> {
  return { MAESTRO_URL: url, MAESTRO_ACCESS_KEY: keys.accessKey, MAESTRO_SECRET_KEY: keys.secretKey };
}
