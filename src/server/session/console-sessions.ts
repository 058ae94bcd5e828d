import { loggedOut, loginFailed, loginSucceeded } from '../../protocol/events/login.js';
import type { Feature } from '../../protocol/features.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { PermissionAction } from '../../protocol/permissions.js';
import type { Clock } from '../../domain/clock.js';
import type { Database } from '../../store/database.js';
import { anonymousActor, initiatorOf, type Actor } from '../actor.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { LoginLimiter, type LoginLimits } from './login-limit.js';
import { consoleProfile, type ProfileSources } from './profile.js';
import { deleteOldSessions, findSession, insertSession, revokeSession, touchSession, type StoredSession } from './session-store.js';
import { csrfTokenOf, newSessionToken, sessionTokenHash } from './tokens.js';

export interface SessionSettings {
  /** How long a session lasts at most after the log-in. */
  lifetimeMs: number;
  /** How long a session lasts unused. */
  idleMs: number;
  limits: LoginLimits;
}

export interface ConsoleSessionsDeps {
  db: Database;
  writer: EventWriter;
  clock: Clock;
  nodeName: string;
  profile: ProfileSources;
  settings: SessionSettings;
}

/** Where a request came from, for the rate limit and the audit record. */
export interface Client {
  address: string;
  agent: string | null;
  /** The HTTP request's id, carried on the audit record. */
  requestId: string | null;
}

/** The body of POST and GET /api/v1/session (the console's contract, docs/console.md). */
export interface SessionView {
  user: { name: string; displayName: string; customer: string | null; systemAdmin: boolean };
  csrfToken: string;
  expiresAt: string;
  idleTimeoutMs: number;
  features: Feature[];
  actions: PermissionAction[];
}

export type LoginOutcome =
  | { ok: true; token: string; view: SessionView }
  | { ok: false; refusal: 'credentials' }
  | { ok: false; refusal: 'rate_limited'; retryAfterSeconds: number };

/** A usable session, or why the one presented is not. */
export type SessionLookup = { ok: true; session: StoredSession; actor: Actor } | { ok: false; why: string };

type FailureReason = 'unknown_user' | 'wrong_password' | 'no_password' | 'disabled';

interface LoginUserRow {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  customerId: string | null;
  systemAdmin: boolean;
  passwordHash: string | null;
}

/**
 * Console log-in and sessions, kept in the database (so every node shares them). The cookie
 * value is a random token; the table holds only its hash; the CSRF token is derived from it.
 */
export class ConsoleSessions {
  readonly #limiter: LoginLimiter;
  /** Checked against when there is no password to check, so that a wrong user name takes as long as a wrong password. */
  #decoyHash: Promise<string> | undefined;

  constructor(private readonly deps: ConsoleSessionsDeps) {
    this.#limiter = new LoginLimiter(deps.db, deps.settings.limits);
  }

