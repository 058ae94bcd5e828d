import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { agentSettingNames } from '../agent/setting-names.js';

/** Ends a command that cannot go on with one line on stderr, as `maestro serve` does. */
function fail(kind: string, message: string, exitCode: number): never {
  process.stderr.write(`error (${kind}): ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(exitCode);
}

interface ConfigFlags {
  config?: string;
  dataDir?: string;
}

// Loaded in the actions, not at the top: other CLI commands would otherwise pay for the agent.
async function config(flags: ConfigFlags) {
  const { AgentConfigError, loadAgentConfig } = await import('../agent/config.js');
  try {
    return loadAgentConfig(process.env, { ...(flags.config ? { configFile: flags.config } : {}), ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) });
  } catch (error) {
    if (error instanceof AgentConfigError) fail('config', `${error.message}; maestro agent run --help lists the settings`, 2);
    throw error;
  }
}

/** The store of an agent that is not running (its data directory is locked while it runs). */
async function withStore<T>(flags: ConfigFlags, work: (store: import('../agent/store/agent-store.js').AgentStore) => Promise<T>): Promise<T> {
  const settings = await config(flags);
  const { openAgentStore } = await import('../agent/main.js');
  let opened;
  try {
    opened = await openAgentStore(settings);
  } catch (error) {
    fail('data_dir', `${(error as Error).message} (stop the agent before changing its credentials)`, 12);
  }
  try {
    return await work(opened.store);
  } finally {
    await opened.close();
  }
}

function readCredentials(flags: { file?: string; set?: string[] }): Record<string, unknown> {
  let credentials: Record<string, unknown> = {};
  if (flags.file) {
    const text = flags.file === '-' ? readFileSync(0, 'utf8') : readFileSync(flags.file, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      fail('invalid_input', `${flags.file === '-' ? 'standard input' : flags.file} is not JSON: give the credentials as one JSON object`, 2);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('invalid_input', 'the credentials must be one JSON object', 2);
    credentials = parsed as Record<string, unknown>;
  }
  for (const pair of flags.set ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) fail('invalid_input', `--set takes name=value (got ${JSON.stringify(pair.slice(0, 40))})`, 2);
    credentials[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (Object.keys(credentials).length === 0) fail('invalid_input', 'no credentials given: use --file <json> (or - for standard input) or --set name=value', 2);
  return credentials;
}

const settingsHelp = (): string =>
  Object.entries(agentSettingNames)
    .map(([key, env]) => `  ${env.padEnd(34)} ${key}`)
    .join('\n');

/**
 * `maestro agent`: the private agent (docs/agent.md) and the cloud credentials it keeps. The
 * agent connects outward to RabbitMQ, serves the regions of its configuration file and keeps the
 * credentials on its side, sealed with its own master key.
 */
export function defineAgent(agent: Command): void {
  const withConfig = (command: Command) =>
    command.option('--config <file>', 'the agent configuration file (MAESTRO_AGENT_CONFIG)').option('--data-dir <dir>', 'data directory (MAESTRO_AGENT_DATA_DIR)');

  withConfig(agent.command('run', { isDefault: true }).description('Run the agent until SIGINT/SIGTERM (the default)'))
    .addHelpText('after', () => '\nSettings come from the configuration file (JSON) and the environment, the environment winning.\nSee docs/agent.md for the file.')
    .action(async (flags: ConfigFlags) => {
      const settings = await config(flags);
      const { startAgentProcess } = await import('../agent/main.js');
      let running;
      try {
        running = await startAgentProcess(settings);
      } catch (error) {
        fail('start', (error as Error).message, 1);
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        running.log.info({ signal }, 'agent stopping');
        await running.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });

  const credentials = agent.command('credentials').description('Cloud credentials of the agent\'s regions: sealed with its master key, never sent to Maestro');
  withConfig(credentials.command('set').description('Store (or replace) the credentials of a region; restart the agent to use them'))
    .requiredOption('--region <region>', 'the region, as named in the configuration')
    .option('--file <file>', 'a JSON object of credentials; - reads standard input')
    .option('--set <name=value...>', 'one credential (repeatable)')
    .action(async (flags: ConfigFlags & { region: string; file?: string; set?: string[] }) => {
      const values = readCredentials(flags);
      const region = flags.region.trim().toUpperCase();
      const settings = await config(flags);
      if (!settings.regions.some((r) => r.name === region)) {
        fail('not_found', `region ${region} is not in the agent's configuration (it serves ${settings.regions.map((r) => r.name).join(', ')})`, 4);
      }
      await withStore(flags, (store) => store.setCredentials(region, values, new Date()));
      process.stdout.write(`credentials of ${region} stored, sealed (${Object.keys(values).length} values: ${Object.keys(values).join(', ')})\n`);
    });
  withConfig(credentials.command('list').description('The regions that have credentials (never their values)')).action(async (flags: ConfigFlags) => {
    const rows = await withStore(flags, (store) => store.credentialRegions());
    process.stdout.write(rows.length === 0 ? 'no credentials stored\n' : `${rows.map((row) => `${row.region}\t${row.updatedAt}`).join('\n')}\n`);
  });
  withConfig(credentials.command('remove').description('Forget the credentials of a region'))
    .requiredOption('--region <region>', 'the region')
    .action(async (flags: ConfigFlags & { region: string }) => {
      const region = flags.region.trim().toUpperCase();
      const removed = await withStore(flags, (store) => store.removeCredentials(region));
      process.stdout.write(removed ? `credentials of ${region} removed\n` : `no credentials stored for ${region}\n`);
    });

  agent.addHelpText('after', () => `\nEnvironment (AMQP_URL is read when MAESTRO_AGENT_AMQP_URL is not set):\n${settingsHelp()}`);
}
