import type { Command } from 'commander';
import { ConfigError, loadConfig, settingNames } from '../server/config.js';

/** `maestro serve`: runs a control-plane node until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start a Maestro control-plane node (embedded PGlite unless DATABASE_URL is set)')
    .option('--port <port>', `HTTP port (${settingNames.port})`)
    .option('--host <host>', `address to listen on (${settingNames.host})`)
    .option('--data-dir <dir>', `data directory (${settingNames.dataDir})`)
    .addHelpText(
      'after',
      `\nSettings come from the environment (or a JSON file named by MAESTRO_CONFIG):\n${Object.entries(settingNames)
        .map(([key, env]) => `  ${env.padEnd(28)} ${key}`)
        .join('\n')}`,
    )
    .action(async (flags: { port?: string; host?: string; dataDir?: string }) => {
      let config;
      try {
        config = loadConfig(process.env, {
          ...(flags.port !== undefined ? { port: flags.port } : {}),
          ...(flags.host !== undefined ? { host: flags.host } : {}),
          ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
        });
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`${error.message}\n`);
          process.exit(2);
        }
        throw error;
      }
      const started = performance.now();
      // Loaded here, not at the top: every other CLI command would otherwise pay for the server.
      const [{ startMaestro }, { bootstrapMessage }, { defaultRegionMessage }] = await Promise.all([
        import('../server/runtime.js'),
        import('../server/bootstrap.js'),
        import('../server/default-region.js'),
      ]);
      const maestro = await startMaestro({ config });
      maestro.logger.info(
        {
          url: maestro.url,
          database: maestro.db.kind,
          dataDir: config.databaseUrl ? undefined : config.dataDir,
          ms: Math.round(performance.now() - started),
        },
        'Maestro is ready',
      );
      if (maestro.bootstrap) process.stdout.write(`${bootstrapMessage(maestro.bootstrap, maestro.url)}\n`);
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
