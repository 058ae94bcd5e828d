import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { editions } from '../protocol/features.js';

/** An on/off setting: true or false in JSON, 'true' or 'false' in the environment. */
const flag = (fallback: boolean) =>
  z
    .union([z.enum(['true', 'false']).transform((value) => value === 'true'), z.boolean()], { error: 'must be true or false' })
    .default(fallback);

/**
 * Which proxies' X-Forwarded-For and X-Forwarded-Proto headers are believed: false (none, the
 * default: a client could claim any address), true (any: only when nothing reaches Maestro but
 * the proxy), a number of proxy hops, or addresses and CIDR ranges of the proxies, comma-separated.
 */
const proxyAddress = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;
const trustProxySchema = z
  .union([z.boolean(), z.number().int().min(0).max(32), z.array(z.string()), z.string()])
  .transform((value, ctx): boolean | number | string[] => {
    if (typeof value === 'boolean' || typeof value === 'number') return value;
    if (!Array.isArray(value)) {
      if (value === 'true' || value === 'false') return value === 'true';
      if (/^\d{1,2}$/.test(value)) return Number(value);
    }
    const list = (Array.isArray(value) ? value : value.split(',')).map((entry) => entry.trim()).filter(Boolean);
    const wrong = list.filter((entry) => !proxyAddress.test(entry));
    if (list.length === 0 || wrong.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be true, false, a number of proxy hops, or proxy addresses or CIDR ranges separated by commas${wrong.length ? ` (not an address: ${wrong.join(', ')})` : ''}`,
      });
      return z.NEVER;
    }
    return list;
  })
  .default(false);

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
  databaseConnectTimeoutMs: {
    env: 'MAESTRO_DB_CONNECT_TIMEOUT_MS',
    // How long a starting node keeps trying to reach PostgreSQL (one started at the same time may still be starting).
    schema: z.coerce.number().int().min(0).max(600_000).default(10_000),
  },
  masterKey: { env: 'MAESTRO_MASTER_KEY', schema: z.string().min(1).optional() },
  masterKeyFile: {
    env: 'MAESTRO_MASTER_KEY_FILE',
    // Where the master key file is, when it should not sit beside the data it protects (default: master.key in the data directory).
    schema: z.string().min(1).optional(),
  },
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
  amqpUrl: {
    env: 'MAESTRO_AMQP_URL',
    // RabbitMQ, where private agents are reached (docs/agent.md); without it no agent is.
    schema: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL').optional(),
  },
  amqpPrefix: {
    env: 'MAESTRO_AMQP_PREFIX',
    // The start of every exchange and queue name, so several installations can share a broker.
    schema: z.string().regex(/^[a-z][a-z0-9_.-]{0,31}$/, 'lower case letters, digits, "_", "." and "-", at most 32').default('maestro'),
  },
  agentHeartbeatMs: {
    env: 'MAESTRO_AGENT_HEARTBEAT_MS',
    // The beat interval agents are judged by when they do not say their own.
    schema: z.coerce.number().int().min(100).max(600_000).default(5000),
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
  timeLimitIntervalMs: {
    env: 'MAESTRO_TIME_LIMIT_INTERVAL_MS',
    schema: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
  },
  scheduleIntervalMs: {
    env: 'MAESTRO_SCHEDULE_INTERVAL_MS',
    // How often a node looks for due instance schedules; keep it well below the grace window.
    schema: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  },
  scheduleGraceMs: {
    env: 'MAESTRO_SCHEDULE_GRACE_MS',
    // How late a due time may still run (after downtime, only the latest missed one, and only within this).
    schema: z.coerce.number().int().min(1000).max(7 * 86_400_000).default(900_000),
  },
  scheduleLeaseMs: {
    env: 'MAESTRO_SCHEDULE_LEASE_MS',
    // How long a node's claim on a schedule execution lasts without renewal: after that, another node finishes it.
    schema: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  },
  discoveryIntervalMinutes: {
    env: 'MAESTRO_DISCOVERY_INTERVAL_MINUTES',
    schema: z.coerce.number().min(0.01).max(24 * 60).default(30),
  },
  billingCheckIntervalMs: {
    env: 'MAESTRO_BILLING_CHECK_INTERVAL_MS',
    // How often a node looks for complete hours to bill; each hour is billed once, soon after it ends.
    schema: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
  },
  quotaIntervalMs: {
    env: 'MAESTRO_QUOTA_INTERVAL_MS',
    // The safety net of quotas: billing asks for an evaluation after each run, approvals run once approved.
    schema: z.coerce.number().int().min(10).max(3_600_000).default(300_000),
  },
  jobConcurrency: {
    env: 'MAESTRO_JOB_CONCURRENCY',
    // Jobs this node runs at once; 0: it runs none (it still schedules recurring jobs and serves the API).
    schema: z.coerce.number().int().min(0).max(256).default(4),
  },
  jobLeaseMs: {
    env: 'MAESTRO_JOB_LEASE_MS',
    // How long a claimed job is this node's without renewal: after that, a crashed node's job runs elsewhere.
    schema: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  },
  jobPollMs: {
    env: 'MAESTRO_JOB_POLL_MS',
    // Workers are woken when a job is enqueued; this is the safety net, and how often recurring jobs and expired leases are looked at.
    schema: z.coerce.number().int().min(10).max(60_000).default(1000),
  },
  nodeHeartbeatMs: {
    env: 'MAESTRO_NODE_HEARTBEAT_MS',
    // A node silent for three heartbeats is shown as lost.
    schema: z.coerce.number().int().min(100).max(600_000).default(10_000),
  },
  jobRetentionDays: {
    env: 'MAESTRO_JOB_RETENTION_DAYS',
    // Finished jobs (and nodes gone) older than this are deleted by the clean-up job.
    schema: z.coerce.number().int().min(1).max(3650).default(14),
  },
  systemJobs: {
    env: 'MAESTRO_SYSTEM_JOBS',
    // The recurring system jobs (billing, discovery, quotas, clean-up); false disables them (tests that drive those by hand).
    schema: flag(true),
  },
  // The Maestro-compatible endpoint (docs/compat.md): what M3_STATUS tells the published command-line client.
  compatCliLatestVersion: { env: 'MAESTRO_COMPAT_CLI_VERSION', schema: z.string().min(1).max(32).default('3.70.0') },
  compatCliDownloadUrl: {
    env: 'MAESTRO_COMPAT_CLI_URL',
    schema: z.string().url().default('https://github.com/Maestro-Cloud-Control/m3-cli/releases'),
  },
  // Notifications (docs/notifications.md). E-mail is off until smtpHost is set.
  smtpHost: { env: 'MAESTRO_SMTP_HOST', schema: z.string().min(1).optional() },
  smtpPort: { env: 'MAESTRO_SMTP_PORT', schema: z.coerce.number().int().min(1).max(65535).default(587) },
  smtpSecure: {
    env: 'MAESTRO_SMTP_SECURE',
    // true: TLS from the start (port 465); false: STARTTLS when the server offers it.
    schema: flag(false),
  },
  smtpUser: { env: 'MAESTRO_SMTP_USER', schema: z.string().min(1).optional() },
  smtpPassword: { env: 'MAESTRO_SMTP_PASSWORD', schema: z.string().min(1).optional() },
  smtpFrom: { env: 'MAESTRO_SMTP_FROM', schema: z.string().min(3).max(320).default('Maestro <maestro@localhost>') },
  vapidPublicKey: {
    env: 'MAESTRO_VAPID_PUBLIC_KEY',
    // With vapidPrivateKey; otherwise a pair is made at first start and kept in vapid.json in the data directory.
    schema: z.string().min(1).optional(),
  },
  vapidPrivateKey: { env: 'MAESTRO_VAPID_PRIVATE_KEY', schema: z.string().min(1).optional() },
  vapidSubject: {
    env: 'MAESTRO_VAPID_SUBJECT',
    // Who push services contact about this server's messages.
    schema: z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// URL').default('mailto:maestro@localhost'),
  },
  pushAllowHttp: {
    env: 'MAESTRO_PUSH_ALLOW_HTTP',
    // Real push services are https; plain http endpoints only for a local push service (tests).
    schema: flag(false),
  },
  notificationIntervalMs: {
    env: 'MAESTRO_NOTIFICATION_INTERVAL_MS',
    // New deliveries are sent at once; this is how often retries that came due are looked for.
    schema: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  },
  notificationMaxAttempts: { env: 'MAESTRO_NOTIFICATION_MAX_ATTEMPTS', schema: z.coerce.number().int().min(1).max(50).default(6) },
  notificationRetryMs: {
    env: 'MAESTRO_NOTIFICATION_RETRY_MS',
    // The first retry's delay; each next one waits twice as long (at most an hour).
    schema: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
  },
  // Console log-in (docs/console.md): how long a session lasts at most, and unused.
  sessionLifetimeMinutes: {
    env: 'MAESTRO_SESSION_LIFETIME_MINUTES',
    schema: z.coerce.number().int().min(1).max(30 * 24 * 60).default(12 * 60),
  },
  sessionIdleMinutes: {
    env: 'MAESTRO_SESSION_IDLE_MINUTES',
    schema: z.coerce.number().int().min(1).max(30 * 24 * 60).default(30),
  },
  // Failed log-ins allowed within the window, per user and address, and per address whatever the user; then 429 until the window passes.
  loginFailuresPerUser: { env: 'MAESTRO_LOGIN_FAILURES_PER_USER', schema: z.coerce.number().int().min(1).max(1000).default(5) },
  loginFailuresPerAddress: { env: 'MAESTRO_LOGIN_FAILURES_PER_ADDRESS', schema: z.coerce.number().int().min(1).max(100_000).default(20) },
  loginFailureWindowMinutes: {
    env: 'MAESTRO_LOGIN_FAILURE_WINDOW_MINUTES',
    schema: z.coerce.number().int().min(1).max(24 * 60).default(15),
  },
  trustProxy: {
    env: 'MAESTRO_TRUST_PROXY',
    // Behind a reverse proxy or load balancer: whose X-Forwarded-For / X-Forwarded-Proto to believe (docs/console.md).
    schema: trustProxySchema,
  },
  consoleDir: {
    env: 'MAESTRO_CONSOLE_DIR',
    // The built web console (npm run console:build); default: console/dist/console/browser in the installation.
    schema: z.string().min(1).optional(),
  },
  defaultEdition: {
    env: 'MAESTRO_DEFAULT_EDITION',
    // The licence of customers no administrator gave one: on premise, everything by default.
    schema: z.enum(editions).default('enterprise'),
  },
  validateOutputs: {
    env: 'MAESTRO_VALIDATE_OUTPUTS',
    schema: flag(false),
  },
  defaultSimulatedRegion: {
    env: 'MAESTRO_DEFAULT_SIM_REGION',
    schema: flag(true),
  },
  /** The embedded default's simulated region through an in-process private agent (on PGlite, without MAESTRO_AMQP_URL). */
  embeddedAgent: {
    env: 'MAESTRO_EMBEDDED_AGENT',
    schema: flag(true),
  },
} as const;

/** Never echoed in error messages. */
const secretSettings = new Set(['masterKey', 'databaseUrl', 'amqpUrl', 'smtpPassword', 'vapidPrivateKey']);

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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`MAESTRO_CONFIG: ${file} is not valid JSON: ${describeJsonError(text, error as Error)}`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`MAESTRO_CONFIG: ${file} must hold one JSON object of settings`]);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Where the JSON is broken, without quoting it: V8's messages quote the text around the error,
 * and this file may hold the master key and the database password.
 */
function describeJsonError(text: string, error: Error): string {
  const positionOf = (message: string): number | null => {
    const match = /at position (\d+)/.exec(message);
    return match ? Number(match[1]) : null;
  };
  const endsEarly = (message: string) => message.includes('Unexpected end of JSON input');
  let position = positionOf(error.message);
  if (position === null && !endsEarly(error.message)) {
    // "Unexpected token" says no position: find the shortest prefix that is wrong, not merely
    // unfinished (an unfinished prefix fails at its very end, or with "Unexpected end").
    const wrong = (length: number): boolean => {
      try {
        JSON.parse(text.slice(0, length));
        return false;
      } catch (e) {
        const message = (e as Error).message;
        const at = positionOf(message);
        return !endsEarly(message) && (at === null || at < length);
      }
    };
    let good = 0;
    let bad = text.length;
    while (bad - good > 1) {
      const middle = Math.floor((good + bad) / 2);
      if (wrong(middle)) bad = middle;
      else good = middle;
    }
    position = bad - 1;
  }
  const reason = error.message.startsWith('Unexpected token')
    ? 'unexpected character'
    : error.message.replace(/ (?:in JSON )?at position \d+.*$/s, '').replace(/,? *".*$/s, '');
  if (position === null) return reason;
  const lines = text.slice(0, position).split('\n');
  return `${reason} at line ${lines.length}, column ${lines[lines.length - 1]!.length + 1}`;
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
      const shown = secretSettings.has(key) ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${source}: ${result.error.issues.map((i) => i.message).join('; ')} (got ${shown})`);
    }
  }
  if (config.masterKey !== undefined && config.masterKeyFile !== undefined) {
    problems.push('MAESTRO_MASTER_KEY and MAESTRO_MASTER_KEY_FILE are both set: the key comes from one place; unset one of them');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const out = config as Config;
  out.dataDir = path.resolve(out.dataDir);
  if (out.masterKeyFile !== undefined) out.masterKeyFile = path.resolve(out.masterKeyFile);
  return out;
}

/** The names of the environment variables, for `maestro serve --help`. */
export const settingNames = Object.fromEntries(
  Object.entries(settings).map(([key, setting]) => [key, setting.env]),
) as { [K in keyof Settings]: string };
