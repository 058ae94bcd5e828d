import type { Queryable } from '../../store/database.js';

export interface LoginLimits {
  /** Failures allowed per user name and address within the window. */
  perUser: number;
  /** Failures allowed per address, whatever the user names, within the window (guessing many users). */
  perAddress: number;
  windowMs: number;
}

/**
 * Failed console log-ins, counted in the database so that every node behind a load balancer
 * counts the same. Checked before the password is: a refused attempt costs no scrypt.
 */
export class LoginLimiter {
  constructor(
    private readonly db: Queryable,
    private readonly limits: LoginLimits,
  ) {}

  /** Milliseconds until another attempt is allowed, or 0 when one is allowed now. */
  async retryAfterMs(user: string, address: string, now: Date): Promise<number> {
    const since = new Date(now.getTime() - this.limits.windowMs).toISOString();
    const { rows } = await this.db.query<{ failedAt: string | Date }>(
      `(SELECT failed_at AS "failedAt" FROM console_login_failures
         WHERE user_name = $1 AND address = $2 AND failed_at > $3 ORDER BY failed_at DESC OFFSET $4 - 1 LIMIT 1)
       UNION ALL
       (SELECT failed_at FROM console_login_failures
         WHERE address = $2 AND failed_at > $3 ORDER BY failed_at DESC OFFSET $5 - 1 LIMIT 1)`,
      [user, address, since, this.limits.perUser, this.limits.perAddress],
    );
    // The limit-th latest failure inside the window: once it leaves the window, one more attempt is allowed.
    let wait = 0;
    for (const row of rows) {
      const leaves = new Date(row.failedAt).getTime() + this.limits.windowMs;
      wait = Math.max(wait, leaves - now.getTime());
    }
    return wait;
  }

  async recordFailure(user: string, address: string, now: Date): Promise<void> {
    await this.db.query('INSERT INTO console_login_failures (user_name, address, failed_at) VALUES ($1, $2, $3)', [user, address, now.toISOString()]);
    // Failures older than the window count for nothing any more.
    await this.db.query('DELETE FROM console_login_failures WHERE failed_at <= $1', [new Date(now.getTime() - this.limits.windowMs).toISOString()]);
  }

  /** After a successful log-in the user's own count from that address starts again. */
  async forget(user: string, address: string): Promise<void> {
    await this.db.query('DELETE FROM console_login_failures WHERE user_name = $1 AND address = $2', [user, address]);
  }
}