  async logIn(name: string, password: string, client: Client): Promise<LoginOutcome> {
    const now = this.deps.clock.now();
    const waitMs = await this.#limiter.retryAfterMs(name, client.address, now);
    if (waitMs > 0) return { ok: false, refusal: 'rate_limited', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };

    const { rows } = await this.deps.db.query<LoginUserRow>(
      `SELECT id, name, status, customer_id AS "customerId", system_admin AS "systemAdmin", password_hash AS "passwordHash"
         FROM users WHERE name = $1`,
      [name],
    );
    const user = rows[0] ?? null;
    const stored = user?.passwordHash ?? null;
    const matches = await passwordMatches(password, stored ?? (await (this.#decoyHash ??= hashPassword(newSessionToken()))));
    const failure = failureOf(user, matches);
    if (failure !== null || !user) {
      await this.#limiter.recordFailure(name, client.address, now);
      const event = this.deps.writer.build(
        loginFailed,
        { user: name, userId: user?.id ?? null, reason: failure ?? 'unknown_user', ...auditClient(client) },
        { target: { id: user?.id ?? name, name }, customerId: user?.customerId ?? null, outcome: 'failure' },
        this.#origin(anonymousActor(client.address), client),
      );
      await this.deps.writer.appendStandalone([event]);
      return { ok: false, refusal: 'credentials' };
    }

    const token = newSessionToken();
    const id = uuidv7();
    const expiresAt = new Date(now.getTime() + this.deps.settings.lifetimeMs);
    const actor = userActor(user, client.address);
    const origin = this.#origin(actor, client);
    const recorded = await this.deps.db.transaction(async (tx) => {
      await insertSession(tx, { id, tokenHash: sessionTokenHash(token), userId: user.id, address: client.address, at: now, expiresAt });
      const event = this.deps.writer.build(
        loginSucceeded,
        { userId: user.id, sessionId: id, ...auditClient(client) },
        { target: { id: user.id, name: user.name }, customerId: user.customerId },
        origin,
      );
      return this.deps.writer.append(tx, [event]);
    });
    await this.deps.writer.committed(recorded);
    await this.#limiter.forget(name, client.address);
    await deleteOldSessions(this.deps.db, now);
    const session = await findSession(this.deps.db, sessionTokenHash(token));
    if (!session) throw new Error(`the session ${id} just created was not found`);
    return { ok: true, token, view: await this.view(session, token) };
  }

  /**
   * The session a cookie's token names, if it is still usable: not revoked, not past its
   * lifetime, used within the idle timeout, its user still active. `touch` counts this request
   * as use of the session (every request made with it does, the live stream's too).
   */
  async lookUp(token: string, options: { touch: boolean; address?: string; arrivedAt?: number }): Promise<SessionLookup> {
    const session = await findSession(this.deps.db, sessionTokenHash(token));
    const now = this.deps.clock.now();
    const why = !session
      ? 'there is no such console session'
      : session.revokedAt !== null
        ? 'the console session was ended (logged out, or the password was changed)'
        : session.expiresAt.getTime() <= now.getTime()
          ? `the console session expired at ${session.expiresAt.toISOString()}`
          : session.lastSeenAt.getTime() + this.deps.settings.idleMs <= now.getTime()
            ? `the console session was unused for more than ${Math.round(this.deps.settings.idleMs / 60_000)} minutes`
            : session.user.status !== 'active'
              ? `user ${session.user.name} is disabled`
              : null;
    if (why !== null || !session) return { ok: false, why: why ?? 'there is no such console session' };
    if (options.touch) await touchSession(this.deps.db, session.id, now);
    const actor: Actor = {
      ...userActor({ id: session.userId, name: session.user.name, systemAdmin: session.user.systemAdmin, customerId: session.user.customerId }, options.address),
      ...(options.arrivedAt !== undefined ? { arrivedAt: options.arrivedAt } : {}),
    };
    return { ok: true, session, actor };
  }

  async view(session: StoredSession, token: string): Promise<SessionView> {
    const profile = await consoleProfile(this.deps.profile, {
      userId: session.userId,
      name: session.user.name,
      systemAdmin: session.user.systemAdmin,
      customerId: session.user.customerId,
    });
    return {
      user: { name: session.user.name, displayName: session.user.displayName, customer: session.user.customer, systemAdmin: session.user.systemAdmin },
      csrfToken: csrfTokenOf(token),
      expiresAt: session.expiresAt.toISOString(),
      idleTimeoutMs: this.deps.settings.idleMs,
      features: profile.features,
      actions: profile.actions,
    };
  }

  /** Ends the session (log-out) and records it; a session already unusable is left as it is. */
  async logOut(found: { session: StoredSession; actor: Actor }, client: Client): Promise<void> {
    const { session, actor } = found;
    const recorded = await this.deps.db.transaction(async (tx) => {
      await revokeSession(tx, session.id, this.deps.clock.now(), 'logged_out');
      const event = this.deps.writer.build(
        loggedOut,
        { userId: session.userId, sessionId: session.id, ...auditClient(client) },
        { target: { id: session.userId, name: session.user.name }, customerId: session.user.customerId },
        this.#origin(actor, client),
      );
      return this.deps.writer.append(tx, [event]);
    });
    await this.deps.writer.committed(recorded);
  }

  #origin(actor: Actor, client: Client): EventOrigin {
    return {
      initiator: initiatorOf({ ...actor, ...(client.agent ? { agent: client.agent } : {}) }),
      requestId: client.requestId,
      observer: { typeURI: 'service/maestro', id: this.deps.nodeName },
    };
  }
}

function userActor(user: { id: string; name: string; systemAdmin: boolean; customerId: string | null }, address: string | undefined): Actor {
  return {
    kind: 'user',
    userId: user.id,
    name: user.name,
    systemAdmin: user.systemAdmin,
    customerId: user.customerId,
    accessKey: null,
    ...(address ? { address } : {}),
  };
}

/** Why a log-in is refused (for the audit record; the caller hears one message), or null when it is not. */
function failureOf(user: LoginUserRow | null, passwordMatched: boolean): FailureReason | null {
  if (!user) return 'unknown_user';
  if (user.passwordHash === null) return 'no_password';
  if (!passwordMatched) return 'wrong_password';
  return user.status === 'active' ? null : 'disabled';
}

const auditClient = (client: Client) => ({ address: client.address, agent: client.agent });

/** A stored hash that cannot be read (written by hand, or by a future version) matches nothing. */
async function passwordMatches(password: string, stored: string): Promise<boolean> {
  try {
    return await verifyPassword(password, stored);
  } catch {
    return false;
  }
}
