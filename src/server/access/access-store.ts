import { defaultGroups } from '../../domain/access/permission-groups.js';
import { builtInRoles } from '../../domain/access/roles.js';
import { authorKey, mappingKeyInLevel, type CustomerAccess, type EffectivePermissions } from '../../domain/access/resolve.js';
import type { License } from '../../domain/access/license.js';
import type { MappingLevel } from '../../protocol/access.js';
import type { PermissionAction } from '../../protocol/permissions.js';
import type { Queryable } from '../../store/database.js';
import { accessEvents } from '../projections/access.js';

const accessEventTypes = new Set(accessEvents.map((event) => event.type));


export interface CustomerSnapshot {
  access: CustomerAccess;
  /** The customer's licence, or the platform default when none was set. */
  license: License;
  /** Resolutions already made from this snapshot, by `userId/tenantId`. */
  resolved: Map<string, EffectivePermissions>;
}

interface SnapshotRow {
  groups: Array<{ name: string; actions: PermissionAction[] }>;
  roles: Array<{ name: string; groups: string[] }>;
  mappings: Array<{ level: MappingLevel; tenantId: string; role: string; userId: string; groups: string[]; setBy: string | null }>;
  blocked: Array<{ tenantId: string; role: string }>;
  tenantRoles: Array<{ userId: string; tenantId: string; role: string }>;
  customerRoles: Array<{ userId: string; role: string }>;
  license: { edition: License['edition']; endsAt: string | null; graceDays: number; suspended: boolean; toggles: License['toggles'] } | null;
  version: string | number | null;
}

const list = (select: string) => `COALESCE((${select}), '[]'::json)`;

/** Everything about one customer's permissions and licence, in one round trip. */
const snapshotSql = `SELECT
  ${list(`SELECT json_agg(json_build_object('name', name, 'actions', actions)) FROM permission_groups WHERE customer_id = $1`)} AS groups,
  ${list(`SELECT json_agg(json_build_object('name', name, 'groups', groups)) FROM roles WHERE customer_id = $1`)} AS roles,
  ${list(`SELECT json_agg(json_build_object('level', level, 'tenantId', tenant_id, 'role', role, 'userId', user_id, 'groups', groups, 'setBy', set_by))
            FROM permission_mappings WHERE customer_id = $1`)} AS mappings,
  ${list(`SELECT json_agg(json_build_object('tenantId', tenant_id, 'role', role)) FROM blocked_roles WHERE customer_id = $1`)} AS blocked,
  ${list(`SELECT json_agg(json_build_object('userId', ur.user_id, 'tenantId', ur.tenant_id, 'role', ur.role))
            FROM user_roles ur JOIN tenants t ON t.id = ur.tenant_id WHERE t.customer_id = $1`)} AS "tenantRoles",
  ${list(`SELECT json_agg(json_build_object('userId', user_id, 'role', role)) FROM customer_roles WHERE customer_id = $1`)} AS "customerRoles",
  (SELECT json_build_object('edition', edition, 'endsAt', ends_at, 'graceDays', grace_days, 'suspended', suspended, 'toggles', toggles)
     FROM licenses WHERE customer_id = $1) AS license,
  (SELECT seq FROM access_version WHERE id = 1) AS version`;

export interface TenantPlace {
  id: string;
  name: string;
  customerId: string;
}

export interface UserPlace {
  id: string;
  name: string;
  customerId: string | null;
}

/**
 * The per-node cache behind authorisation. Permissions and licences are cached per customer.
 * A commit that changes them drops the cache of the node that made it before the call answers
 * (`committed`). Where several nodes share the database (PostgreSQL), every call also compares
 * `access_version`, moved by the same events in their transaction, and drops the cache when it
 * moved: a change takes effect on the next call on every node. Calls that arrive together share
 * one check, as long as it started after they arrived, so under load the check costs a fraction
 * of a query per call. Names of tenants, users and keys never move to another customer, so found
 * ones are cached for good.
 */
export class AccessStore {
  #version = -1;
  /** When the newest read of access_version began (performance.now()). */
  #checkedFrom = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | null = null;
  #nextCheck: Promise<void> | null = null;
  readonly #customers = new Map<string, CustomerSnapshot>();
  readonly #tenants = new Map<string, TenantPlace>();
  readonly #users = new Map<string, UserPlace>();
  readonly #keyOwners = new Map<string, UserPlace>();

