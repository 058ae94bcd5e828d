import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Settings come from an optional JSON file (MAESTRO_CONFIG) and the environment, the
 * environment winning. Everything is validated at start: a bad value stops the process with a
 * message naming the setting, never a surprise later.
 */
const settings = {
  host: { env: 'MAESTRO_HOST', schema: z.string().min(1).default('127.0.0.1') },
  port: { env: 'MAESTRO_PORT', schema: z.coerce.number().int().min(0).max(65535).default(8080) },
  dataDir: { env: 'MAESTRO_DATA_DIR', schema: z.string().min(1).default('./data') },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  },
  databasePoolSize: { env: 'MAESTRO_DB_POOL_SIZE', schema: z.coerce.number().int().min(1).max(200).default(10) },
  masterKey: { env: 'MAESTRO_MASTER_KEY', schema: z.string().min(1).optional() },
  logLevel: {
    env: 'MAESTRO_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
  bodyLimitBytes: {
    env: 'MAESTRO_BODY_LIMIT',
    schema: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  },
  signatureWindowSeconds: {
    env: 'MAESTRO_SIGNATURE_WINDOW',
    schema: z.coerce.number().int().min(10).max(3600).default(300),
  },
  nodeName: { env: 'MAESTRO_NODE_NAME', schema: z.string().min(1).max(128).default(os.hostname()) },
  relayIntervalMs: {
    env: 'MAESTRO_RELAY_INTERVAL_MS',
    schema: z.coerce.number().int().min(10).max(60_000).default(1000),
  },
  cloudCallTimeoutMs: {
    env: 'MAESTRO_CLOUD_TIMEOUT_MS',
    schema: z.coerce.number().int().min(10).max(600_000).default(30_000),
  },
  simLatencyMs: {
    env: 'MAESTRO_SIM_LATENCY_MS',
    schema: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  },
  stateSyncIntervalMs: {
    env: 'MAESTRO_STATE_SYNC_INTERVAL_MS',
    schema: z.coerce.number().int().min(10).max(600_000).default(250),
  },
  discoveryIntervalMinutes: {
    env: 'MAESTRO_DISCOVERY_INTERVAL_MINUTES',
    schema: z.coerce.number().min(0.01).max(24 * 60).default(30),
  },
  validateOutputs: {
    env: 'MAESTRO_VALIDATE_OUTPUTS',
    schema: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .or(z.boolean())
      .default(false),
  },
} as const;

type Settings = typeof settings;
export type Config = { -readonly [K in keyof Settings]: z.output<Settings[K]['schema']> };
export type ConfigInput = { [K in keyof Settings]?: z.input<Settings[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`MAESTRO_CONFIG: cannot read ${file}: ${(error as Error).message}`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the file must hold one JSON object');
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([`MAESTRO_CONFIG: ${file} is not valid JSON: ${(error as Error).message}`]);
  }
}

/**
 * Builds the configuration from (lowest to highest precedence) defaults, the config file,
 * the environment and explicit overrides (tests, CLI flags).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigInput = {},
): Config {
  const file = env.MAESTRO_CONFIG ? readConfigFile(env.MAESTRO_CONFIG) : {};
  const problems: string[] = [];
  for (const key of Object.keys(file)) {
    if (!Object.hasOwn(settings, key)) {
      problems.push(`${key} (in ${env.MAESTRO_CONFIG}): unknown setting; known ones are ${Object.keys(settings).join(', ')}`);
    }
  }
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const fromOverride = (overrides as Record<string, unknown>)[key];
    const fromEnv = env[setting.env];
    const fromFile = file[key];
    const [raw, source] =
      fromOverride !== undefined
        ? [fromOverride, key]
        : fromEnv !== undefined && fromEnv !== ''
          ? [fromEnv, setting.env]
          : [fromFile, `${key} (in ${env.MAESTRO_CONFIG ?? 'config file'})`];
    const result = (setting.schema as z.ZodType).safeParse(raw);
    if (result.success) {
      config[key] = result.data;
    } else {
      const shown = key === 'masterKey' || key === 'databaseUrl' ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${source}: ${result.error.issues.map((i) => i.message).join('; ')} (got ${shown})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const out = config as Config;
  out.dataDir = path.resolve(out.dataDir);
  return out;
}

/** The names of the environment variables, for `maestro serve --help`. */
export const settingNames = Object.fromEntries(
  Object.entries(settings).map(([key, setting]) => [key, setting.env]),
) as { [K in keyof Settings]: string };
