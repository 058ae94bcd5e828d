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

  if (tenantId !== null) {
    const userMapping = access.userMappings.get(`${tenantId}/${subject.userId}`);
    if (userMapping) return decide('user', userMapping);
  }
  if (role !== null && !roleBlocked) {
    const roleGroups = (tenantId !== null ? access.roleMappings.get(`${tenantId}/${role}`) : undefined) ?? access.roles.get(role);
    if (roleGroups) return decide('role', roleGroups);
  }
  const member = ownCustomer || tenantRole !== undefined;
  if (tenantId !== null && member) {
    const tenantMapping = access.tenantMappings.get(tenantId);
    if (tenantMapping) return decide('tenant', tenantMapping);
  }
  if (ownCustomer && access.customerMapping) return decide('customer', access.customerMapping);
  return { level: null, role, roleBlocked, groups: [], actions: new Map() };
}

function actionsOf(access: CustomerAccess, groups: readonly string[]): Map<PermissionAction, string[]> {
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
