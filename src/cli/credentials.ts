import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './errors.js';

export interface Credentials {
  url: string;
  accessKey: string;
  secretKey: string;
}

export const credentialEnv = {
  url: 'MAESTRO_URL',
  accessKey: 'MAESTRO_ACCESS_KEY',
  secretKey: 'MAESTRO_SECRET_KEY',
} as const satisfies Record<keyof Credentials, string>;

type Env = Record<string, string | undefined>;

/** MAESTRO_CLI_CONFIG, else $XDG_CONFIG_HOME/maestro/config.json, else ~/.config/maestro/config.json. */
export function configPath(env: Env = process.env): string {
  if (env.MAESTRO_CLI_CONFIG) return path.resolve(env.MAESTRO_CLI_CONFIG);
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'maestro', 'config.json');
}

/** What the config file holds; a missing file is simply empty. */
export function readConfigFile(file: string): Partial<Credentials> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('config', `cannot read ${file}: ${(error as Error).message}`, 2);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError('config', `${file} is not valid JSON (${(error as Error).message}); run \`maestro configure\` to rewrite it`, 2);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError('config', `${file} must hold a JSON object with url, accessKey and secretKey`, 2);
  }
  const out: Partial<Credentials> = {};
  for (const key of Object.keys(credentialEnv) as Array<keyof Credentials>) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  if (out.secretKey) warnIfShared(file);
  return out;
}

/** A secret key in a file others can read is as good as leaked; say so, but carry on. */
function warnIfShared(file: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    process.stderr.write(`warning: ${file} holds a secret key but has mode ${mode.toString(8)}; run chmod 600 ${file}\n`);
  }
}

/**
 * Each value from the environment if set there, else from the config file. Public commands
 * need only the URL.
 */
export function resolveCredentials(env: Env = process.env, options: { anonymous?: boolean } = {}): Partial<Credentials> & { url: string } {
  const fromEnv: Partial<Credentials> = {};
  for (const [key, name] of Object.entries(credentialEnv) as Array<[keyof Credentials, string]>) {
    const value = env[name];
    if (value) fromEnv[key] = value;
  }
  const needed: Array<keyof Credentials> = options.anonymous ? ['url'] : ['url', 'accessKey', 'secretKey'];
  const file = configPath(env);
  const merged = needed.every((key) => fromEnv[key]) ? fromEnv : { ...readConfigFile(file), ...fromEnv };
  const missing = needed.filter((key) => !merged[key]);
  if (missing.length > 0) {
    throw new CliError(
      'unauthenticated',
      `no Maestro credentials (missing ${missing.map((key) => credentialEnv[key]).join(', ')}): ` +
        `run \`maestro configure\` (writes ${file}) or set ${Object.values(credentialEnv).join(', ')}`,
      3,
    );
  }
  return merged as Partial<Credentials> & { url: string };
}

/** Writes the file readable by its owner only, replacing it whole so a crash never leaves half a file. */
export function writeConfigFile(file: string, credentials: Credentials): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