  constructor(
    private readonly db: Queryable,
    private readonly defaultLicense: () => License,
    /** False when this node is the database's only user (embedded PGlite): `committed` suffices. */
    private readonly sharedDatabase: boolean,
  ) {}

  /** Whether a commit of these event types can change permissions or licences. */
  static affectedBy(types: readonly string[]): boolean {
    return types.some((type) => accessEventTypes.has(type));
  }

  /** Told of every commit this node makes, before the call that made it answers. */
  committed(types: readonly string[]): void {
    if (AccessStore.affectedBy(types)) this.invalidate();
  }

  /**
   * Resolves once a version check that started after this call has dropped stale permissions. A
   * call that arrived at `arrivedAt` needs none when a read began since (the replay check of its
   * own request reads the version in the same statement: `observeChecked`).
   */
  refresh(arrivedAt?: number): Promise<void> {
    if (!this.sharedDatabase) return Promise.resolve();
    if (arrivedAt !== undefined && this.#checkedFrom >= arrivedAt) return Promise.resolve();
    if (!this.#checking) {
      this.#checking = this.#checkVersion().finally(() => {
        this.#checking = null;
      });
      return this.#checking;
    }
    // The running check may have read the version before this call arrived: wait for the next one.
    this.#nextCheck ??= this.#checking.then(() => {
      this.#nextCheck = null;
      return this.refresh();
    });
    return this.#nextCheck;
  }

  async #checkVersion(): Promise<void> {
    const startedAt = performance.now();
    const { rows } = await this.db.query<{ seq: string | number }>('SELECT seq FROM access_version WHERE id = 1');
    this.observeChecked(Number(rows[0]?.seq ?? 0), startedAt);
  }

  /** A read of access_version that began at `startedAt` (performance.now()) found `version`. */
  observeChecked(version: number, startedAt: number): void {
    this.#observe(version);
    this.#checkedFrom = Math.max(this.#checkedFrom, startedAt);
  }

  #observe(version: number): void {
    // The version only grows: a read that began earlier and ended later says nothing new.
    if (version < this.#version) return;
    if (version !== this.#version) this.#customers.clear();
    this.#version = version;
  }

  /** Forgets cached permissions and licences (after a rebuild). */
  invalidate(): void {
    this.#customers.clear();
    this.#version = -1;
    this.#checkedFrom = Number.NEGATIVE_INFINITY;
  }

  /** `db` is the caller's transaction when there is one: on PGlite nothing else may query meanwhile. */
  async customer(customerId: string, db: Queryable = this.db): Promise<CustomerSnapshot> {
    const cached = this.#customers.get(customerId);
    if (cached) return cached;
    const { rows } = await db.query<SnapshotRow>(snapshotSql, [customerId]);
    this.#observe(Number(rows[0]!.version ?? 0));
    const snapshot = toSnapshot(customerId, rows[0]!, this.defaultLicense());
    this.#customers.set(customerId, snapshot);
    return snapshot;
  }

  async tenant(name: string): Promise<TenantPlace | null> {
    const cached = this.#tenants.get(name);
    if (cached) return cached;
    const { rows } = await this.db.query<TenantPlace>('SELECT id, name, customer_id AS "customerId" FROM tenants WHERE name = $1', [name]);
    if (rows[0]) this.#tenants.set(name, rows[0]);
    return rows[0] ?? null;
  }

  async user(name: string): Promise<UserPlace | null> {
    const cached = this.#users.get(name);
    if (cached) return cached;
    const { rows } = await this.db.query<UserPlace>('SELECT id, name, customer_id AS "customerId" FROM users WHERE name = $1', [name]);
    if (rows[0]) this.#users.set(name, rows[0]);
    return rows[0] ?? null;
  }

  async customerId(name: string): Promise<string | null> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id FROM customers WHERE name = $1', [name]);
    return rows[0]?.id ?? null;
  }

  /** The user who owns an access key. */
  async keyOwner(accessKey: string): Promise<UserPlace | null> {
    const cached = this.#keyOwners.get(accessKey);
    if (cached) return cached;
    const { rows } = await this.db.query<UserPlace>(
      `SELECT u.id, u.name, u.customer_id AS "customerId" FROM access_keys k JOIN users u ON u.id = k.user_id WHERE k.access_key = $1`,
      [accessKey],
    );
    if (rows[0]) this.#keyOwners.set(accessKey, rows[0]);
    return rows[0] ?? null;
  }

  /**
   * Users whose permissions in a customer a change could move: the customer's own, and users of
   * others (or of the platform) a tenant role or user mapping there names; only `ids`, if given.
   */
  async subjects(customerId: string, db: Queryable = this.db, ids?: readonly string[]): Promise<UserPlace[]> {
    const select = 'SELECT id, name, customer_id AS "customerId" FROM users';
    const { rows } = ids
      ? await db.query<UserPlace>(`${select} WHERE id = ANY($1::uuid[]) ORDER BY name`, [[...ids]])
      : await db.query<UserPlace>(
          `${select}
            WHERE customer_id = $1
               OR id IN (SELECT ur.user_id FROM user_roles ur JOIN tenants t ON t.id = ur.tenant_id WHERE t.customer_id = $1)
               OR id IN (SELECT user_id FROM permission_mappings WHERE customer_id = $1 AND level = 'user')
            ORDER BY name`,
          [customerId],
        );
    return rows;
  }

  /** A customer's tenants, by name. */
  async tenantsOf(customerId: string, db: Queryable = this.db): Promise<TenantPlace[]> {
    const { rows } = await db.query<TenantPlace>('SELECT id, name, customer_id AS "customerId" FROM tenants WHERE customer_id = $1 ORDER BY name', [
      customerId,
    ]);
    return rows;
  }

  /** The tenants where a user could have any permission: their customer's, and those where a role or mapping names them. */
  async tenantsReachableBy(user: UserPlace, db: Queryable = this.db): Promise<TenantPlace[]> {
    const { rows } = await db.query<TenantPlace>(
      `SELECT id, name, customer_id AS "customerId" FROM tenants
        WHERE customer_id = $2
           OR id IN (SELECT tenant_id FROM user_roles WHERE user_id = $1)
           OR id IN (SELECT tenant_id FROM permission_mappings WHERE user_id = $1)
        ORDER BY name`,
      [user.id, user.customerId],
    );
    return rows;
  }
}

