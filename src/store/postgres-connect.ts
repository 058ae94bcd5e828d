import pg from 'pg';

/**
 * How long a start waits for PostgreSQL. A node and its database started together (a compose
 * file, a host rebooting) race, and a loaded server answers a connection late: both pass within
 * seconds, so connecting is retried with back-off up to `timeoutMs` before giving up.
 */
export interface ConnectPolicy {
  /** How long to keep trying, in ms; 0 tries once. */
  timeoutMs: number;
  /** The clock the budget is measured on (tests move theirs by hand in `wait`). */
  now?: () => number;
  /** Waits between attempts. */
  wait?: (ms: number) => Promise<void>;
  /**
   * Whether a port nobody listens on (ECONNREFUSED, no socket file) is waited for, as a node
   * started with its database must (default); a test run on a machine without PostgreSQL is
   * better told at once.
   */
  waitForListener?: boolean;
}

export const defaultConnectPolicy: ConnectPolicy = { timeoutMs: 10_000 };

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2000;
/** One attempt waits this long for an answer at most, and at least the minimum, whatever is left of the budget. */
const ATTEMPT_TIMEOUT_MS = { min: 1000, max: 5000 };

/** Why PostgreSQL could not be used: the URL, an answer that waiting will not change, or no answer at all. */
export class PostgresConnectError extends Error {
  override name = 'PostgresConnectError';
  constructor(
    readonly reason: 'url' | 'refused' | 'unreachable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The URL as the client understood it, without the password: safe for messages and logs. */
export function describePostgresUrl(client: pg.Client): string {
  const user = client.user ? `${client.user}@` : '';
  const host = client.host.startsWith('/') ? `[socket ${client.host}]` : client.host;
  return `postgres://${user}${host}:${client.port}/${client.database ?? ''}`;
}

/** One line for a connection error: AggregateError (IPv4 and IPv6 both refused) has an empty message. */
export function connectErrorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map((inner) => connectErrorMessage(inner)))].join('; ');
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || (error instanceof Error ? error.name : 'unknown error');
}

/** Nothing listens at the address: no server at all, rather than a slow or busy one. */
function nobodyListens(error: unknown): boolean {
  const codes = error instanceof AggregateError ? error.errors.map((inner: unknown) => (inner as { code?: unknown }).code) : [(error as { code?: unknown }).code];
  return codes.length > 0 && codes.every((code) => code === 'ECONNREFUSED' || code === 'ENOENT');
}

const sqlStateOf = (error: unknown): string | undefined => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** Answers no retry will change: the login or the database was refused (SQLSTATE class 28, 3D000). */
function refusal(error: unknown, where: string, client: pg.Client): PostgresConnectError | null {
  const state = sqlStateOf(error);
  if (state?.startsWith('28')) {
    return new PostgresConnectError(
      'refused',
      `PostgreSQL at ${where} refused the login (${connectErrorMessage(error)}); correct the user and password in DATABASE_URL, ` +
        'or allow this user and host in the server’s pg_hba.conf',
      { cause: error },
    );
  }
  if (state === '3D000') {
    const database = client.database ?? '';
    return new PostgresConnectError(
      'refused',
      `PostgreSQL at ${where} has no database "${database}"; create it (createdb ${database}) or correct the database name in DATABASE_URL`,
      { cause: error },
    );
  }
  return null;
}

/**
 * Connects once to `url` and closes again, retrying with back-off while the server cannot be
 * reached or is not ready (starting up, too many connections) until the policy's time is spent.
 * The errors name the server without the password and say what to do.
 */
export async function waitForPostgres(url: string, policy: ConnectPolicy = defaultConnectPolicy): Promise<void> {
  const now = policy.now ?? Date.now;
  const wait = policy.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    const left = policy.timeoutMs - (now() - started);
    let client: pg.Client;
    try {
      client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: Math.min(ATTEMPT_TIMEOUT_MS.max, Math.max(ATTEMPT_TIMEOUT_MS.min, left)),
      });
    } catch (error) {
      // Never the URL itself in the message: it holds the password.
      throw new PostgresConnectError(
        'url',
        `DATABASE_URL cannot be read as a PostgreSQL URL (${connectErrorMessage(error)}); ` +
          'write it as postgres://user:password@host:5432/database, with special characters in the password percent-encoded',
        { cause: error },
      );
    }
    const where = describePostgresUrl(client);
    // A connection that fails later (after the probe) must not become an uncaught 'error' event.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      const refused = refusal(error, where, client);
      if (refused) throw refused;
      const elapsed = now() - started;
      if (elapsed + delay > policy.timeoutMs || (policy.waitForListener === false && nobodyListens(error))) {
        const seconds = Math.round(elapsed / 100) / 10;
        throw new PostgresConnectError(
          'unreachable',
          `PostgreSQL at ${where} cannot be reached (${connectErrorMessage(error)}) after ${attempt} attempt${attempt === 1 ? '' : 's'} ` +
            `in ${seconds} s; check that the server is running and accepts connections from this host, or correct the host and ` +
            'port in DATABASE_URL (MAESTRO_DB_CONNECT_TIMEOUT_MS waits longer)',
          { cause: error },
        );
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    await wait(delay);
    delay = Math.min(MAX_DELAY_MS, delay * 2);
  }
}
