import type { Command } from 'commander';
import { ConfigError, loadConfig, settingNames, type Config } from '../server/config.js';
import { classifyStartupFailure, startupProblems, UNEXPECTED_EXIT_CODE } from '../server/startup-error.js';
import type { Maestro } from '../server/runtime.js';

/** Ends a start that cannot go on with one line on stderr, as the CLI's call errors do: `error (<kind>): <message>`. */
function fail(kind: string, message: string, exitCode: number): never {
  process.stderr.write(`error (${kind}): ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(exitCode);
}

const exitCodeHelp = (): string =>
  [
    'Exit codes when the node cannot start (one line on stderr says what was wrong and what to do):',
    ...Object.entries(startupProblems).map(([kind, problem]) => `  ${String(problem.exitCode).padStart(3)}  ${kind.padEnd(16)} ${problem.summary}`),
    `  ${String(UNEXPECTED_EXIT_CODE).padStart(3)}  ${'internal'.padEnd(16)} anything else (MAESTRO_DEBUG=1 adds the stack trace)`,
  ].join('\n');

/** `maestro serve`: runs a control-plane node until SIGINT/SIGTERM. */
export function defineServe(command: Command): void {
  command
    .option('--port <port>', `HTTP port (${settingNames.port})`)
    .option('--host <host>', `address to listen on (${settingNames.host})`)
    .option('--data-dir <dir>', `data directory (${settingNames.dataDir})`)
    .addHelpText(
      'after',
      `\nSettings come from the environment (or a JSON file named by MAESTRO_CONFIG):\n${Object.entries(settingNames)
        .map(([key, env]) => `  ${env.padEnd(34)} ${key}`)
        .join('\n')}\n\n` +
        'The master key comes from MAESTRO_MASTER_KEY or a key file (MAESTRO_MASTER_KEY_FILE, by default master.key\n' +
        'in the data directory), made 0600 at first start; a key file others may read is made 0600 with a warning.\n\n' +
        `${exitCodeHelp()}`,
    )
    .action(async (flags: { port?: string; host?: string; dataDir?: string }) => {
      let config: Config;
      try {
        config = loadConfig(process.env, {
          ...(flags.port !== undefined ? { port: flags.port } : {}),
          ...(flags.host !== undefined ? { host: flags.host } : {}),
          ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
        });
      } catch (error) {
        if (error instanceof ConfigError) {
          fail('config', `invalid configuration: ${error.problems.join('; ')}; maestro serve --help lists the settings`, startupProblems.config.exitCode);
        }
        throw error;
      }
      const started = performance.now();
      // Loaded here, not at the top: every other CLI command would otherwise pay for the server.
      const [{ startMaestro }, bootstrap, { defaultRegionMessage }] = await Promise.all([
        import('../server/runtime.js'),
        import('../server/bootstrap.js'),
        import('../server/default-region.js'),
      ]);
      let maestro: Maestro;
      try {
        maestro = await startMaestro({ config });
      } catch (error) {
        const known = classifyStartupFailure(error, config.dataDir);
        if (known) fail(known.problem, known.message, known.exitCode);
        // A failure nobody foresaw is a bug: the stack helps whoever reports it, on request.
        if (process.env.MAESTRO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        fail('internal', `${message} (the node did not start; MAESTRO_DEBUG=1 shows the stack trace)`, UNEXPECTED_EXIT_CODE);
      }
      // The first administrator's credentials are in place before the node says it is ready: a
      // script (or a test) that waits for "ready" and then reads the credentials file finds it.
      if (maestro.bootstrap) showCredentials(maestro, bootstrap, config.dataDir);
      maestro.logger.info(
        {
          url: maestro.url,
          database: maestro.db.kind,
          dataDir: config.databaseUrl ? undefined : config.dataDir,
          ms: Math.round(performance.now() - started),
        },
        'Maestro is ready',
      );
      if (maestro.defaultRegion) process.stdout.write(`${defaultRegionMessage(maestro.defaultRegion).join('\n')}\n`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        maestro.logger.info({ signal }, 'shutting down');
        await maestro.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}

/**
 * The first administrator's secret key, shown once: on the console when there is one; otherwise
 * standard output is the server log, and the key goes to a file only its owner may read.
 */
function showCredentials(maestro: Maestro, bootstrap: typeof import('../server/bootstrap.js'), dataDir: string): void {
  const credentials = maestro.bootstrap!;
  if (process.stdout.isTTY) {
    process.stdout.write(`${bootstrap.bootstrapMessage(credentials, maestro.url)}\n`);
    return;
  }
  try {
    const file = bootstrap.writeCredentialsFile(credentials, maestro.url, dataDir);
    maestro.logger.info(
      { file },
      'the administrator "admin" was created; its API credentials are in this file, with its console password, readable by this user only: ' +
        'save them (e.g. with `maestro configure`), then delete the file',
    );
  } catch (error) {
    // Lost credentials would lock everyone out of a new installation: the log is the lesser evil.
    maestro.logger.warn({ err: error }, 'could not write the administrator credentials file; showing them on standard output instead');
    process.stdout.write(`${bootstrap.bootstrapMessage(credentials, maestro.url)}\n`);
  }
}