function toSnapshot(customerId: string, row: SnapshotRow, defaultLicense: License): CustomerSnapshot {
  const groups = new Map<string, readonly PermissionAction[]>(Object.entries(defaultGroups));
  for (const group of row.groups) groups.set(group.name, group.actions);
  const roles = new Map<string, readonly string[]>(Object.entries(builtInRoles).map(([name, role]) => [name, role.groups]));
  for (const role of row.roles) roles.set(role.name, role.groups);
  const mappingsAt = (level: MappingLevel) => row.mappings.filter((mapping) => mapping.level === level);
  // Mappings set before authors were recorded, with none in the log, have no author.
  const mappingAuthors = new Map<string, string>();
  for (const m of row.mappings) if (m.setBy !== null) mappingAuthors.set(authorKey(m.level, mappingKeyInLevel(m.level, m)), m.setBy);
  return {
    access: {
      customerId,
      groups,
      roles,
      customerMapping: mappingsAt('customer')[0]?.groups ?? null,
      tenantMappings: new Map(mappingsAt('tenant').map((m) => [mappingKeyInLevel(m.level, m), m.groups])),
      roleMappings: new Map(mappingsAt('role').map((m) => [mappingKeyInLevel(m.level, m), m.groups])),
      userMappings: new Map(mappingsAt('user').map((m) => [mappingKeyInLevel(m.level, m), m.groups])),
      blockedRoles: new Set(row.blocked.map((b) => `${b.tenantId}/${b.role}`)),
      tenantRoles: new Map(row.tenantRoles.map((r) => [`${r.tenantId}/${r.userId}`, r.role])),
      customerRoles: new Map(row.customerRoles.map((r) => [r.userId, r.role])),
      mappingAuthors,
    },
    license: row.license ?? defaultLicense,
    resolved: new Map(),
  };
}
