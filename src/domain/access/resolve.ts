import type { MappingLevel } from '../../protocol/access.js';
import type { PermissionAction } from '../../protocol/permissions.js';

/**
 * Everything about one customer's permissions that resolution needs, as plain data. Keys of
 * the maps: tenant id, `tenantId/role`, `tenantId/userId`, `userId`.
 */
export interface CustomerAccess {
  customerId: string;
  /** Permission groups by name: the defaults and the customer's own. */
  groups: ReadonlyMap<string, readonly PermissionAction[]>;
  /** Roles by name, with their groups: the built-in ones and the customer's own. */
  roles: ReadonlyMap<string, readonly string[]>;
  customerMapping: readonly string[] | null;
  tenantMappings: ReadonlyMap<string, readonly string[]>;
  roleMappings: ReadonlyMap<string, readonly string[]>;
  userMappings: ReadonlyMap<string, readonly string[]>;
  blockedRoles: ReadonlySet<string>;
  tenantRoles: ReadonlyMap<string, string>;
  customerRoles: ReadonlyMap<string, string>;
  /** Who last set each mapping (a user id), by `authorKey(level, key)`. */
  mappingAuthors: ReadonlyMap<string, string>;
}

/** A mapping's key in `mappingAuthors`: its level and its key in the map of that level ('' for the customer's). */
export const authorKey = (level: MappingLevel, key: string) => `${level}:${key}`;

/** A mapping's key in the map of its level (see `CustomerAccess`). */
export function mappingKeyInLevel(level: MappingLevel, mapping: { tenantId: string | null; role: string | null; userId: string | null }): string {
  switch (level) {
    case 'customer':
      return '';
    case 'tenant':
      return `${mapping.tenantId}`;
    case 'role':
      return `${mapping.tenantId}/${mapping.role}`;
    case 'user':
      return `${mapping.tenantId}/${mapping.userId}`;
  }
}

/** A mapping's groups, unless `userId` set it: a mapping grants nothing to the user who set it. */
function mappingFor(access: CustomerAccess, level: MappingLevel, key: string, groups: readonly string[] | null | undefined, userId: string) {
  return groups && access.mappingAuthors.get(authorKey(level, key)) !== userId ? groups : undefined;
}

/**
 * The groups a role gives a holder in a tenant (blocks aside): the role mapping there, unless the
 * holder set it, else the role's own groups; in the customer as a whole (tenantId null), its own.
 */
export function roleGroupsIn(access: CustomerAccess, role: string, tenantId: string | null, holderId: string): readonly string[] | undefined {
  const key = `${tenantId}/${role}`;
  return (tenantId !== null ? mappingFor(access, 'role', key, access.roleMappings.get(key), holderId) : undefined) ?? access.roles.get(role);
}

export interface AccessSubject {
  userId: string;
  /** The customer the user belongs to; null for platform users. */
  customerId: string | null;
}

export interface EffectivePermissions {
  /** The level that decided, or null when nothing grants anything. */
  level: MappingLevel | null;
  /** The role the user holds there, when a role is involved (even a blocked one). */
  role: string | null;
  roleBlocked: boolean;
  groups: readonly string[];
  /** Each effective action with the groups that grant it. */
  actions: ReadonlyMap<PermissionAction, readonly string[]>;
}

/**
 * Resolves what a user may do in a tenant (or, with tenantId null, in the customer as a whole),
 * exactly by the seed's hierarchy: a user mapping in the tenant wins; else the mapping of the
 * user's role if that role is not blocked in the tenant (a role mapping in the tenant, else the
 * role's own groups); else the tenant mapping; else the customer mapping. A role given at
 * customer level counts in every tenant where the user has no role of their own. Users of
 * another customer get nothing but what a user mapping gives them.
 *
 * A mapping grants nothing to the user who set it: for them resolution goes on as if it were not
 * there. Otherwise an administrator could set a mapping that a later change of her role, or a
 * block of it, falls through to, and keep what the change took away.
 */
export function resolvePermissions(access: CustomerAccess, subject: AccessSubject, tenantId: string | null): EffectivePermissions {
  const ownCustomer = subject.customerId === access.customerId;
  const tenantRole = tenantId === null ? undefined : access.tenantRoles.get(`${tenantId}/${subject.userId}`);
  const customerRole = ownCustomer ? access.customerRoles.get(subject.userId) : undefined;
  const role = tenantRole ?? customerRole ?? null;
  const roleBlocked = role !== null && tenantId !== null && access.blockedRoles.has(`${tenantId}/${role}`);
  const decide = (level: MappingLevel, groups: readonly string[]): EffectivePermissions => ({
    level,
    role,
    roleBlocked,
    groups,
    actions: actionsOf(access, groups),
  });
  const mapping = (level: MappingLevel, key: string, groups: readonly string[] | null | undefined) =>
    mappingFor(access, level, key, groups, subject.userId);

  if (tenantId !== null) {
    const key = `${tenantId}/${subject.userId}`;
    const userMapping = mapping('user', key, access.userMappings.get(key));
    if (userMapping) return decide('user', userMapping);
  }
  if (role !== null && !roleBlocked) {
    const roleGroups = roleGroupsIn(access, role, tenantId, subject.userId);
    if (roleGroups) return decide('role', roleGroups);
  }
  const member = ownCustomer || tenantRole !== undefined;
  if (tenantId !== null && member) {
    const tenantMapping = mapping('tenant', tenantId, access.tenantMappings.get(tenantId));
    if (tenantMapping) return decide('tenant', tenantMapping);
  }
  const customerMapping = ownCustomer ? mapping('customer', '', access.customerMapping) : undefined;
  if (customerMapping) return decide('customer', customerMapping);
  return { level: null, role, roleBlocked, groups: [], actions: new Map() };
}

/** The actions of some of a customer's groups, each with the groups that hold it. */
export function actionsOf(access: CustomerAccess, groups: readonly string[]): Map<PermissionAction, string[]> {
  const actions = new Map<PermissionAction, string[]>();
  for (const group of groups) {
    for (const action of access.groups.get(group) ?? []) {
      const from = actions.get(action);
      if (from) from.push(group);
      else actions.set(action, [group]);
    }
  }
  return actions;
}
