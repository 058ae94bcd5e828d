import type { PermissionAction } from '../../protocol/permissions.js';
import type { Queryable } from '../../store/database.js';
import type { Authorizer } from '../access/authorizer.js';
import type { Facts } from './facts.js';

/** Who a trigger tells, as data: resolved for a whole batch of events at once. */
export type RecipientSpec =
  | { kind: 'user'; id: string | null }
  | { kind: 'holders'; tenantId: string; action: PermissionAction; except: string | null }
  | { kind: 'contacts'; tenantId: string }
  | { kind: 'systemAdministrators' };

export const to = {
  /** One user (an instance's owner, a requester); nobody when the id is null. */
  user: (id: string | null): RecipientSpec => ({ kind: 'user', id }),
  /**
   * The active users who may do `action` in a tenant, by the permission hierarchy, but not
   * `except` (a requester is not asked to approve their own request). System administrators are
   * not counted: they may do everything everywhere and would be told of every tenant's business.
   */
  holders: (tenantId: string, action: PermissionAction, except: string | null = null): RecipientSpec => ({ kind: 'holders', tenantId, action, except }),
  /** A tenant's contact e-mail addresses: people, not users. */
  contacts: (tenantId: string): RecipientSpec => ({ kind: 'contacts', tenantId }),
  systemAdministrators: (): RecipientSpec => ({ kind: 'systemAdministrators' }),
};

/** The permission that makes a user one of a tenant's administrators: who may change the tenant. */
export const TENANT_ADMINISTRATION: PermissionAction = 'UPDATE_TENANT';

export interface UserRecipient {
  id: string;
  name: string;
  email: string | null;
}

export interface Recipients {
  users: UserRecipient[];
  contacts: string[];
}

interface Candidate extends UserRecipient {
  tenantId: string;
  customerId: string | null;
}

const userColumns = 'u.id, u.name, u.email';

/**
 * Reads every user the batch's specs may name in at most three queries (named users, the
 * candidates of each tenant, system administrators); permissions come from the authorizer's
 * per-customer cache.
 */
export async function prepareRecipients(
  db: Queryable,
  authorizer: Pick<Authorizer, 'effective'>,
  facts: Facts,
  specs: readonly RecipientSpec[],
): Promise<(specs: readonly RecipientSpec[]) => Promise<Recipients>> {
  const userIds = new Set<string>();
  const tenantIds = new Set<string>();
  let admins = false;
  for (const spec of specs) {
    if (spec.kind === 'user' && spec.id !== null) userIds.add(spec.id);
    if (spec.kind === 'holders') tenantIds.add(spec.tenantId);
    if (spec.kind === 'systemAdministrators') admins = true;
  }
  const named = new Map<string, UserRecipient>();
  if (userIds.size > 0) {
    const { rows } = await db.query<UserRecipient>(`SELECT ${userColumns} FROM users u WHERE u.id = ANY($1::uuid[]) AND u.status = 'active'`, [[...userIds]]);
    for (const row of rows) named.set(row.id, row);
  }
  const candidates = new Map<string, Candidate[]>();
  if (tenantIds.size > 0) {
    // The users who could hold a permission in a tenant: its customer's, and those a role or mapping names there.
    const { rows } = await db.query<Candidate>(
      `SELECT t.id AS "tenantId", u.customer_id AS "customerId", ${userColumns}
         FROM tenants t JOIN users u ON u.status = 'active' AND NOT u.system_admin
          AND (u.customer_id = t.customer_id
               OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.tenant_id = t.id)
               OR EXISTS (SELECT 1 FROM permission_mappings m WHERE m.user_id = u.id AND m.tenant_id = t.id))
        WHERE t.id = ANY($1::uuid[])`,
      [[...tenantIds]],
    );
    for (const row of rows) candidates.set(row.tenantId, [...(candidates.get(row.tenantId) ?? []), row]);
  }
  const systemAdministrators = admins
    ? (await db.query<UserRecipient>(`SELECT ${userColumns} FROM users u WHERE u.system_admin AND u.status = 'active' ORDER BY u.name`)).rows
    : [];

  const holders = async (spec: Extract<RecipientSpec, { kind: 'holders' }>) => {
    const tenant = facts.tenant(spec.tenantId);
    if (!tenant) return [];
    const found: UserRecipient[] = [];
    for (const user of candidates.get(spec.tenantId) ?? []) {
      if (user.id === spec.except) continue;
      const effective = await authorizer.effective(user, tenant.customerId, tenant.id, db);
      if (effective.actions.has(spec.action)) found.push(user);
    }
    return found;
  };

  return async (wanted) => {
    const users = new Map<string, UserRecipient>();
    const contacts = new Set<string>();
    for (const spec of wanted) {
      const add = (list: readonly UserRecipient[]) => list.forEach((user) => users.set(user.id, user));
      if (spec.kind === 'user' && spec.id !== null && named.has(spec.id)) add([named.get(spec.id)!]);
      if (spec.kind === 'holders') add(await holders(spec));
      if (spec.kind === 'systemAdministrators') add(systemAdministrators);
      if (spec.kind === 'contacts') facts.tenant(spec.tenantId)?.contacts.forEach((address) => contacts.add(address.toLowerCase()));
    }
    return { users: [...users.values()], contacts: [...contacts] };
  };
}
