import type { Command } from 'commander';
import { configPath, credentialEnv, readConfigFile, writeConfigFile, type Credentials } from './credentials.js';
import { UsageError } from './errors.js';
import { reportError } from './report-error.js';
import { ask, askHidden } from './prompt.js';

interface ConfigureFlags {
  url?: string;
  accessKey?: string;
  secretKey?: string;
}

const flagOf: Record<keyof Credentials, string> = { url: '--url', accessKey: '--access-key', secretKey: '--secret-key' };

/** `maestro configure`: stores the URL and keys in the config file, readable by the owner only. */
export function defineConfigure(command: Command): void {
  command
    .option('--url <url>', `Maestro URL, e.g. http://127.0.0.1:8080 (${credentialEnv.url})`)
    .option('--access-key <key>', `access key (${credentialEnv.accessKey})`)
    .option('--secret-key <key>', `secret key (${credentialEnv.secretKey}); asked for without echo when omitted on a terminal`)
    .addHelpText(
      'after',
      `\nWrites ${configPath()} (mode 0600; MAESTRO_CLI_CONFIG names another file).\n` +
        `The environment variables, when set, win over the file.`,
    )
    .action(async (flags: ConfigureFlags, cli: Command) => {
      try {
        const file = configPath();
        const current = readConfigFile(file);
        const values: Partial<Credentials> = { ...current, ...definedOnly(flags) };
        if (process.stdin.isTTY) {
          // Offer the current values, so re-running configure to rotate a key is quick.
          if (!flags.url) values.url = (await ask(`Maestro URL${hint(current.url)}: `)).trim() || current.url;
          if (!flags.accessKey) values.accessKey = (await ask(`Access key${hint(current.accessKey)}: `)).trim() || current.accessKey;
          if (!flags.secretKey) values.secretKey = (await askHidden(`Secret key${current.secretKey ? ' [keep current]' : ''}: `)) || current.secretKey;
        }
        const missing = (Object.keys(flagOf) as Array<keyof Credentials>).filter((key) => !values[key]);
        if (missing.length > 0) {
          const why = process.stdin.isTTY ? '' : ' (stdin is not a terminal, so there is no asking for it)';
          throw new UsageError(`missing ${missing.map((key) => flagOf[key]).join(', ')}${why}`);
        }
        checkUrl(values.url!);
        writeConfigFile(file, values as Credentials);
        process.stdout.write(`wrote ${file}\n`);
      } catch (error) {
        if (error instanceof UsageError) cli.error(`error: ${error.message}`, { exitCode: 2, code: 'maestro.usage' });
        reportError(error);
      }
    });
}

function definedOnly(flags: ConfigureFlags): Partial<Credentials> {
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => typeof value === 'string' && value !== ''));
}

function hint(value: string | undefined): string {
  return value ? ` [${value}]` : '';
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url '${url}' is not a URL; give one like http://127.0.0.1:8080`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must be http:// or https://, not ${parsed.protocol}`);
}
