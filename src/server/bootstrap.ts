import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../protocol/errors.js';
import { systemActor } from './actor.js';
import type { Dispatcher } from './dispatch.js';
import { newConsolePassword } from './session/tokens.js';

export interface BootstrapCredentials {
  user: string;
  accessKey: string;
  secretKey: string;
  /** The password to log in to the web console with (as `user`). */
  consolePassword: string;
}

export const BOOTSTRAP_USER = 'admin';

/**
 * On the very first start (no user at all) creates the administrator `admin` with an access key
 * and a console password. The secrets exist only in the return value: the caller prints them once. When two nodes start
 * on an empty database together, one wins and the other finds the user already there.
 */
export async function bootstrapAdministrator(dispatcher: Dispatcher, hasUsers: () => Promise<boolean>): Promise<BootstrapCredentials | null> {
  if (await hasUsers()) return null;
  const actor = systemActor('bootstrap');
  try {
    await dispatcher.call('users.create', { name: BOOTSTRAP_USER, displayName: 'Administrator', systemAdmin: true }, { actor });
  } catch (error) {
    if (error instanceof AppError && error.kind === 'conflict') return null;
    throw error;
  }
  const key = (await dispatcher.call(
    'keys.create',
    { user: BOOTSTRAP_USER, description: 'created at first start' },
    { actor },
  )) as { accessKey: string; secretKey: string };
  const consolePassword = newConsolePassword();
  await dispatcher.call('users.setPassword', { name: BOOTSTRAP_USER, password: consolePassword }, { actor });
  return { user: BOOTSTRAP_USER, accessKey: key.accessKey, secretKey: key.secretKey, consolePassword };
}

/** Where a person logs in to the web console of a server at `url`. */
export const consoleUrl = (url: string): string => `${url}/console/`;

const credentialLines = (credentials: BootstrapCredentials, url: string): string[] => [
  `MAESTRO_URL=${url}`,
  `MAESTRO_ACCESS_KEY=${credentials.accessKey}`,
  `MAESTRO_SECRET_KEY=${credentials.secretKey}`,
  `MAESTRO_CONSOLE_URL=${consoleUrl(url)}`,
  `MAESTRO_CONSOLE_USER=${credentials.user}`,
  `MAESTRO_CONSOLE_PASSWORD=${credentials.consolePassword}`,
];

/** For a person at the console: the credentials themselves, once. */
export function bootstrapMessage(credentials: BootstrapCredentials, url: string): string {
  return [
    '',
    '  Maestro created the administrator "admin". Its API credentials and console password are shown only this once:',
    '',
    ...credentialLines(credentials, url).map((line) => `    ${line}`),
    '',
    `  Log in to the web console at ${consoleUrl(url)} as admin with the console password above.`,
    '  Save the keys now, e.g. with `npx maestro configure`; change the console password with',
    '    npx maestro admin user set-password --name admin',
    '',
    `  The published Maestro clients (m3-cli, SDKs) connect to ${url}/maestro/api/v3 (docs/compat.md).`,
    '',
  ].join('\n');
}

/**
 * Where the credentials go when no one is at the console: standard output is then the server log
 * (systemd's journal, a container's log), kept, shipped and read by others, so the secret key is
 * written instead to a file only its owner may read, in environment-file form (`set -a; . file`).
 */
export function writeCredentialsFile(credentials: BootstrapCredentials, url: string, dataDir: string): string {
  const file = path.join(dataDir, 'admin-credentials.env');
  mkdirSync(dataDir, { recursive: true });
  // A file left by an earlier installation in this directory is replaced, never widened: 'wx' with mode 0600.
  rmSync(file, { force: true });
  writeFileSync(file, `${credentialLines(credentials, url).join('\n')}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}
