import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { cloudKinds } from '../protocol/clouds.js';
import { agentSettingNames } from './setting-names.js';

/**
 * The agent's settings: a JSON file (MAESTRO_AGENT_CONFIG or --config) for the regions and the
 * rest, the environment winning for single values. Checked at start: a bad value stops the agent
 * with a message naming the setting. Cloud credentials are not settings: `maestro agent
 * credentials set` seals them into the agent's store.
 */
const upper = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, `${what} may contain letters, digits, '.', '_' and '-'`)
    .transform((value) => value.toUpperCase());

const seconds = (fallback: number, min: number) => z.coerce.number().min(min).max(86_400).default(fallback);

export const agentRegionConfig = z.object({
  /** Maestro's name of the region. */
  name: upper('a region name'),
  /** The cloud's name of it; the Maestro name when absent. */
  nativeName: z.string().min(1).max(255).optional(),
  cloud: z.enum(cloudKinds),
  /** The driver's settings (endpoints, CA bundle …): nothing secret. */
  config: z.record(z.string(), z.unknown()).default({}),
});

const keyConfig = z.object({
  keyId: z.string().trim().min(1).max(64),
  secret: z.string().length(32, 'a secret key is 32 characters (as Maestro issues them)'),
});

const schema = z.object({
  amqpUrl: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL').default('amqp://guest:guest@127.0.0.1:5672'),
  prefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/).default('maestro'),
  name: upper('the agent name'),
  /** Oldest first: requests signed with any are accepted; the agent signs with the last. */
  keys: z.array(keyConfig).min(1, 'the agent needs its key pair (MAESTRO_AGENT_KEY_ID and MAESTRO_AGENT_SECRET_KEY, or keys in the file)'),
  dataDir: z.string().min(1).default('./agent-data'),
  masterKey: z.string().min(1).optional(),
  masterKeyFile: z.string().min(1).optional(),
  regions: z.array(agentRegionConfig).min(1, 'the agent serves no region: list them under "regions" in its configuration file'),
  heartbeatSeconds: seconds(5, 1),
  pollSeconds: seconds(10, 1),
  listingSeconds: seconds(600, 10),
  concurrency: z
    .object({ perKey: z.coerce.number().int().min(1).max(1000), total: z.coerce.number().int().min(1).max(10_000) })
    .default({ perKey: 4, total: 32 }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AgentConfig = z.infer<typeof schema>;
export type AgentRegionConfig = z.infer<typeof agentRegionConfig>;

export { agentSettingNames };

export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration: ${problems.join('; ')}`);
  }
}

/** Settings from the file (if any) and the environment; `overrides` (command-line flags) win over both. */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env, overrides: { configFile?: string; dataDir?: string } = {}): AgentConfig {
  const file = overrides.configFile ?? env[agentSettingNames.configFile];
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new AgentConfigError([`cannot read the configuration file ${file}: ${(error as Error).message}`]);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new AgentConfigError([`${file} must hold a JSON object`]);
  }
  const input: Record<string, unknown> = { ...fromFile };
  const take = (key: keyof typeof agentSettingNames & keyof AgentConfig, ...fallbacks: string[]) => {
    const value = [agentSettingNames[key], ...fallbacks].map((name) => env[name]).find((v) => v !== undefined && v !== '');
    if (value !== undefined) input[key] = value;
  };
  take('amqpUrl', 'AMQP_URL');
  for (const key of ['prefix', 'name', 'dataDir', 'masterKey', 'masterKeyFile', 'heartbeatSeconds', 'pollSeconds', 'listingSeconds', 'logLevel'] as const) take(key);
  const keyId = env[agentSettingNames.keyId];
  const secret = env[agentSettingNames.secret];
  if (keyId || secret) {
    // The environment's key is the newest: the agent signs with it, and still accepts the file's.
    const keys = Array.isArray(input.keys) ? (input.keys as Array<{ keyId?: unknown }>).filter((key) => key.keyId !== keyId) : [];
    input.keys = [...keys, { keyId, secret }];
  }
  if (overrides.dataDir) input.dataDir = overrides.dataDir;
  // Absent lists are empty ones, so the refusal says what is needed rather than "expected array".
  input.keys ??= [];
  input.regions ??= [];
  if (input.name === undefined) {
    throw new AgentConfigError([`name: the agent needs its name, as registered in Maestro (${agentSettingNames.name}, or "name" in the file)`]);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AgentConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`));
  }
  const names = parsed.data.regions.map((region) => region.name);
  const twice = names.filter((name, index) => names.indexOf(name) !== index);
  if (twice.length > 0) throw new AgentConfigError([`regions: ${[...new Set(twice)].join(', ')} listed more than once`]);
  return parsed.data;
}
