import type { Queryable } from '../../store/database.js';
import type { Actor } from '../actor.js';
import type { SecretBox } from '../secrets.js';

export interface Credential {
  accessKey: string;
  secretKey: string;
  expiresAt: number | null;
  userStatus: 'active' | 'disabled';
  actor: Actor;
}

interface CredentialRow {
  accessKey: string;
  secretEncrypted: string;
  expiresAt: string | null;
  userId: string;
  name: string;
  systemAdmin: boolean;
  customerId: string | null;
  status: 'active' | 'disabled';
}

/**
 * Access keys with their decrypted secrets and owners, cached so that checking a signature costs
 * no query. The cache is dropped whenever a key or user event commits (on this node through the
 * bus, on others through NOTIFY) and entries also expire, as a safety net.
 */
export class CredentialStore {
  readonly #cache = new Map<string, { credential: Credential; loadedAt: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly secrets: SecretBox,
    private readonly ttlMs = 60_000,
  ) {}

  async lookup(accessKey: string, now = Date.now()): Promise<Credential | null> {
    const cached = this.#cache.get(accessKey);
    if (cached && now - cached.loadedAt < this.ttlMs) return cached.credential;
    const { rows } = await this.db.query<CredentialRow>(
      `SELECT k.access_key AS "accessKey", k.secret_encrypted AS "secretEncrypted", k.expires_at AS "expiresAt",
              u.id AS "userId", u.name, u.system_admin AS "systemAdmin", u.customer_id AS "customerId", u.status
         FROM access_keys k JOIN users u ON u.id = k.user_id WHERE k.access_key = $1`,
      [accessKey],
    );
    const row = rows[0];
    if (!row) {
      this.#cache.delete(accessKey);
      return null;
    }
    const credential: Credential = {
      accessKey: row.accessKey,
      secretKey: this.secrets.open(row.secretEncrypted),
      expiresAt: row.expiresAt === null ? null : Date.parse(row.expiresAt),
      userStatus: row.status,
      actor: {
        kind: 'user',
        userId: row.userId,
        name: row.name,
        systemAdmin: row.systemAdmin,
        customerId: row.customerId,
        accessKey: row.accessKey,
      },
    };
    this.#cache.set(accessKey, { credential, loadedAt: now });
    return credential;
  }

  invalidate(): void {
    this.#cache.clear();
  }

  /** Whether a commit of these event types can change what `lookup` returns. */
  static affectedBy(types: readonly string[]): boolean {
    return types.some((type) => type.startsWith('key.') || type.startsWith('user.'));
  }
}
