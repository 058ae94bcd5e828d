import type { Queryable } from '../../store/database.js';

/** Why a session stopped being usable before its time. */
export type RevokeReason = 'logged_out' | 'password_changed' | 'user_disabled';

export interface StoredSession {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  /** The user as they are now: name, status and place may have changed since the log-in. */
  user: { name: string; displayName: string; status: 'active' | 'disabled'; systemAdmin: boolean; customerId: string | null; customer: string | null };
}

interface SessionRow {
  id: string;
  userId: string;
  createdAt: string | Date;
  lastSeenAt: string | Date;
  expiresAt: string | Date;
  revokedAt: string | Date | null;
  name: string;
  displayName: string;
  status: 'active' | 'disabled';
  systemAdmin: boolean;
  customerId: string | null;
  customer: string | null;
}

const date = (value: string | Date): Date => (value instanceof Date ? value : new Date(value));

export async function insertSession(
  db: Queryable,
  session: { id: string; tokenHash: string; userId: string; address: string | null; at: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO console_sessions (id, token_hash, user_id, address, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6)`,
    [session.id, session.tokenHash, session.userId, session.address, session.at.toISOString(), session.expiresAt.toISOString()],
  );
}

/** The session a token hash names, with its user; null when there is none (or its user is gone). */
export async function findSession(db: Queryable, tokenHash: string): Promise<StoredSession | null> {
  const { rows } = await db.query<SessionRow>(
    `SELECT s.id, s.user_id AS "userId", s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt",
            s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt",
            u.name, u.display_name AS "displayName", u.status, u.system_admin AS "systemAdmin",
            u.customer_id AS "customerId", c.name AS customer
       FROM console_sessions s
       JOIN users u ON u.id = s.user_id
       LEFT JOIN customers c ON c.id = u.customer_id
      WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    userId: row.userId,
    createdAt: date(row.createdAt),
    lastSeenAt: date(row.lastSeenAt),
    expiresAt: date(row.expiresAt),
    revokedAt: row.revokedAt === null ? null : date(row.revokedAt),
    user: {
      name: row.name,
      displayName: row.displayName,
      status: row.status,
      systemAdmin: row.systemAdmin,
      customerId: row.customerId,
      customer: row.customer,
    },
  };
}

/**
 * Marks a session as used now. Written at most once a minute per session (`minGapMs`): the idle
 * timeout is counted in minutes, and a busy console page should not write on every call.
 */
export async function touchSession(db: Queryable, id: string, at: Date, minGapMs = 60_000): Promise<void> {
  await db.query(
    `UPDATE console_sessions SET last_seen_at = $2
      WHERE id = $1 AND revoked_at IS NULL AND last_seen_at <= $3`,
    [id, at.toISOString(), new Date(at.getTime() - minGapMs).toISOString()],
  );
}

export async function revokeSession(db: Queryable, id: string, at: Date, reason: RevokeReason): Promise<void> {
  await db.query('UPDATE console_sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [
    id,
    at.toISOString(),
    reason,
  ]);
}

/**
 * Ends every console session of a user (their password changed, or they were disabled). Handlers
 * call it in the command's transaction: the revocation commits with the change, or not at all.
 */
export async function revokeUserSessions(db: Queryable, userId: string, at: Date, reason: RevokeReason): Promise<number> {
  const result = await db.query('UPDATE console_sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL', [
    userId,
    at.toISOString(),
    reason,
  ]);
  return result.rowCount ?? 0;
}

/** Sessions ended more than a day ago are of no use to anyone: dropped as new ones begin. */
export async function deleteOldSessions(db: Queryable, now: Date): Promise<void> {
  const before = new Date(now.getTime() - 86_400_000).toISOString();
  await db.query('DELETE FROM console_sessions WHERE expires_at < $1 OR revoked_at < $1', [before]);
}
