import type { MappingLevel } from '../../protocol/access.js';
import type { PermissionAction } from '../../protocol/permissions.js';
import { authorKey, mappingKeyInLevel, type CustomerAccess } from './resolve.js';

/**
 * A change to one customer's permissions, as the commands that make it describe it: a mapping set
 * (groups) or removed (groups null) by a user, a role given or taken in a tenant or customer-wide,
 * a role blocked or unblocked, a custom role or group saved.
 */
export type AccessChange =
  | {
      kind: 'mapping';
      level: MappingLevel;
      tenantId: string | null;
      role: string | null;
      userId: string | null;
      groups: readonly string[] | null;
      setBy: string;
    }
  | { kind: 'tenantRole'; tenantId: string; userId: string; role: string | null }
  | { kind: 'customerRole'; userId: string; role: string | null }
  | { kind: 'block'; tenantId: string; role: string; blocked: boolean }
  | { kind: 'role'; name: string; groups: readonly string[] }
  | { kind: 'group'; name: string; actions: readonly PermissionAction[] };

const put = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V | null): Map<K, V> => {
  const next = new Map(map);
  if (value === null) next.delete(key);
  else next.set(key, value);
  return next;
};

/** The customer's permissions as they would be after a change; `access` itself is left as it is. */
export function applyChange(access: CustomerAccess, change: AccessChange): CustomerAccess {
  switch (change.kind) {
    case 'mapping':
      return withMapping(access, change);
    case 'tenantRole':
      return { ...access, tenantRoles: put(access.tenantRoles, `${change.tenantId}/${change.userId}`, change.role) };
    case 'customerRole':
      return { ...access, customerRoles: put(access.customerRoles, change.userId, change.role) };
    case 'block': {
      const blockedRoles = new Set(access.blockedRoles);
      if (change.blocked) blockedRoles.add(`${change.tenantId}/${change.role}`);
      else blockedRoles.delete(`${change.tenantId}/${change.role}`);
      return { ...access, blockedRoles };
    }
    case 'role':
      return { ...access, roles: put(access.roles, change.name, change.groups) };
    case 'group':
      return { ...access, groups: put(access.groups, change.name, change.actions) };
  }
}

function withMapping(access: CustomerAccess, change: Extract<AccessChange, { kind: 'mapping' }>): CustomerAccess {
  const key = mappingKeyInLevel(change.level, change);
  const mappingAuthors = put(access.mappingAuthors, authorKey(change.level, key), change.groups === null ? null : change.setBy);
  switch (change.level) {
    case 'customer':
      return { ...access, customerMapping: change.groups, mappingAuthors };
    case 'tenant':
      return { ...access, tenantMappings: put(access.tenantMappings, key, change.groups), mappingAuthors };
    case 'role':
      return { ...access, roleMappings: put(access.roleMappings, key, change.groups), mappingAuthors };
    case 'user':
      return { ...access, userMappings: put(access.userMappings, key, change.groups), mappingAuthors };
  }
}
